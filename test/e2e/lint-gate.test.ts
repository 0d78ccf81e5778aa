import { describe, expect, it } from 'vitest';
import { promotionDriver } from '../support/promotion-driver.js';
import { closeSubflowLoop, ids, production, staging } from '../support/promotion-fixtures.js';
import { type Shown, useWorld } from '../support/world.js';

const admin = 'U0ADMIN0001';
const operator = 'U0OPERATOR1';
const approver = 'U0APPROVER1';
const approvals = 'C0APPROVALS';

const world = useWorld({
  users: { [admin]: {}, [operator]: {}, [approver]: {} },
  env: {
    FLIGHTIQ_ADMINS: admin,
    FLIGHTIQ_OPERATORS: operator,
    FLIGHTIQ_APPROVERS: approver,
    FLIGHTIQ_APPROVAL_CHANNEL: approvals,
  },
  fresh: { promotions: true, tables: ['promotions', 'tenants'], tenant: 'Acme' },
  admin,
});

const { latest, click, waitForStatus, flowIn } = promotionDriver(world);

function stagingFlow(name: string): Record<string, unknown> {
  const found = world.sim.data.collections[staging]?.flows?.find((flow) => flow.name === name);
  if (!found) throw new Error(`no ${name} in Staging`);
  return found;
}

/** Staging's Checkout logs at Debug (dvlint's log level 3). */
function checkoutLogsAtDebug(): void {
  const checkout = stagingFlow('Checkout');
  checkout.settings = { ...(checkout.settings as object), logLevel: 3 };
}

async function approvalCard(): Promise<string> {
  const row = await latest();
  return JSON.stringify(world.fakeSlack.message(row.channel_id, row.message_ts)?.blocks ?? []);
}

describe('the lint gate (FLIGHTIQ_LINT unset)', () => {
  it('blocks a debug-logging flow from Production: the card names the rule and the fix, and Approve writes nothing', async () => {
    checkoutLogsAtDebug();
    const requester = JSON.stringify(
      await world.answer('promote Checkout --from Staging --to Production', operator),
    );
    expect(requester).toContain('Lint (1 finding; they block approval)');
    expect(requester).toContain('`debug-log-level` Checkout will log at level 3 (Debug) in Production');
    expect(requester).toContain('Fix: Set its log level to Info or None');
    expect(requester).toContain('A lint finding stops this promotion into Production');
    const row = await latest();
    expect(row.status).toBe('blocked');
    expect(await approvalCard()).not.toContain('promotion_approve');
    // An Approve forged for the blocked plan is refused: nothing reaches Production.
    const writes = world.sim.writes.length;
    const { responseUrl } = await click('promotion_approve', row.id, approver, approvals);
    const refusal = (await world.fakeSlack.waitFor(
      () => world.fakeSlack.responsesTo(responseUrl).at(-1),
      15_000,
    )) as Shown;
    expect(refusal.text).toBe('Nothing done: this promotion is already blocked.');
    expect((await latest()).status).toBe('blocked');
    expect(world.sim.writes.length).toBe(writes);
    expect(flowIn(production, 'Checkout')).toBeUndefined();
  });

  it('shows the findings in /flightiq diff too', async () => {
    checkoutLogsAtDebug();
    const diff = JSON.stringify(await world.answer('diff Checkout --from Staging --to Production', operator));
    expect(diff).toContain('Lint (1 finding; they block approval)');
    expect(diff).toContain('`debug-log-level`');
  });

  it('only warns into an unprotected environment, where debug logging is no finding', async () => {
    checkoutLogsAtDebug();
    const plan = JSON.stringify(await world.answer('promote Checkout --from Staging --to QA', operator));
    expect(plan).not.toContain('debug-log-level');
    expect(plan).not.toContain('Lint (');
    expect((await latest()).status).toBe('pending');
  });

  it('only warns of a subflow loop where the destination is unprotected, runs, and points the loop at what it wrote', async () => {
    closeSubflowLoop(world.sim);
    // Production, unprotected for this test, holds "Collect address" already: the loop's reference maps.
    world.sim.environment('Production').type = 'SANDBOX';
    const plan = JSON.stringify(
      await world.answer('promote Checkout --from Staging --to Production', operator),
    );
    expect(plan).toContain('Lint (1 finding; warnings only)');
    expect(plan).toContain(
      '`circular-subflow` Validate address starts Collect address, which (through its subflows) started Validate address',
    );
    const row = await latest();
    expect(row.status).toBe('pending');
    await click('promotion_run', row.id, operator);
    await waitForStatus(row.id, 'succeeded');
    const validate = JSON.stringify(flowIn(production, 'Validate address')?.graphData);
    expect(validate).toContain(`"value":"${ids.productionCollect}"`);
    expect(validate).not.toContain(ids.collect);
  });
});
