import type { Clock } from '../../src/core/clock.js';

const dayMs = 24 * 60 * 60 * 1000;

/**
 * Core's clock as a test moves it: the real time plus an offset. Timers, PingOne's simulator and the
 * database keep real time; only core's decisions (expiry, windows, schedules) see the time moved, as
 * they would after that much time had passed.
 */
export class TestClock implements Clock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /** Moves time forward by `ms`. */
  advance(ms: number): void {
    this.offsetMs += ms;
  }

  advanceDays(days: number): void {
    this.advance(days * dayMs);
  }

  /** Back to the real time. */
  reset(): void {
    this.offsetMs = 0;
  }
}

/** An ISO time `days` from now (negative: ago), for fixtures: never a calendar date. */
export function daysFromNow(days: number, from = new Date()): string {
  return new Date(from.getTime() + days * dayMs).toISOString();
}
