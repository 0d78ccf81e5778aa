import { beforeEach, describe, expect, it } from 'vitest';
import { promotionDriver } from '../support/promotion-driver.js';
import { ids, production, staging } from '../support/promotion-fixtures.js';
import { addSimulatorTenant } from '../support/simulator-tenant.js';
import { type Shown, useWorld } from '../support/world.js';

/**
 * A promotion across PingOne organizations: Staging belongs to the development organization and
 * Production to the production one, each reached only by its own worker app (in the simulator, each
 * worker's roles are scoped to its organization's environment, so neither sees the other's).
 */

const admin = 'U0ADMIN0001';
const operator = 'U0OPERATOR1';
const approver = 'U0APPROVER1';
const prodApprover = 'U0PRODAPPR1';
const approvals = 'C0APPROVALS';

const administrators = 'aa11aa11-0000-4000-8000-000000000001';
const environmentAdmin = '11111111-0000-4000-8000-0000000000a2';
const davinciAdmin = '11111111-0000-4000-8000-0000000000a4';
const devClient = 'de000000-0000-4000-8000-0000000000d1';
const prodClient = 'fe000000-0000-4000-8000-0000000000f1';

const world = useWorld({
  users: { [admin]: {}, [operator]: {}, [approver]: {}, [prodApprover]: {} },
  env: {
    FLIGHTIQ_ADMINS: admin,
    FLIGHTIQ_OPERATORS: operator,
    FLIGHTIQ_APPROVERS: approver,
    FLIGHTIQ_APPROVAL_CHANNEL: approvals,
  },
  fresh: { promotions: true, tables: ['promotions', 'tenants'] },
  admin,
});

const { latest, click, waitForStatus, flowIn } = promotionDriver(world);

/** A worker app whose roles reach one environment only: its organization's. */
function workerOf(clientId: string, environment: string, secret: string) {
  const scope = { id: environment, type: 'ENVIRONMENT' as const };
  return {
    environmentId: administrators,
    clientId,
    clientSecret: secret,
    authMethod: 'client_secret_basic' as const,
    enabled: true,
    grantTypes: ['CLIENT_CREDENTIALS'],
    roleAssignments: [
      { id: `${clientId.slice(0, 34)}a2`, role: { id: environmentAdmin }, scope },
      { id: `${clientId.slice(0, 34)}a4`, role: { id: davinciAdmin }, scope },
    ],
  };
}

beforeEach(async () => {
  const applications = world.sim.data.applications;
  applications.push(workerOf(devClient, staging, 'dev-worker-secret-000000000000000001'));
  applications.push(workerOf(prodClient, production, 'prod-worker-secret-00000000000000001'));
  const services = world.app.service.services;
  await addSimulatorTenant(services, world.sim, { name: 'Dev', admin, clientIndex: applications.length - 2 });
  await addSimulatorTenant(services, world.sim, {
    name: 'Prod',
    admin,
    clientIndex: applications.length - 1,
  });
});

function requestsInto(environment: string) {
  return world.sim.requests.filter((request) => request.path.includes(`/environments/${environment}`));
}

