import { beforeEach, describe, expect, it } from 'vitest';
import { flow, graph, production, staging } from '../support/promotion-fixtures.js';
import { useWorld } from '../support/world.js';

/**
 * Promotions under load and latency: a small connection pool, DaVinci's slow writes, many approvals at
 * once, two promotions into one environment, and a replica that sweeps while a slow run is alive.
 */

const admin = 'U0ADMIN0001';
const operator = 'U0OPERATOR1';
const approver = 'U0APPROVER1';
const member = 'U0MEMBER001';
const approvals = 'C0APPROVALS';
const daVinciAdmin = '11111111-0000-4000-8000-0000000000a4';

/** Ten more production environments shaped like Production, each its own destination. */
const targets = Array.from({ length: 10 }, (_, i) => ({
  id: `f0f0f0f0-0000-4000-8000-0000000000${String(i + 10)}`,
  name: `Production ${i + 1}`,
}));

const world = useWorld({
  users: Object.fromEntries([operator, approver, member].map((user) => [user, {}])),
  env: {
    FLIGHTIQ_ADMINS: admin,
    FLIGHTIQ_OPERATORS: operator,
    FLIGHTIQ_APPROVERS: approver,
    FLIGHTIQ_APPROVAL_CHANNEL: approvals,
    DATABASE_POOL_MAX: '4',
    FLIGHTIQ_RUN_LEASE: '5s',
    // One approver approves ten at once here: each approval holds one of their slots while it runs.
    FLIGHTIQ_COMMANDS_PER_PERSON: '10',
  },
  jobs: { disabled: true },
  fresh: { promotions: true, tables: ['promotions', 'tenants'], tenant: 'Acme' },
  admin,
  setupTimeoutMs: 60_000,
});

beforeEach(() => {
  const productionData = JSON.stringify(world.sim.data.collections[production]);
  const worker = world.sim.app();
  for (const target of targets) {
    world.sim.data.environments.push({
      ...target,
      type: 'PRODUCTION',
      region: 'EU',
      products: ['PING_ONE_BASE', 'PING_ONE_DAVINCI'],
    });
    world.sim.data.collections[target.id] = JSON.parse(productionData.replaceAll(production, target.id));
    worker.roleAssignments.push({
      id: `22222222-0000-4000-8000-0000000001${target.id.slice(-2)}`,
      role: { id: daVinciAdmin },
      scope: { id: target.id, type: 'ENVIRONMENT' },
    });
  }
});

async function request(flow: string, to: string): Promise<string> {
  const reply = await world.app.slack.command(`promote ${flow} --from Staging --to "${to}"`, {
    user: operator,
  });
  await world.fakeSlack.waitFor(
    () =>
      world.fakeSlack.responsesTo(reply.responseUrl).some((r) => JSON.stringify(r).includes('waiting for')),
    20_000,
  );
  const { rows } = await world.app.service.database.pool.query(
    'SELECT id FROM promotions WHERE to_env_name = $1 ORDER BY created_at DESC LIMIT 1',
    [to],
  );
  return rows[0].id as string;
}

async function statusOf(id: string): Promise<{ status: string; outcome: string | null }> {
  const { rows } = await world.app.service.database.pool.query(
    'SELECT status, outcome FROM promotions WHERE id = $1',
    [id],
  );
  return rows[0];
}

async function waitForStatus(id: string, status: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = await statusOf(id);
    if (now.status === status) return;
    if (Date.now() > deadline)
      throw new Error(`promotion stayed ${now.status} (${now.outcome}), never ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('promotions under load', () => {
  it('ten approved at once with a pool of 4 and 300 ms DaVinci writes all succeed, and a command meanwhile answers', async () => {
    const ids: string[] = [];
    for (const target of targets) ids.push(await request('Checkout', target.name));
    world.sim.writeLatencyMs = 300;
    const clicks = ids.map((id) =>
      world.app.slack.blockAction(
        { action_id: 'promotion_approve', value: id },
        { user: approver, channel: approvals },
      ),
    );
    // While they run: a slash command is acknowledged and answered as usual.
    const started = Date.now();
    const command = await world.app.slack.command('tenant list', { user: member });
    expect(command.status).toBe(200);
    const answer = await world.fakeSlack.waitFor(
      () => world.fakeSlack.responsesTo(command.responseUrl).at(-1),
      10_000,
    );
    expect(JSON.stringify(answer)).toContain('*Acme*');
    expect(Date.now() - started).toBeLessThan(5_000);
    for (const click of await Promise.all(clicks)) expect(click.status).toBe(200);
    for (const id of ids) await waitForStatus(id, 'succeeded');
    for (const target of targets) {
      const flows = world.sim.data.collections[target.id]?.flows?.map((flow) => flow.name).sort();
      expect(flows).toEqual(['Checkout', 'Collect address', 'Validate address']);
    }
  }, 120_000);

  it('never writes two promotions into one environment at once: the later waits its turn, and says so', async () => {
    world.sim.data.collections[staging]?.flows?.push(
      flow('c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0aa', 'Sign in', staging, graph()),
    );
    const first = await request('Checkout', 'Production');
    const second = await request('"Sign in"', 'Production');
    world.sim.writeLatencyMs = 200;
    await Promise.all(
      [first, second].map((id) =>
        world.app.slack.blockAction(
          { action_id: 'promotion_approve', value: id },
          { user: approver, channel: approvals },
        ),
      ),
    );
    await waitForStatus(first, 'succeeded');
    await waitForStatus(second, 'succeeded');
    // What each one wrote, from its first step's start to its last step's end: the two never overlap.
    const { rows } = await world.app.service.database.pool.query(
      `SELECT promotion_id, min(started_at) AS began, max(finished_at) AS ended, count(*)::int AS steps
         FROM promotion_steps WHERE promotion_id = ANY($1::uuid[]) GROUP BY promotion_id ORDER BY began`,
      [[first, second]],
    );
    expect(rows).toHaveLength(2);
    expect(rows[0].steps).toBeGreaterThan(1);
    expect(new Date(rows[0].ended).getTime()).toBeLessThanOrEqual(new Date(rows[1].began).getTime());
    const waited = world.fakeSlack
      .callsOf('chat.update')
      .map((call) => JSON.stringify(call.args.blocks))
      .find((blocks) => blocks.includes('Waiting for its turn'));
    expect(waited).toMatch(
      /Waiting for its turn: (the promotion of (Checkout|Sign in) from Staging is writing into Production now|another promotion into Production was approved first)\. This one starts when it ends\./,
    );
  }, 120_000);

  it('keeps a slow run alive while other replicas sweep: interrupted only when its process stopped', async () => {
    const id = await request('Checkout', 'Production');
    // Each write takes longer than a lease; the run renews its lease while it waits.
    world.sim.writeLatencyMs = 1_500;
    const click = world.app.slack.blockAction(
      { action_id: 'promotion_approve', value: id },
      { user: approver, channel: approvals },
    );
    for (let i = 0; i < 8; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await world.app.service.services.promotions.sweep();
    }
    await click;
    await waitForStatus(id, 'succeeded');
  }, 120_000);
});
