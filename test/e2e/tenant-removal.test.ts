import { describe, expect, it } from 'vitest';
import { useWorld } from '../support/world.js';

/**
 * Removing a tenant never erases what was done with it, and never pulls the credentials from under a
 * promotion that waits or runs.
 */

const admin = 'U0ADMIN0001';
const operator = 'U0OPERATOR1';
const approver = 'U0APPROVER1';
const approvals = 'C0APPROVALS';

const world = useWorld({
  users: Object.fromEntries([admin, operator, approver].map((user) => [user, {}])),
  env: {
    FLIGHTIQ_ADMINS: admin,
    FLIGHTIQ_OPERATORS: operator,
    FLIGHTIQ_APPROVERS: approver,
    FLIGHTIQ_APPROVAL_CHANNEL: approvals,
  },
  fresh: { promotions: true, tables: ['promotions', 'tenants', 'audit_events'], tenant: 'Acme' },
  admin,
});

/** Asks to remove Acme and confirms; what the admin is finally told. */
async function removeAcme(): Promise<string> {
  const asked = await world.app.slack.command('tenant remove Acme', { user: admin });
  const confirmation = await world.fakeSlack.waitFor(() =>
    world.fakeSlack.responsesTo(asked.responseUrl).at(-1),
  );
  const tenantId = (confirmation as { blocks: { elements?: { value?: string }[] }[] }).blocks[1]
    ?.elements?.[0]?.value;
  const click = await world.app.slack.blockAction(
    { action_id: 'tenant_remove_confirm', value: tenantId ?? '' },
    { user: admin },
  );
  return JSON.stringify(
    await world.fakeSlack.waitFor(() => world.fakeSlack.responsesTo(click.responseUrl).at(-1), 10_000),
  );
}

const count = async (table: string) =>
  (await world.db.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;

async function lastAudit(): Promise<{ outcome: string; details: Record<string, unknown> }> {
  const { rows } = await world.db.query(
    "SELECT outcome, details FROM audit_events WHERE action = 'tenant.remove' ORDER BY id DESC LIMIT 1",
  );
  return rows[0];
}

describe('removing a tenant', () => {
  it('is refused while a promotion of it waits for approval, naming the promotion', async () => {
    await world.answer('promote Checkout --from Staging --to Production', operator);
    const told = await removeAcme();
    expect(told).toContain('Not removed: promotions of Acme wait or run: Checkout into Production (pending)');
    expect(await count('tenants')).toBe(1);
    expect(await lastAudit()).toMatchObject({ outcome: 'refused' });
  });

  it('keeps the promotion history, its steps and backups, and says how much it kept', async () => {
    await world.answer('promote Checkout --from Staging --to Production', operator);
    const { rows } = await world.db.query('SELECT id FROM promotions ORDER BY created_at DESC LIMIT 1');
    await world.app.slack.blockAction(
      { action_id: 'promotion_approve', value: rows[0].id },
      { user: approver, channel: approvals },
    );
    const deadline = Date.now() + 20_000;
    while (
      (await world.db.query('SELECT status FROM promotions WHERE id = $1', [rows[0].id])).rows[0].status !==
      'succeeded'
    ) {
      if (Date.now() > deadline) throw new Error('the promotion did not succeed');
      await new Promise((done) => setTimeout(done, 50));
    }
    const [steps, backups] = [await count('promotion_steps'), await count('promotion_backups')];

    const told = await removeAcme();
    expect(told).toContain(
      'Tenant *Acme* removed. Its stored credentials are deleted. Its 1 promotion(s) stay in the history',
    );
    expect(await count('tenants')).toBe(0);
    expect(await count('promotions')).toBe(1);
    expect(await count('promotion_steps')).toBe(steps);
    expect(await count('promotion_backups')).toBe(backups);
    expect(await lastAudit()).toMatchObject({ outcome: 'succeeded', details: { promotionsKept: 1 } });
    const listed = JSON.stringify(await world.answer('promotions recent', operator));
    expect(listed).toContain('*Checkout* Staging → Production');
  });
});