describe('promotion across PingOne organizations', () => {
  it('reads and writes each side with its own worker, names both tenants, and takes one approval', async () => {
    const diff = JSON.stringify(
      await world.answer('diff Checkout --from Dev:Staging --to Prod:Production', operator),
    );
    expect(diff).toContain('nothing was requested or written');

    const requester = JSON.stringify(
      await world.answer('promote Checkout --from Dev:Staging --to Prod:Production', operator),
    );
    expect(requester).toContain('is waiting for an approver');
    const row = await latest();
    const card = JSON.stringify(world.fakeSlack.message(row.channel_id, row.message_ts)?.blocks);
    expect(card).toContain('Promote Checkout from Dev:Staging to Prod:Production');
    const { rows } = await world.db.query(
      'SELECT tenant_name, to_tenant_name FROM promotions WHERE id = $1',
      [row.id],
    );
    expect(rows[0]).toEqual({ tenant_name: 'Dev', to_tenant_name: 'Prod' });

    await click('promotion_approve', row.id, approver, approvals);
    await waitForStatus(row.id, 'succeeded');
    expect(flowIn(production, 'Checkout')).toBeDefined();

    // Every call into Production was made with the production worker, every one into Staging with the
    // development worker, writes included.
    const intoProduction = requestsInto(production);
    const intoStaging = requestsInto(staging);
    expect(intoProduction.some((request) => request.method !== 'GET')).toBe(true);
    expect(new Set(intoProduction.map((request) => request.clientId))).toEqual(new Set([prodClient]));
    expect(new Set(intoStaging.map((request) => request.clientId))).toEqual(new Set([devClient]));

    // The production tenant's versions count FlightIQ's write as its own, and the rollback writes
    // into Production with the production worker too.
    const versions = JSON.stringify(
      await world.answer('versions Checkout --env Production --tenant Prod', operator),
    );
    expect(versions).toContain('written by FlightIQ');
    await click('promotion_rollback', row.id, operator);
    await world.fakeSlack.waitFor(() =>
      JSON.stringify(world.fakeSlack.message(row.channel_id, row.message_ts)?.blocks).includes(
        'promotion_rollback_approve',
      ),
    );
    await click('promotion_rollback_approve', row.id, approver, approvals);
    await waitForStatus(row.id, 'rolled_back');
    expect(new Set(requestsInto(production).map((request) => request.clientId))).toEqual(
      new Set([prodClient]),
    );
  });

  it('maps a form Production names otherwise by a profile entry set across the tenants, which the approver sees', async () => {
    const form = world.sim.data.collections[production]?.forms?.find((f) => f.id === ids.productionForm);
    if (!form) throw new Error('no form in Production');
    form.name = 'Sign On (production)';
    const promote = 'promote Checkout --from Dev:Staging --to Prod:Production';
    const blocked = JSON.stringify(await world.answer(promote, operator));
    expect(blocked).toContain('blocked');
    expect((await latest()).status).toBe('blocked');

    const set = JSON.stringify(
      await world.answer(
        'mappings Dev:Staging Prod:Production set form Sign On = Sign On (production)',
        operator,
      ),
    );
    expect(set).toContain('Sign On (production)');
    const listed = JSON.stringify(await world.answer('mappings Dev:Staging Prod:Production', operator));
    expect(listed).toContain('*Sign On* → *Sign On (production)*');

    expect(JSON.stringify(await world.answer(promote, operator))).toContain('is waiting for an approver');
    const row = await latest();
    const card = JSON.stringify(world.fakeSlack.message(row.channel_id, row.message_ts)?.blocks);
    expect(card).toContain('*Mapped by profile*');
    await click('promotion_approve', row.id, approver, approvals);
    await waitForStatus(row.id, 'succeeded');
    const written = JSON.stringify(flowIn(production, 'Checkout')?.graphData);
    expect(written).toContain(`"form":{"value":"${ids.productionForm}"}`);
    expect(written).not.toContain(ids.stagingForm);
  });

  it('finds the destination only in the tenant named: each tenant sees its own environments', async () => {
    const answer = (await world.answer(
      'promote Checkout --from Dev:Staging --to Production',
      operator,
    )) as Shown;
    expect(answer.text).toContain('`--to`');
    expect(JSON.stringify(answer)).not.toContain('is waiting for an approver');
  });

  it('refuses to remove the destination tenant while its promotion waits', async () => {
    await world.answer('promote Checkout --from Dev:Staging --to Prod:Production', operator);
    expect((await latest()).status).toBe('pending');
    const asked = await world.app.slack.command('tenant remove Prod', { user: admin });
    const confirmation = (await world.fakeSlack.waitFor(() =>
      world.fakeSlack.responsesTo(asked.responseUrl).at(-1),
    )) as { blocks: { elements?: { value?: string }[] }[] };
    const confirmed = await world.app.slack.blockAction(
      { action_id: 'tenant_remove_confirm', value: confirmation.blocks[1]?.elements?.[0]?.value ?? '' },
      { user: admin },
    );
    const told = JSON.stringify(
      await world.fakeSlack.waitFor(() => world.fakeSlack.responsesTo(confirmed.responseUrl).at(-1), 10_000),
    );
    expect(told).toContain('Not removed: promotions of Prod wait or run: Checkout into Production (pending)');
    const { rows } = await world.db.query("SELECT count(*)::int AS n FROM tenants WHERE name = 'Prod'");
    expect(rows[0].n).toBe(1);
  });

  it("is approved by the destination tenant's own approvers, whom only an admin names", async () => {
    const said = async (text: string, user: string) => JSON.stringify(await world.answer(text, user));
    expect(await said('tenant approvers Prod', operator)).toContain(
      `*Prod* has no approvers of its own: promotions and rollbacks into its protected environments are approved by FLIGHTIQ_APPROVERS: <@${approver}>`,
    );
    expect(await said(`tenant approvers Prod = <@${prodApprover}|pat>`, operator)).toContain(
      "Only FlightIQ admins can change a tenant's approvers",
    );
    // Wrong words are answered in the acknowledgement, and nothing is saved.
    const typo = await world.app.slack.command('tenant approvers Prod = pat', { user: admin });
    expect(JSON.stringify(typo.body)).toContain('\\"pat\\" is not a person or a user group');
    const saved = await said(`tenant approvers Prod = <@${prodApprover}|pat>`, admin);
    expect(saved).toContain(`its own approvers: <@${prodApprover}> (set by <@${admin}>`);
    const { rows: audited } = await world.db.query(
      "SELECT actor_id, outcome, details FROM audit_events WHERE action = 'tenant.approvers' ORDER BY id",
    );
    expect(audited).toEqual([
      expect.objectContaining({ actor_id: operator, outcome: 'refused' }),
      expect.objectContaining({
        actor_id: admin,
        outcome: 'succeeded',
        details: { before: null, after: [prodApprover] },
      }),
    ]);

    await world.answer('promote Checkout --from Dev:Staging --to Prod:Production', operator);
    const row = await latest();
    // App Home lists it for Prod's approver only.
    const waitingFor = async (userId: string) =>
      (await world.app.service.services.promotions.forPerson({ userId })).actionable.map((p) => p.id);
    expect(await waitingFor(prodApprover)).toEqual([row.id]);
    expect(await waitingFor(approver)).toEqual([]);
    const refused = await click('promotion_approve', row.id, approver, approvals);
    const told = JSON.stringify(
      await world.fakeSlack.waitFor(() => world.fakeSlack.responsesTo(refused.responseUrl).at(-1), 15_000),
    );
    expect(told).toContain('Only the approvers of the destination');
    expect((await latest()).status).toBe('pending');
    expect(world.sim.writes).toHaveLength(0);

    await click('promotion_approve', row.id, prodApprover, approvals);
    await waitForStatus(row.id, 'succeeded');
    expect(flowIn(production, 'Checkout')).toBeDefined();

    // Its rollback calls on Prod's approvers in the card's thread, and only they decide it.
    const since = world.fakeSlack.calls.length;
    await click('promotion_rollback', row.id, operator);
    const called = await world.fakeSlack.waitFor(
      () =>
        world.fakeSlack.calls
          .slice(since)
          .find(
            (call) =>
              call.method === 'chat.postMessage' &&
              call.args.thread_ts === row.message_ts &&
              String(call.args.text).includes('asks to roll back'),
          ),
      15_000,
    );
    expect(String(called.args.text)).toMatch(
      new RegExp(`^<@${prodApprover}> <@${operator}> asks to roll back`),
    );
    const notRolled = await click('promotion_rollback_approve', row.id, approver, approvals);
    expect(
      JSON.stringify(
        await world.fakeSlack.waitFor(
          () => world.fakeSlack.responsesTo(notRolled.responseUrl).at(-1),
          15_000,
        ),
      ),
    ).toContain('Only the approvers of the destination');
    await click('promotion_rollback_approve', row.id, prodApprover, approvals);
    await waitForStatus(row.id, 'rolled_back');

    // Back to FLIGHTIQ_APPROVERS: the development approver decides into Prod again.
    expect(await said('tenant approvers Prod = default', admin)).toContain('has no approvers of its own');
    await world.answer('promote "Collect address" --from Dev:Staging --to Prod:Production', operator);
    const next = await latest();
    expect(next.id).not.toBe(row.id);
    await click('promotion_approve', next.id, approver, approvals);
    await waitForStatus(next.id, 'succeeded');
  });
});
