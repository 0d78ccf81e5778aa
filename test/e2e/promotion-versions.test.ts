import { describe, expect, it } from 'vitest';
import { promotionDriver } from '../support/promotion-driver.js';
import { ids, production, qa, staging } from '../support/promotion-fixtures.js';
import { type Shown, useWorld } from '../support/world.js';

/**
 * What runs is what is promoted: a source flow's deployed version unless --saved asks for the saved one,
 * backups of the destination's deployed version, and pinned subflow versions mapped to the destination's.
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

const { flowIn, latest } = promotionDriver(world);
const latestId = async () => (await latest()).id;

type Node = { data: { id: string; properties: Record<string, { value?: unknown }> } };

function nodeOf(flow: Record<string, unknown> | undefined, nodeId: string): Node | undefined {
  return (flow?.graphData as { elements: { nodes: Node[] } } | undefined)?.elements.nodes.find(
    (node) => node.data.id === nodeId,
  );
}

/** Runs (into QA) or approves (into Production) the latest promotion, and waits for it to end. */
async function carryOut(action: 'promotion_run' | 'promotion_approve', user: string): Promise<string> {
  const id = await latestId();
  const reply = await world.app.slack.blockAction(
    { action_id: action, value: id },
    { user, channel: approvals },
  );
  expect(reply.status).toBe(200);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { rows } = await world.db.query('SELECT status, outcome FROM promotions WHERE id = $1', [id]);
    if (!['pending', 'running'].includes(rows[0]?.status)) return `${rows[0]?.status}: ${rows[0]?.outcome}`;
    if (Date.now() > deadline) throw new Error(`promotion stayed ${rows[0]?.status}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

const text = (shown: Shown) => JSON.stringify(shown);

describe('the version a promotion copies', () => {
  it('copies the deployed version of a flow with undeployed changes, and the plan says so', async () => {
    world.sim.editFlow(staging, ids.collect, { description: 'A draft nobody deployed' });
    const plan = text(await world.answer('promote Checkout --from Staging --to QA', operator));
    expect(plan).toContain(
      "Staging's Collect address has undeployed changes (v8 saved, v7 deployed): promoting v7. Add --saved to promote v8.",
    );
    expect(plan).toContain('*Collect address* v7');
    expect(await carryOut('promotion_run', operator)).toMatch(/^succeeded/);
    expect(flowIn(qa, 'Collect address')?.description).toBe('Collect address flow');
  });

  it('copies the saved version with --saved', async () => {
    world.sim.editFlow(staging, ids.collect, { description: 'A draft nobody deployed' });
    const plan = text(await world.answer('promote Checkout --from Staging --to QA --saved', operator));
    expect(plan).toContain(
      "Staging's Collect address: promoting the saved v8, which is not deployed there (v7 is).",
    );
    expect(await carryOut('promotion_run', operator)).toMatch(/^succeeded/);
    expect(flowIn(qa, 'Collect address')?.description).toBe('A draft nobody deployed');
  });

  it('reads the deployed version from its details where the worker may not export (DaVinci Admin Read Only)', async () => {
    const worker = world.sim.app();
    for (const assignment of worker.roleAssignments)
      if (assignment.scope.id === staging) assignment.role.id = '11111111-0000-4000-8000-0000000000a5';
    world.sim.editFlow(staging, ids.collect, { description: 'A draft nobody deployed' });
    const before = world.sim.requests.length;
    await world.answer('promote Checkout --from Staging --to QA', operator);
    expect(
      world.sim.requests
        .slice(before)
        .some((r) => r.path.endsWith(`/flows/${ids.collect}/versions/7/details`)),
    ).toBe(true);
    expect(await carryOut('promotion_run', operator)).toMatch(/^succeeded/);
    expect(flowIn(qa, 'Collect address')?.description).toBe('Collect address flow');
  });

  it("backs up the destination's deployed version, and warns of the undeployed edits the write overwrites", async () => {
    world.sim.editFlow(production, ids.productionCollect, { description: 'A hotfix saved, never deployed' });
    await world.answer('promote Checkout --from Staging --to Production', operator);
    const { rows: promotions } = await world.db.query(
      'SELECT id, plan FROM promotions ORDER BY created_at DESC LIMIT 1',
    );
    expect(JSON.stringify(promotions[0].plan.warnings)).toContain(
      "Production's Collect address has undeployed edits (v3 saved, v2 deployed) that this promotion overwrites; its backup is the deployed v2, which a rollback restores.",
    );
    expect(await carryOut('promotion_approve', approver)).toMatch(/^succeeded/);
    const { rows } = await world.db.query(
      'SELECT version, definition FROM promotion_backups WHERE promotion_id = $1 AND flow_name = $2',
      [promotions[0].id, 'Collect address'],
    );
    expect(rows[0]?.version).toBe(2);
    expect(rows[0]?.definition.description).not.toBe('A hotfix saved, never deployed');
  });
});

describe('a subflow started at a pinned version', () => {
  /** Makes Checkout start "Collect address" at version 7 (its deployed one in Staging). */
  function pinCollect(value: number | string = 7): void {
    const checkout = flowIn(staging, 'Checkout');
    const graphData = structuredClone(checkout?.graphData) as { elements: { nodes: Node[] } };
    const start = graphData.elements.nodes.find((node) => node.data.id === 'kq5ybvwvro');
    if (start) start.data.properties.subFlowVersionId = { value };
    world.sim.editFlow(staging, ids.checkout, { graphData }, { deploy: true });
  }

  it('starts the version this promotion writes of a subflow it creates', async () => {
    pinCollect();
    await world.answer('promote Checkout --from Staging --to QA', operator);
    expect(await carryOut('promotion_run', operator)).toMatch(/^succeeded/);
    const collect = flowIn(qa, 'Collect address');
    const start = nodeOf(flowIn(qa, 'Checkout'), 'kq5ybvwvro');
    expect(start?.data.properties.subFlowId?.value).toEqual({ label: 'Collect address', value: collect?.id });
    expect(start?.data.properties.subFlowVersionId?.value).toBe(collect?.publishedVersion);
    expect(start?.data.properties.subFlowVersionId?.value).not.toBe(7);
  });

  it("starts the destination's deployed version of a subflow it finds there by name (--no-subflows)", async () => {
    pinCollect('7');
    await world.answer('promote Checkout --from Staging --to Production --no-subflows', operator);
    expect(await carryOut('promotion_approve', approver)).toMatch(/^succeeded/);
    const start = nodeOf(flowIn(production, 'Checkout'), 'kq5ybvwvro');
    expect(start?.data.properties.subFlowId?.value).toEqual({
      label: 'Collect address',
      value: ids.productionCollect,
    });
    expect(start?.data.properties.subFlowVersionId?.value).toBe('2');
  });

  it('blocks a pin to a subflow the destination does not have and the promotion does not write', async () => {
    pinCollect();
    const plan = text(await world.answer('promote Checkout --from Staging --to QA --no-subflows', operator));
    expect(plan).toContain('*Blocked.*');
    expect(plan).toContain(
      'starts version 7 of a subflow that this promotion does not write and QA does not have: promote it with its subflows, or have the node start the latest version (-1).',
    );
  });
});
