import { describe, expect, it } from 'vitest';
import { promotionDriver } from '../support/promotion-driver.js';
import { ids, production, qa, staging } from '../support/promotion-fixtures.js';
import { useWorld } from '../support/world.js';

/**
 * Write, then prove: what PingOne keeps of a write is checked before anything is deployed; a create
 * that kept less is sent again; a disabled source flow stays disabled; the destination's own log level
 * is kept.
 */

const operator = 'U0OPERATOR1';
const approver = 'U0APPROVER1';
const approvals = 'C0APPROVALS';

const world = useWorld({
  users: { [operator]: {}, [approver]: {} },
  env: {
    FLIGHTIQ_ADMINS: 'U0ADMIN0001',
    FLIGHTIQ_OPERATORS: operator,
    FLIGHTIQ_APPROVERS: approver,
    FLIGHTIQ_APPROVAL_CHANNEL: approvals,
  },
  fresh: { promotions: true, tables: ['promotions', 'tenants'], tenant: 'Acme' },
});

const { flowIn } = promotionDriver(world);

/** Requests, then runs (QA) or approves (Production) the promotion; its end and its steps. */
async function promote(
  to: 'QA' | 'Production',
): Promise<{ status: string; outcome: string; steps: { action: string; subject: string }[] }> {
  await world.answer(`promote Checkout --from Staging --to ${to}`, operator);
  const { rows } = await world.db.query('SELECT id FROM promotions ORDER BY created_at DESC LIMIT 1');
  const id = rows[0].id as string;
  const [action, user] = to === 'QA' ? ['promotion_run', operator] : ['promotion_approve', approver];
  await world.app.slack.blockAction({ action_id: action, value: id }, { user, channel: approvals });
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { rows: now } = await world.db.query('SELECT status, outcome FROM promotions WHERE id = $1', [id]);
    if (!['pending', 'running'].includes(now[0]?.status)) {
      const { rows: steps } = await world.db.query(
        'SELECT action, subject FROM promotion_steps WHERE promotion_id = $1 ORDER BY id',
        [id],
      );
      return { status: now[0].status, outcome: now[0].outcome, steps };
    }
    if (Date.now() > deadline) throw new Error(`promotion stayed ${now[0]?.status}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

const deploys = () =>
  world.sim.writes.filter((write) => write.contentType === 'application/vnd.pingidentity.flow.deploy+json');

describe('writing flows into the destination', () => {
  it('sends a created flow again when PingOne kept less than it was given, then finds it whole', async () => {
    world.sim.variants = { ...world.sim.variants, createDrops: ['settings', 'trigger'] };
    const source = flowIn(staging, 'Checkout');
    Object.assign(source ?? {}, { trigger: { type: 'AUTHENTICATION' } });
    world.sim.editFlow(staging, ids.checkout, {}, { deploy: true });
    const { status, steps } = await promote('QA');
    expect(status).toBe('succeeded');
    expect(steps.filter((s) => s.subject === 'Checkout').map((s) => s.action)).toEqual([
      'create',
      'update',
      'verify',
      'deploy',
      'alias',
    ]);
    expect(flowIn(qa, 'Checkout')?.settings).toEqual(source?.settings);
    expect(flowIn(qa, 'Checkout')?.trigger).toEqual({ type: 'AUTHENTICATION' });
  });

  it('reads every written flow back before deploying, and deploys nothing when PingOne holds something else', async () => {
    world.sim.variants = { ...world.sim.variants, saveDrops: ['settings'] };
    const { status, outcome, steps } = await promote('QA');
    expect(status).toBe('failed');
    expect(outcome).toContain(
      'PingOne holds Validate address differently from what FlightIQ wrote (settings.csp)',
    );
    expect(outcome).toContain('so nothing was deployed');
    expect(steps.some((s) => s.action === 'deploy')).toBe(false);
    expect(deploys()).toHaveLength(0);
  });

  it('keeps a flow disabled in the source disabled in the destination', async () => {
    const validate = flowIn(staging, 'Validate address');
    if (validate) validate.enabled = false;
    const { status, steps } = await promote('QA');
    expect(status).toBe('succeeded');
    expect(flowIn(qa, 'Validate address')?.enabled).toBe(false);
    expect(flowIn(qa, 'Checkout')?.enabled).toBe(true);
    expect(steps).toContainEqual({ action: 'disable', subject: 'Validate address' });
  });

  it("keeps the destination's log level on an update, and the diff does not pretend otherwise", async () => {
    world.sim.editFlow(
      production,
      ids.productionCollect,
      { settings: { logLevel: 1, csp: "worker-src 'self'" } },
      { deploy: true },
    );
    const { status } = await promote('Production');
    expect(status).toBe('succeeded');
    const settingsOf = (envId: string) =>
      (flowIn(envId, 'Collect address')?.settings ?? {}) as Record<string, unknown>;
    expect(settingsOf(production).logLevel).toBe(1);
    expect(settingsOf(production).csp).toBe(settingsOf(staging).csp);
    const { rows } = await world.db.query('SELECT plan FROM promotions ORDER BY created_at DESC LIMIT 1');
    expect(JSON.stringify(rows[0].plan.diffs)).not.toContain('logLevel');
  });

  it('says which list failed when PingOne cannot list it whole', async () => {
    // One bad connector instance makes PingOne answer 500 for the whole list.
    world.sim.fail(/\/connectorInstances$/, { status: 500 }, { times: 20 });
    const shown = JSON.stringify(await world.answer('promote Checkout --from Staging --to QA', operator));
    expect(shown).toMatch(/Reading (Staging|QA)'s connector instances failed: PingOne answered 500/);
  });
});
