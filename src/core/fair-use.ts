import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Logger } from '../logger.js';
import {
  heldPersonSlots,
  releasePersonSlot,
  renewPersonSlot,
  takePersonSlot,
} from '../store/person-slots.js';

/** Gives a slot back; safe to call more than once. */
export type ReleaseSlot = () => Promise<void>;

/**
 * How many commands and clicks that call PingOne one person may have running at once. PingOne's rate
 * limit is the tenant's, shared with promotions: two hundred `/flightiq test` typed in a loop, or Test
 * again clicked as fast as Slack allows, must not spend it.
 */
export interface PersonSlots {
  readonly perPerson: number;
  /** A release function when the person has a free slot; undefined when all of theirs are taken. */
  take(userId: string, options?: { timeoutMs?: number }): Promise<ReleaseSlot | undefined>;
}

export interface DatabaseSlotsOptions {
  pool: pg.Pool;
  perPerson: number;
  logger: Logger;
  /** How long a slot is held without its replica renewing it (it renews every third of that). */
  leaseMs?: number;
}

/**
 * Slots counted in PostgreSQL, so the limit holds across every replica: a burst spread by the load
 * balancer is counted as one. Each slot is a row with a lease the holding replica renews; one that
 * stops frees its slots when the lease runs out. A fair-use limit, not a safety rule: when the
 * database cannot answer in time, the command goes on (and is logged) rather than being refused.
 */
export class DatabaseSlots implements PersonSlots {
  readonly perPerson: number;
  private readonly leaseMs: number;

  constructor(private readonly options: DatabaseSlotsOptions) {
    this.perPerson = options.perPerson;
    this.leaseMs = options.leaseMs ?? 60_000;
  }

  async take(
    userId: string,
    { timeoutMs = 2_000 }: { timeoutMs?: number } = {},
  ): Promise<ReleaseSlot | undefined> {
    const holder = randomUUID();
    let slot: number | null;
    try {
      slot = await withTimeout(this.claim(userId, holder), timeoutMs);
    } catch (error) {
      this.options.logger.warn(
        { err: error, user: userId },
        "could not count the person's running commands; going on",
      );
      return async () => undefined;
    }
    if (slot === null) return undefined;
    return this.held(userId, slot, holder);
  }

  /** A free slot, trying again when another taker won the race for the one it chose. */
  private async claim(userId: string, holder: string): Promise<number | null> {
    const { pool, perPerson } = this.options;
    for (let attempt = 0; attempt < perPerson; attempt++) {
      const slot = await takePersonSlot(pool, { userId, holder, perPerson, leaseMs: this.leaseMs });
      if (slot !== null) return slot;
      if ((await heldPersonSlots(pool, userId, perPerson)) >= perPerson) return null;
    }
    return null;
  }

  private held(userId: string, slot: number, holder: string): ReleaseSlot {
    const { pool, logger } = this.options;
    const renewal = setInterval(() => {
      renewPersonSlot(pool, { userId, slot, holder, leaseMs: this.leaseMs }).catch((error: unknown) =>
        logger.warn({ err: error }, "could not renew a person's command slot"),
      );
    }, this.leaseMs / 3);
    renewal.unref();
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      clearInterval(renewal);
      await releasePersonSlot(pool, { userId, slot, holder }).catch((error: unknown) =>
        logger.warn({ err: error }, "could not give back a person's command slot; its lease will end it"),
      );
    };
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<never>((_, fail) => {
      timer = setTimeout(() => fail(new Error(`no answer within ${ms} ms`)), ms);
      timer.unref();
    }),
  ]).finally(() => clearTimeout(timer));
}
