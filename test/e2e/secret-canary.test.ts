import { beforeAll, expect, it } from 'vitest';
import { seedPromotionData } from '../support/promotion-fixtures.js';
import { openTenantForm, submitTenantForm } from '../support/tenant-form.js';
import { useWorld } from '../support/world.js';

/**
 * A canary client secret, typed into the tenant modal like a real one, then every feature used:
 * test, envs, every list kind, a CSV, a promotion with approval and rollback, a credential alert, the
 * audit trail and the Home tab. Afterwards the canary is searched for in every log line, every Slack
 * call, response and file, and every column of every table: it may only exist sealed.
 */

const canary = 'CANARY-s3cr3t-7d1f0e9a-4b2c-4e8a-9f3d-QzXy';
const admin = 'U0ADMIN0001';
const approver = 'U0APPROVER1';
const approvals = 'C0APPROVALS';
const alerts = 'C0ALERTS01';

const world = useWorld({
  users: { [approver]: {} },
  env: {
    FLIGHTIQ_ADMINS: admin,
    FLIGHTIQ_APPROVERS: approver,
    FLIGHTIQ_APPROVAL_CHANNEL: approvals,
    FLIGHTIQ_ALERT_CHANNEL: alerts,
    LOG_LEVEL: 'trace',
  },
});

// The promotion fixtures, and the canary as the worker app's secret in PingOne.
beforeAll(() => {
  seedPromotionData(world.sim);
  world.sim.app().clientSecret = canary;
});

async function run(text: string, user = admin): Promise<void> {
  const reply = await world.app.slack.command(text, { user });
  expect(reply.status).toBe(200);
  await world.fakeSlack
    .waitFor(() => world.fakeSlack.responsesTo(reply.responseUrl).at(-1), 20_000)
    .catch(() => undefined);
}

async function until(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

it('never lets the client secret out, except sealed', async () => {
  const worker = world.sim.app();
  const { view } = await openTenantForm(world.app.slack, world.fakeSlack, 'tenant add', admin);
  const saved = await submitTenantForm(
    world.app.slack,
    view,
    {
      name: 'Canary',
      region: 'eu',
      environmentId: worker.environmentId,
      clientId: worker.clientId,
      clientSecret: canary,
      authMethod: worker.authMethod,
    },
    admin,
    true,
  );
  expect(saved.status).toBe(200);
  await until(async () => (await world.app.service.services.tenants.list()).length === 1);

  for (const text of ['test', 'envs', 'tenant list', 'audit 50']) await run(text);
  for (const kind of [
    'flows',
    'variables',
    'connectors',
    'apps',
    'forms',
    'templates',
    'attributes',
    'certificates',
  ]) {
    await run(`list ${kind} --env Staging`);
  }
  await run('promote Checkout --from Staging --to Production');
  const { rows } = await world.app.service.database.pool.query('SELECT id FROM promotions');
  await world.app.slack.blockAction(
    { action_id: 'promotion_approve', value: rows[0].id },
    { user: approver, channel: approvals },
  );
  await until(
    async () => (await world.app.service.services.promotions.find(rows[0].id))?.status === 'succeeded',
  );
  // The requester asks for the rollback; the approver decides.
  await world.app.slack.blockAction(
    { action_id: 'promotion_rollback', value: rows[0].id },
    { user: admin, channel: approvals },
  );
  await until(async () =>
    Boolean((await world.app.service.services.promotions.find(rows[0].id))?.rollbackRequestedBy),
  );
  await world.app.slack.blockAction(
    { action_id: 'promotion_rollback_approve', value: rows[0].id },
    { user: approver, channel: approvals },
  );
  await until(
    async () => (await world.app.service.services.promotions.find(rows[0].id))?.status === 'rolled_back',
  );
  await world.app.slack.event({ type: 'app_home_opened', user: admin, tab: 'home', channel: 'D0HOME' });

  // The secret changes in PingOne: an alert, then recovery.
  const tenantId = (await world.app.service.services.tenants.list())[0]?.id ?? '';
  world.sim.app().clientSecret = 'rotated-elsewhere';
  await world.app.service.services.monitor.checkTenant(tenantId);
  world.sim.app().clientSecret = canary;
  await world.app.service.services.monitor.checkTenant(tenantId);
  await world.app.slack.blockAction({ action_id: 'audit_csv', value: 'latest' }, { user: admin });
  await world.fakeSlack.waitFor(() => world.fakeSlack.files.length > 0);

  const slack = JSON.stringify([
    world.fakeSlack.calls,
    world.fakeSlack.responses,
    world.fakeSlack.files,
    world.fakeSlack.views,
  ]);
  expect(slack).toContain('Canary');
  expect(slack).not.toContain(canary);
  expect(world.app.logs.length).toBeGreaterThan(100);
  expect(world.app.logs.join('\n')).not.toContain(canary);

  const { rows: tables } = await world.app.service.database.pool.query(
    "SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema IN ('public', 'pgboss') AND table_type = 'BASE TABLE'",
  );
  expect(tables.length).toBeGreaterThan(8);
  for (const { table_schema: schema, table_name: table } of tables) {
    const { rows: content } = await world.app.service.database.pool.query(
      `SELECT * FROM "${schema}"."${table}"`,
    );
    const text = JSON.stringify(content, (_key, value) =>
      value?.type === 'Buffer' ? Buffer.from(value.data).toString('latin1') : value,
    );
    expect(text, `${schema}.${table}`).not.toContain(canary);
  }
  // PingOne was asked with it, on the simulator only, and only at the token endpoint.
  expect(world.sim.requests.every((r) => r.path.startsWith('/v1/') || r.path.endsWith('/as/token'))).toBe(
    true,
  );
}, 90_000);
