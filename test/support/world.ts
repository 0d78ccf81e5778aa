import type pg from 'pg';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { SubcommandHandler } from '../../src/slack/listeners/commands/flightiq.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { FakeSlack, type SlackUser } from './fake-slack.js';
import { PingOneSimulator } from './pingone-simulator.js';
import { seedPromotionData } from './promotion-fixtures.js';
import { addSimulatorTenant } from './simulator-tenant.js';
import { startTestApp, type TestApp, type TestAppOptions } from './test-app.js';
import { TestClock } from './test-clock.js';

/**
 * The world an end-to-end test runs in: the fake Slack, the PingOne simulator, a database of its own
 * and the real app, started once for a test file and stopped after it. `useWorld` registers the
 * hooks; the returned object is filled in once they have run.
 *
 * Before each test, when `fresh` says so, the world is put back as it started: the simulator's data
 * as seeded (with the promotion fixtures when asked), no faults or latency left over, the named
 * tables emptied, and the simulator's worker app added as the tenant named.
 */
export interface WorldOptions {
  /** Slack users the fake knows, by ID (flags such as `is_restricted` for a guest). */
  users?: Record<string, Omit<SlackUser, 'id'>>;
  /** Settings for the app; a function gets the simulator to point the app at it. */
  env?: Record<string, string> | ((sim: PingOneSimulator) => Record<string, string>);
  jobs?: TestAppOptions['jobs'];
  handlers?: Record<string, SubcommandHandler>;
  /** No PingOne simulator (tests that never reach PingOne). */
  withoutSimulator?: boolean;
  fresh?: {
    /** Seed Staging, Production and QA with the promotion fixtures. */
    promotions?: boolean;
    /** Tables emptied (promotions before tenants: it refers to them). */
    tables?: string[];
    /** Add the simulator's first worker app as a tenant of this name (its ID in `world.tenantId`). */
    tenant?: string;
  };
  /** The admin who adds `fresh.tenant`. */
  admin?: string;
  /** How long starting the world may take, where the hooks' default is too short (a small pool, many files at once). */
  setupTimeoutMs?: number;
}

/** A message as the user sees it: its notification text and its blocks. */
export type Shown = { text: string; blocks: Record<string, unknown>[] };

export interface World {
  fakeSlack: FakeSlack;
  sim: PingOneSimulator;
  database: TestDatabase;
  app: TestApp;
  /** Core's clock, shared by every app started in this world; put back to now before each test. */
  clock: TestClock;
  /** The app's own pool, for assertions on what it wrote. */
  readonly db: pg.Pool;
  /** The tenant added before each test (`fresh.tenant`). */
  tenantId: string;
  /** Runs `/flightiq <text>` as `user` through the signed receiver; what the user finally sees. */
  answer(text: string, user: string, timeoutMs?: number): Promise<Shown>;
}

export function useWorld(options: WorldOptions = {}): World {
  const world = { clock: new TestClock() } as World;
  // A test may restart the app (`world.app = await startTestApp(…)`): the pool follows it.
  Object.defineProperty(world, 'db', { get: () => world.app.service.database.pool });
  world.answer = async (text, user, timeoutMs = 20_000) => {
    const reply = await world.app.slack.command(text, { user });
    if (reply.status !== 200) throw new Error(`/flightiq ${text}: Slack got HTTP ${reply.status}`);
    return (await world.fakeSlack.waitFor(
      () => world.fakeSlack.responsesTo(reply.responseUrl).at(-1),
      timeoutMs,
    )) as Shown;
  };
  beforeAll(async () => {
    world.fakeSlack = await FakeSlack.start();
    for (const [id, flags] of Object.entries(options.users ?? {}))
      world.fakeSlack.users.set(id, { id, ...flags });
    if (!options.withoutSimulator) {
      world.sim = await PingOneSimulator.start();
    }
    world.database = await createTestDatabase();
    const env = typeof options.env === 'function' ? options.env(world.sim) : (options.env ?? {});
    world.app = await startTestApp({
      fakeSlack: world.fakeSlack,
      database: world.database,
      env: { ...(world.sim ? world.sim.env : {}), ...env },
      ...(options.jobs ? { jobs: options.jobs } : {}),
      ...(options.handlers ? { handlers: options.handlers } : {}),
      clock: world.clock,
    });
  }, options.setupTimeoutMs);

  afterAll(async () => {
    await world.app?.stop();
    await world.database?.drop();
    await world.sim?.stop();
    await world.fakeSlack?.stop();
  });

  const fresh = options.fresh;
  if (fresh) {
    beforeEach(async () => {
      world.clock.reset();
      const { sim } = world;
      if (sim) {
        sim.reset();
        if (fresh.promotions) seedPromotionData(sim);
      }
      for (const table of fresh.tables ?? []) await world.db.query(`DELETE FROM ${table}`);
      if (fresh.tenant) {
        const tenant = await addSimulatorTenant(world.app.service.services, sim, {
          name: fresh.tenant,
          admin: options.admin ?? 'U0ADMIN0001',
        });
        world.tenantId = tenant.id;
      }
    });
  }
  return world;
}
