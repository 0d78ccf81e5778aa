import { describe, expect, it } from 'vitest';
import { ids, production } from '../support/promotion-fixtures.js';
import { startTestApp } from '../support/test-app.js';
import { useWorld } from '../support/world.js';

/**
 * A rollback puts back only what its run wrote: a run that failed or stopped before writing a flow
 * leaves that flow's later changes alone, and a write whose outcome was never known is judged by the
 * version the destination is at.
 */

const operator = 'U0OPERATOR1';
const approver = 'U0APPROVER1';
const secondApprover = 'U0APPROVER2';
const approvals = 'C0APPROVALS';

const world = useWorld({
  users: Object.fromEntries([operator, approver, secondApprover].map((user) => [user, {}])),
  env: {
    FLIGHTIQ_ADMINS: 'U0ADMIN0001',
    FLIGHTIQ_OPERATORS: operator,
    FLIGHTIQ_APPROVERS: `${approver},${secondApprover}`,
    FLIGHTIQ_APPROVAL_CHANNEL: approvals,
  },
  fresh: { promotions: true, tables: ['promotions', 'tenants'], tenant: 'Acme' },
});

async function click(actionId: string, id: string, user: string): Promise<void> {
  const reply = await world.app.slack.blockAction(
    { action_id: actionId, value: id },
    { user, channel: approvals },
  );
  expect(reply.status).toBe(200);
}

async function settled(id: string, ...passing: string[]): Promise<{ status: string; outcome: string }> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { rows } = await world.db.query('SELECT status, outcome FROM promotions WHERE id = $1', [id]);
    if (rows[0] && !passing.includes(rows[0].status)) return rows[0];
    if (Date.now() > deadline) throw new Error(`promotion stayed ${rows[0]?.status}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

async function promoteIntoProduction(): Promise<string> {
  await world.answer('promote Checkout --from Staging --to Production', operator);
  const { rows } = await world.db.query('SELECT id FROM promotions ORDER BY created_at DESC LIMIT 1');
  await click('promotion_approve', rows[0].id, approver);
  return rows[0].id;
}

/** Asks for the rollback and has the other approver approve it; its end. */
async function rollBack(id: string): Promise<{ status: string; outcome: string }> {
  await click('promotion_rollback', id, approver);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { rows } = await world.db.query('SELECT rollback_requested_by FROM promotions WHERE id = $1', [id]);
    if (rows[0]?.rollback_requested_by) break;
    if (Date.now() > deadline) throw new Error('the rollback was not asked for');
    await new Promise((done) => setTimeout(done, 50));
  }
  await click('promotion_rollback_approve', id, secondApprover);
  return settled(id, 'succeeded', 'failed', 'interrupted', 'rolling_back');
}

const collect = () =>
  world.sim.data.collections[production]?.flows?.find((flow) => flow.id === ids.productionCollect);

describe('rollback of a run that did not write everything', () => {
  it('leaves alone a flow whose update failed, and the hotfix made to it since', async () => {
    world.sim.fail(new RegExp(`/flows/${ids.productionCollect}$`), { status: 400 }, { method: 'PUT' });
    const id = await promoteIntoProduction();
    expect((await settled(id, 'pending', 'running')).status).toBe('failed');
    world.sim.editFlow(production, ids.productionCollect, { description: 'hotfix' }, { deploy: true });
    const writes = world.sim.writes.length;

    const after = await rollBack(id);
    expect(after.status).toBe('rolled_back');
    expect(collect()?.description).toBe('hotfix');
    expect(
      world.sim.writes
        .slice(writes)
        .filter((write) => write.path.endsWith(`/flows/${ids.productionCollect}`)),
    ).toEqual([]);
  });

  it('restores a flow whose write was started and made, judged by the version it left', async () => {
    const id = await promoteIntoProduction();
    expect((await settled(id, 'pending', 'running')).status).toBe('succeeded');
    // The process stopped before it heard PingOne's answer to the update: the step's outcome is unknown.
    await world.db.query(
      `UPDATE promotion_steps SET status = 'started', version = NULL WHERE promotion_id = $1 AND action = 'update' AND subject = 'Collect address'`,
      [id],
    );
    const after = await rollBack(id);
    expect(after.status).toBe('rolled_back');
    // Production's own Collect address, as backed up: its single old lookup node.
    expect(JSON.stringify(collect()?.graphData)).toContain('oldlookup1');
  });

  it('refuses when a flow whose write had no known outcome changed since, naming it', async () => {
    const id = await promoteIntoProduction();
    expect((await settled(id, 'pending', 'running')).status).toBe('succeeded');
    await world.db.query(
      `UPDATE promotion_steps SET status = 'started', version = NULL WHERE promotion_id = $1 AND action = 'update' AND subject = 'Collect address'`,
      [id],
    );
    world.sim.editFlow(production, ids.productionCollect, { description: 'hotfix' }, { deploy: true });
    await click('promotion_rollback', id, approver);
    const message = await world.fakeSlack.waitFor(() => {
      const shown = JSON.stringify(world.fakeSlack.responses);
      return shown.includes("Production's Collect address is at version") && shown;
    }, 15_000);
    expect(message).toContain("Production's Collect address is at version 4; this promotion wrote version 3");
    expect(collect()?.description).toBe('hotfix');
  });
});

describe('who may still act at the click', () => {
  it('refuses a rollback by a requester who has since become a guest, and writes nothing', async () => {
    await world.answer('promote Checkout --from Staging --to QA', operator);
    const { rows } = await world.db.query('SELECT id FROM promotions ORDER BY created_at DESC LIMIT 1');
    await click('promotion_run', rows[0].id, operator);
    expect((await settled(rows[0].id, 'pending', 'running')).status).toBe('succeeded');
    world.fakeSlack.users.set(operator, { id: operator, is_restricted: true });
    // Another replica: the workspace's answer about a person is kept for a minute where it was asked.
    const replica = await startTestApp({
      fakeSlack: world.fakeSlack,
      clock: world.clock,
      database: world.database,
      env: {
        FLIGHTIQ_ADMINS: 'U0ADMIN0001',
        FLIGHTIQ_OPERATORS: operator,
        FLIGHTIQ_APPROVERS: `${approver},${secondApprover}`,
        FLIGHTIQ_APPROVAL_CHANNEL: approvals,
        ...world.sim.env,
      },
      jobs: { disabled: true },
    });
    try {
      const writes = world.sim.writes.length;
      const reply = await replica.slack.blockAction(
        { action_id: 'promotion_rollback', value: rows[0].id },
        { user: operator, channel: approvals },
      );
      const answer = await world.fakeSlack.waitFor(() =>
        world.fakeSlack.responsesTo(reply.responseUrl).at(-1),
      );
      expect(JSON.stringify(answer)).toContain('You are no longer allowed to act on promotions');
      expect(world.sim.writes.length).toBe(writes);
      expect((await settled(rows[0].id, 'rolling_back')).status).toBe('succeeded');
    } finally {
      world.fakeSlack.users.set(operator, { id: operator });
      await replica.stop();
    }
  });
});
