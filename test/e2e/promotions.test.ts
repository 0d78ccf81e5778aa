import { describe, expect, it } from 'vitest';
import { promotionDriver } from '../support/promotion-driver.js';
import { builtIn, ids, production, qa, staging } from '../support/promotion-fixtures.js';
import { startTestApp } from '../support/test-app.js';
import { type Shown, useWorld } from '../support/world.js';

const admin = 'U0ADMIN0001';
const operator = 'U0OPERATOR1';
const approver = 'U0APPROVER1';
const secondApprover = 'U0APPROVER2';
const thirdApprover = 'U0APPROVER3';
const bystander = 'U0MEMBER001';
const guest = 'U0GUEST0001';
const approvals = 'C0APPROVALS';

const world = useWorld({
  users: {
    ...Object.fromEntries(
      [admin, operator, approver, secondApprover, thirdApprover, bystander].map((user) => [user, {}]),
    ),
    [guest]: { is_restricted: true },
  },
  env: {
    FLIGHTIQ_ADMINS: admin,
    FLIGHTIQ_OPERATORS: operator,
    FLIGHTIQ_APPROVERS: `${approver},${secondApprover}`,
    FLIGHTIQ_APPROVAL_CHANNEL: approvals,
  },
  fresh: { promotions: true, tables: ['promotions', 'tenants'], tenant: 'Acme' },
  admin,
});

const { latest: promotionRow, waitForStatus } = promotionDriver(world);

/** Runs a command and returns the requester's final answer. */
function run(text: string, user = operator): Promise<Shown> {
  return world.answer(text, user);
}

/** The approval-channel message as it stands now. */
async function approvalMessage(): Promise<Shown> {
  const row = await promotionRow();
  return world.fakeSlack.message(row.channel_id, row.message_ts) as unknown as Shown;
}

async function requestIntoProduction(flow = 'Checkout'): Promise<{ id: string; requester: Shown }> {
  const requester = await run(`promote ${flow} --from Staging --to Production`);
  const row = await promotionRow();
  return { id: row.id, requester };
}

/** Clicks a button; a decision updates the message, so nothing else is awaited. */
async function click(actionId: string, id: string, user: string): Promise<void> {
  const reply = await world.app.slack.blockAction(
    { action_id: actionId, value: id },
    { user, channel: approvals },
  );
  expect(reply.status).toBe(200);
}

/** Clicks a button that is answered on its response URL (a refusal, "already …"), and returns the answer. */
async function clickForReply(actionId: string, id: string, user: string): Promise<Shown> {
  const reply = await world.app.slack.blockAction(
    { action_id: actionId, value: id },
    { user, channel: approvals },
  );
  expect(reply.status).toBe(200);
  return (await world.fakeSlack.waitFor(
    () => world.fakeSlack.responsesTo(reply.responseUrl).at(-1),
    15_000,
  )) as Shown;
}

/** The approval message once it shows `text` (its final update follows the database change). */
async function approvalMessageWith(text: string): Promise<string> {
  const row = await promotionRow();
  return world.fakeSlack.waitFor(() => {
    const shown = JSON.stringify(world.fakeSlack.message(row.channel_id, row.message_ts)?.blocks);
    return shown.includes(text) && shown;
  }, 15_000);
}

/**
 * Posts of chat.postMessage since call number `since`: in a person's messages with the app (`D…`), or
 * in a channel's thread under the card.
 */
function postsTo(channel: string, since: number): { text: string; thread_ts?: unknown }[] {
  return world.fakeSlack.calls
    .slice(since)
    .filter((call) => call.method === 'chat.postMessage' && call.args.channel === channel)
    .map((call) => ({ text: String(call.args.text), thread_ts: call.args.thread_ts }));
}
const messagesOf = (userId: string) => `D${userId.slice(1)}`;

/** Waits for a notice containing `text` in `channel`, posted after call number `since`. */
function noticeIn(channel: string, since: number, text: string) {
  return world.fakeSlack.waitFor(
    () => postsTo(channel, since).find((post) => post.text.includes(text)),
    15_000,
  );
}

function productionFlow(name: string): Record<string, unknown> | undefined {
  return world.sim.data.collections[production]?.flows?.find((flow) => flow.name === name);
}

describe('/flightiq promote into production: the plan', () => {
  it('plans the flow, its subflows two levels down (without looping), and every dependency, and waits for an approver', async () => {
    const { requester } = await requestIntoProduction();
    expect(requester.text).toContain('is waiting for an approver in <#C0APPROVALS>');
    const message = JSON.stringify((await approvalMessage()).blocks);
    expect(message).toContain('Promote Checkout from Staging to Production');
    expect(message).toContain('*Validate address* v3 (subflow, level 2): :new: create new');
    expect(message).toContain(
      '*Collect address* v7 (subflow, level 1): :arrows_counterclockwise: update in place (destination current v2, published v2)',
    );
    expect(message).toContain('*Checkout* v3 (main flow): :new: create new');
    expect(message).toContain(`HTTP (httpConnector) → \`${ids.productionHttp}\``);
    expect(message).toContain(`PingOne SSO (pingOneSSOConnector) → \`${ids.productionSso}\``);
    expect(message).toContain(`PingOne Forms (pingOneFormsConnector) → \`${ids.productionForms}\``);
    // Built-in instances: the same ID where Production lists it or lists none of the kind, else its own.
    expect(message).toContain(`Flow Conductor (flowConnector) → \`${builtIn.flow}\``);
    expect(message).toContain(`Variables (variablesConnector) → \`${builtIn.variables}\``);
    expect(message).toContain(`Functions (functionsConnector) → \`${builtIn.functions}\``);
    expect(message).toContain(`Error Message (errorConnector) → \`${ids.productionError}\``);
    expect(message).toContain(`Sign On → \`${ids.productionForm}\``);
    // Every form real flows use: company, flowInstance and flow templates, and the Variables connector's nodes.
    expect(message).toContain(
      "• greeting (company, string): :new: *created* in Production with Staging's value",
    );
    expect(message).toContain('• smtpPassword (company, secret): in Production, keeps its value there');
    expect(message).toContain(
      "• attempt (flowInstance, number): :new: *created* in Production with Staging's value",
    );
    expect(message).toContain(
      "• userName (flowInstance, string): :new: *created* in Production with Staging's value",
    );
    expect(message).toContain(
      "• retries (flow variable of Checkout, number): :new: *created* in Production with Staging's value",
    );
    expect(message).toContain(
      '• lookupTimeout (flow variable of Collect address, number): :arrows_counterclockwise: *updated* in Production: type or limits differ',
    );
    expect(message).toMatch(/plan `[0-9a-f]{16}`/);
    // People read 16 characters; the plan is checked against the whole SHA-256.
    const { fingerprint } = (await promotionRow()) as unknown as { fingerprint: string };
    expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(message).toContain(`plan \`${fingerprint.slice(0, 16)}\``);
    expect(message).toContain('"action_id":"promotion_approve"');
    expect(message).toContain('"action_id":"promotion_reject"');
    expect((await promotionRow()).status).toBe('pending');
    expect(world.sim.writes).toHaveLength(0);
  });

  it('lists blockers, and a blocked plan has no Approve button and is not posted for approval', async () => {
    const prod = world.sim.data.collections[production];
    if (prod) {
      prod.connectorInstances = (prod.connectorInstances ?? []).filter((i) => i.name !== 'HTTP');
      prod.variables = (prod.variables ?? []).filter((v) => v.name !== 'smtpPassword');
    }
    const requester = JSON.stringify(await run('promote Checkout --from Staging --to Production'));
    expect(requester).toContain('*Blocked.*');
    expect(requester).toContain('Production has no httpConnector connector instance named \\"HTTP\\"');
    expect(requester).toContain(
      'The secret variable \\"smtpPassword\\" (company) does not exist in Production',
    );
    expect(requester).not.toContain('promotion_approve');
    // A blocked plan can only be withdrawn: the requester's copy offers Cancel, and Cancel ends it.
    expect(requester).toContain('"action_id":"promotion_cancel"');
    const blocked = await promotionRow();
    expect(blocked.status).toBe('blocked');
    await world.app.slack.blockAction(
      { action_id: 'promotion_cancel', value: blocked.id },
      { user: operator },
    );
    await waitForStatus(blocked.id, 'cancelled');
    expect(
      world.fakeSlack
        .callsOf('chat.postMessage')
        .filter((c) => c.args.channel === approvals && String(c.args.text).includes('blocked')),
    ).toHaveLength(0);
  });

  it('names what is wrong with the request', async () => {
    expect((await run('promote Nope --from Staging --to Production')).text).toContain(
      'has no flow named "Nope"',
    );
    expect(JSON.stringify(await run('promote Checkout --from Nowhere --to Production'))).toContain(
      '`--from`',
    );
    expect((await run('promote Checkout --from Staging --to staging')).text).toContain('both *Staging*');
    const usage = await world.app.slack.command('promote Checkout --to Production', { user: operator });
    expect(usage.text).toContain('Say where from with `--from <env>`');
    expect((await run('promote Checkout --from Staging --to Production', bystander)).text).toContain(
      'not allowed to request promotions',
    );
  });
});

describe('the PingOne applications a promotion changes', () => {
  it('names the flow policies that run an updated flow and who uses them, and warns of one pinned to a version', async () => {
    const prod = world.sim.data.collections[production];
    if (!prod) throw new Error('no Production in the seed');
    const portal = 'dadadadadadadadadadadadadadada01';
    const webShop = '5eb00000-0000-4000-8000-0000000000a1';
    prod.davinciApplications = [{ id: portal, name: 'Customer portal', environment: { id: production } }];
    prod.flowPolicies = [
      {
        id: 'fp0000000000000000000000000000a1',
        name: 'Address capture',
        status: 'enabled',
        application: { id: portal },
        flowDistributions: [{ id: ids.productionCollect, version: 2, weight: 100 }],
      },
    ];
    prod.applications = [
      ...(prod.applications ?? []),
      { id: webShop, name: 'Web Shop', type: 'WEB_APP', protocol: 'OPENID_CONNECT', enabled: true },
    ];
    prod.flowPolicyAssignments = [
      {
        id: 'x1',
        application: { id: webShop },
        flowPolicy: { id: 'fp0000000000000000000000000000a1' },
        priority: 1,
      },
    ];
    // What the policy ran: v1 and v2 of Collect address (summed), and another flow (not counted).
    const lastRun = new Date(Date.now() - 2 * 3_600_000);
    prod.flowPolicyEvents = [
      {
        policyId: 'fp0000000000000000000000000000a1',
        flow: { id: ids.productionCollect, version: 1 },
        totalCount: 4,
        successCount: 4,
        events: [],
      },
      {
        policyId: 'fp0000000000000000000000000000a1',
        flow: { id: ids.productionCollect, version: 2 },
        totalCount: 1200,
        successCount: 1176,
        events: [
          { id: 'e1', timestamp: new Date(lastRun.getTime() - 60_000).toISOString() },
          { id: 'e2', timestamp: lastRun.toISOString() },
        ],
      },
      {
        policyId: 'fp0000000000000000000000000000a1',
        flow: { id: 'elsewhere', version: 1 },
        totalCount: 99,
        successCount: 0,
      },
    ];
    await requestIntoProduction();
    const card = await approvalMessageWith('promotion_approve');
    expect(card).toContain('*PingOne applications affected*');
    expect(card).toContain(
      `:warning: *Collect address* in policy *Address capture* (*Customer portal*), 100%, pinned to v2: used by *Web Shop* (priority 1); 1,204 runs recorded (1,180 succeeded), the last <!date^${Math.floor(lastRun.getTime() / 1000)}^`,
    );
    expect(card).toContain(
      'Flow policy \\"Address capture\\" (DaVinci application \\"Customer portal\\") pins Collect address to v2 in Production',
    );
  });

  it('says so, and still plans, when the flow policies cannot be read', async () => {
    world.sim.fail(
      /\/davinciApplications$/,
      { status: 403, body: { code: 'ACCESS_FAILED', message: 'no' } },
      { times: 5 },
    );
    await requestIntoProduction();
    const card = await approvalMessageWith('promotion_approve');
    expect(card).toContain("FlightIQ could not read Production's flow policies");
    expect(card).not.toContain('PingOne applications affected');
  });
});

describe('after the run: who reaches what was deployed', () => {
  /** Production's Customer portal: policies on Checkout, as written here, assigned as asked. */
  function policiesOnCheckout(
    policies: { id: string; name: string; version: number; usedBy: { id: string; name: string }[] }[],
  ): void {
    const prod = world.sim.data.collections[production];
    const checkout = productionFlow('Checkout');
    if (!prod || !checkout) throw new Error('no Checkout in Production');
    const portal = 'dadadadadadadadadadadadadadada02';
    prod.davinciApplications = [{ id: portal, name: 'Customer portal', environment: { id: production } }];
    prod.flowPolicies = policies.map((policy) => ({
      id: policy.id,
      name: policy.name,
      status: 'enabled',
      application: { id: portal },
      flowDistributions: [{ id: checkout.id, version: policy.version, weight: 100 }],
    }));
    const apps = policies.flatMap((policy) => policy.usedBy);
    prod.applications = [
      ...(prod.applications ?? []),
      ...apps.map((app) => ({
        id: app.id,
        name: app.name,
        type: 'WEB_APP',
        protocol: 'OPENID_CONNECT',
        enabled: true,
      })),
    ];
    prod.flowPolicyAssignments = policies.flatMap((policy) =>
      policy.usedBy.map((app, at) => ({
        id: `${policy.id}-${at}`,
        application: { id: app.id },
        flowPolicy: { id: policy.id },
        priority: 1,
      })),
    );
  }

  async function promoteCheckout(): Promise<string> {
    const { id } = await requestIntoProduction();
    await approvalMessageWith('promotion_approve');
    await click('promotion_approve', id, approver);
    await waitForStatus(id, 'succeeded');
    return approvalMessageWith('Who reaches it in Production');
  }

  it('says a new flow is reached by no application, then names who reaches the next version and who still runs an old one', async () => {
    const first = await promoteCheckout();
    expect(first).toContain(
      'No flow policy in *Production* runs *Checkout*: no PingOne application reaches it until a policy does.',
    );
    const before = Number(productionFlow('Checkout')?.publishedVersion);
    policiesOnCheckout([
      {
        id: 'fp0000000000000000000000000000b1',
        name: 'Login',
        version: -1,
        usedBy: [
          { id: '5eb00000-0000-4000-8000-0000000000b1', name: 'Web Shop' },
          { id: '5eb00000-0000-4000-8000-0000000000b2', name: 'Kiosk' },
        ],
      },
      {
        id: 'fp0000000000000000000000000000b2',
        name: 'Login (mobile)',
        version: before,
        usedBy: [{ id: '5eb00000-0000-4000-8000-0000000000b3', name: 'Mobile' }],
      },
    ]);
    world.sim.editFlow(staging, ids.checkout, { description: 'new consent text' }, { deploy: true });

    const second = await promoteCheckout();
    const deployed = Number(productionFlow('Checkout')?.publishedVersion);
    expect(deployed).toBeGreaterThan(before);
    expect(second).toContain('Reachable from 2 applications: *Kiosk*, *Web Shop*');
    expect(second).toContain(
      `*Mobile*: policy *Login (mobile)* still runs v${before} of *Checkout*; this promotion deployed v${deployed}`,
    );
    expect(second).not.toContain('No flow policy');
  });

  it('says what it could not check, and the promotion still succeeds', async () => {
    world.sim.fail(
      /\/davinciApplications$/,
      { status: 403, body: { code: 'ACCESS_FAILED', message: 'no' } },
      { times: 20 },
    );
    const card = await promoteCheckout();
    expect(card).toContain("Not checked: FlightIQ could not read Production's flow policies");
  });
});

describe('/flightiq versions, and the alias of every version FlightIQ writes', () => {
  const versionLines = (shown: Shown) =>
    shown.blocks
      .filter((block) => block.type === 'section')
      .flatMap((block) => String((block.text as { text: string }).text).split('\n'))
      .slice(1)
      .map((line) => line.replace(/<!date\^\d+\^[^|]+\|[^>]+>/g, '<date>'));

  it('names each version after its promotion, and lists them with who wrote them, its rollback too', async () => {
    const { id } = await requestIntoProduction();
    await approvalMessageWith('promotion_approve');
    await click('promotion_approve', id, approver);
    await waitForStatus(id, 'succeeded');
    const short = id.slice(0, 8);

    const promoted = await run('versions Collect address --env Production');
    expect(promoted.text).toBe('Collect address in Production: 2 versions, v3 deployed.');
    expect(versionLines(promoted)).toEqual([
      `• *v3* (:rocket: deployed) · "FlightIQ ${short} from Staging v7 approved by U0APPROVER1" · saved <date> · deployed <date> · written by FlightIQ, promotion \`${short}\` from Staging`,
      '• *v2* · saved <date> · deployed <date>',
    ]);
    const created = await run('versions Checkout --env Production');
    expect(versionLines(created)).toEqual([
      `• *v1* (:rocket: deployed) · "FlightIQ ${short} from Staging v3 approved by U0APPROVER1" · saved <date> · deployed <date> · written by FlightIQ, promotion \`${short}\` from Staging`,
    ]);

    await click('promotion_rollback', id, operator);
    await approvalMessageWith('promotion_rollback_approve');
    await click('promotion_rollback_approve', id, approver);
    await waitForStatus(id, 'rolled_back');
    const restored = await run('versions Collect address --env Production');
    expect(versionLines(restored)[0]).toBe(
      `• *v4* (:rocket: deployed) · "FlightIQ ${short} rollback asked by U0OPERATOR1 approved by U0APPROVER1" · saved <date> · deployed <date> · put back by FlightIQ, rollback of promotion \`${short}\``,
    );
  });

  it('goes on when PingOne refuses an alias: the step says why, the promotion succeeds', async () => {
    world.sim.fail(
      /\/alias$/,
      { status: 400, body: { code: 'INVALID_DATA', message: 'The request could not be completed.' } },
      { times: 10 },
    );
    const { id } = await requestIntoProduction();
    await approvalMessageWith('promotion_approve');
    await click('promotion_approve', id, approver);
    await waitForStatus(id, 'succeeded');
    const card = await approvalMessageWith(':white_check_mark: *Done.*');
    expect(card).toContain(':x: alias Collect address — PingOne refused the request');
    expect(productionFlow('Collect address')?.publishedVersion).toBe(3);
  });

  it('marks a version saved outside FlightIQ as not deployed, and names no flow it cannot find', async () => {
    world.sim.editFlow(production, ids.productionCollect, { description: 'edited in the console' });
    const shown = await run('versions Collect address --env Production');
    expect(shown.text).toBe(
      'Collect address in Production: 2 versions, v2 deployed, v3 saved and not deployed.',
    );
    expect(versionLines(shown)[0]).toBe('• *v3* (latest saved) · saved <date>');
    const missing = JSON.stringify(await run('versions Nope --env Production'));
    expect(missing).toContain('*Production* has no flow named \\"Nope\\".');
  });

  it('is refused to someone who may not read, and asks for what is missing', async () => {
    expect(JSON.stringify(await run('versions Checkout --env Staging', guest))).toContain(
      'You are not allowed to run FlightIQ read commands',
    );
    const usage = await world.app.slack.command('versions Checkout', { user: operator });
    expect(usage.text).toContain('Name the environment with `--env <name or ID>`');
  });
});

describe('/flightiq revert: a flow back to one of its versions, gated like a promotion', () => {
  it("is approved in Production, reverted with PingOne's revert, deployed, named, and rolled back", async () => {
    const v2 = structuredClone(productionFlow('Collect address')?.graphData);
    world.sim.editFlow(
      production,
      ids.productionCollect,
      { graphData: { elements: { nodes: [], edges: [] } } },
      { deploy: true },
    );
    const v3 = structuredClone(productionFlow('Collect address')?.graphData);
    const requester = JSON.stringify(
      await run('revert Collect address --env Production --to v2 --reason broke sign-in'),
    );
    expect(requester).toContain(
      'the plan to revert *Collect address* there to v2 is waiting for an approver in <#C0APPROVALS>',
    );
    const row = await promotionRow();
    const card = await approvalMessageWith('promotion_approve');
    expect(card).toContain('"text":"Revert Collect address in Production to v2"');
    expect(card).toContain(
      '*Collect address* v2 (main flow): :arrows_counterclockwise: update in place (destination current v3, published v3)',
    );
    expect(world.sim.writes).toHaveLength(0);

    await click('promotion_approve', row.id, approver);
    await waitForStatus(row.id, 'succeeded');
    const flow = productionFlow('Collect address');
    expect(flow?.graphData).toEqual(v2);
    expect([flow?.currentVersion, flow?.publishedVersion]).toEqual([4, 4]);
    const methods = world.sim.writes.map((w) => `${w.method} ${w.contentType}`);
    expect(methods).toEqual([
      'POST application/vnd.pingidentity.flowversion.revert+json',
      'POST application/vnd.pingidentity.flow.deploy+json',
      'PUT application/json',
    ]);
    const done = await approvalMessageWith(':white_check_mark: *Done.*');
    expect(done).toContain(':white_check_mark: revert Collect address v4');
    const short = row.id.slice(0, 8);
    const versions = JSON.stringify(await run('versions Collect address --env Production'));
    expect(versions).toContain(`\\"FlightIQ ${short} revert to v2 approved by U0APPROVER1\\"`);
    expect(versions).toContain(`reverted by FlightIQ, promotion \`${short}\``);

    await click('promotion_rollback', row.id, operator);
    await approvalMessageWith('promotion_rollback_approve');
    await click('promotion_rollback_approve', row.id, approver);
    await waitForStatus(row.id, 'rolled_back');
    expect(productionFlow('Collect address')?.graphData).toEqual(v3);
    expect(productionFlow('Collect address')?.publishedVersion).toBe(5);
  });

  it('names a version the flow never had, and a --to that is not a version', async () => {
    const missing = JSON.stringify(await run('revert Collect address --env Production --to 40'));
    expect(missing).toContain(
      '*Collect address* in *Production* has no version 40: its versions go up to v2.',
    );
    const usage = await world.app.slack.command('revert Collect address --env Production --to seven', {
      user: operator,
    });
    expect(usage.text).toContain('`--to` takes a version number, like `--to 7`, not \\"seven\\"');
    expect(JSON.stringify(await run('revert Collect address --env Production --to 2', bystander))).toContain(
      'You are not allowed to request promotions',
    );
  });
});

describe("/flightiq promote policy: a DaVinci application's flow policy, gated like a flow", () => {
  const stagingPortal = 'a1a2a3a4a5a6a7a8a9a0b1b2b3b4b5b6';
  const productionPortal = 'dadadadadadadadadadadadadadada09';
  const productionPolicy = 'fp0000000000000000000000000000c1';

  /** Staging's Customer portal (the seed's) gets a policy pinned to Collect address v7. */
  function stagingPolicy(flowId = ids.collect): void {
    const data = world.sim.data.collections[staging];
    if (!data) throw new Error('no Staging');
    data.flowPolicies = [
      {
        id: 'fp0000000000000000000000000000s1',
        name: 'Address capture',
        status: 'enabled',
        application: { id: stagingPortal },
        flowDistributions: [{ id: flowId, version: 7, weight: 100 }],
      },
    ];
  }

  const productionPolicies = () => world.sim.data.collections[production]?.flowPolicies ?? [];

  it("updates the destination's policy in place, version mapped, and its rollback puts it back", async () => {
    stagingPolicy();
    const prod = world.sim.data.collections[production];
    if (!prod) throw new Error('no Production');
    prod.davinciApplications = [
      { id: productionPortal, name: 'Customer portal', environment: { id: production } },
    ];
    prod.flowPolicies = [
      {
        id: productionPolicy,
        name: 'Address capture',
        status: 'enabled',
        application: { id: productionPortal },
        flowDistributions: [{ id: ids.productionCollect, version: -1, weight: 100 }],
      },
    ];
    await run('promote policy Customer portal/Address capture --from Staging --to Production');
    const row = await promotionRow();
    const card = await approvalMessageWith('promotion_approve');
    expect(card).toContain(
      '"text":"Promote flow policy Customer portal/Address capture from Staging to Production"',
    );
    expect(card).toContain(
      'Flow policy *Address capture* in *Customer portal*: updated in place (never deleted and created again)',
    );
    expect(card).toContain('• *Collect address*: v7 in Staging → v2 in Production, 100%');
    expect(card).toContain('in Production it will pin v2, the version deployed there');
    expect(world.sim.writes).toHaveLength(0);

    await click('promotion_approve', row.id, approver);
    await waitForStatus(row.id, 'succeeded');
    expect(productionPolicies()).toHaveLength(1);
    expect(productionPolicies()[0]).toMatchObject({
      id: productionPolicy,
      flowDistributions: [{ id: ids.productionCollect, version: 2, weight: 100 }],
    });
    const done = await approvalMessageWith(':white_check_mark: *Done.*');
    expect(done).toContain(':white_check_mark: update policy Address capture');
    expect(done).toContain(
      `• flow policy *Address capture* updated \`${productionPolicy}\` in *Customer portal*`,
    );

    await click('promotion_rollback', row.id, operator);
    await approvalMessageWith('promotion_rollback_approve');
    await click('promotion_rollback_approve', row.id, approver);
    await waitForStatus(row.id, 'rolled_back');
    expect(productionPolicies()[0]).toMatchObject({
      id: productionPolicy,
      flowDistributions: [{ id: ids.productionCollect, version: -1, weight: 100 }],
    });
  });

  it('creates the DaVinci application and the policy where missing, and never copies the key or secret', async () => {
    stagingPolicy();
    await run('promote policy customer portal/address capture --from Staging --to Production');
    const row = await promotionRow();
    const card = await approvalMessageWith('promotion_approve');
    expect(card).toContain('a DaVinci application created for it');
    expect(card).toContain("Its API key and client secret are Production's own, never copied");
    await click('promotion_approve', row.id, approver);
    await waitForStatus(row.id, 'succeeded');
    const apps = world.sim.data.collections[production]?.davinciApplications ?? [];
    expect(apps.map((app) => app.name)).toEqual(['Customer portal']);
    expect(JSON.stringify(apps)).not.toContain('CANARY');
    expect(productionPolicies()).toMatchObject([
      {
        name: 'Address capture',
        application: { id: apps[0]?.id },
        flowDistributions: [{ id: ids.productionCollect, version: 2 }],
      },
    ]);
    const done = await approvalMessageWith(':white_check_mark: *Done.*');
    expect(done).toContain('(DaVinci application *Customer portal* created)');
    expect(JSON.stringify(world.fakeSlack.calls)).not.toContain('CANARY');
  });

  it("--with-policies carries the flows' policies in the same approval, pinned to what it deployed, and rolls them back", async () => {
    const data = world.sim.data.collections[staging];
    const prod = world.sim.data.collections[production];
    if (!data || !prod) throw new Error('no Staging or Production');
    data.flowPolicies = [
      {
        id: 'fp0000000000000000000000000000s1',
        name: 'Address capture',
        status: 'enabled',
        application: { id: stagingPortal },
        flowDistributions: [{ id: ids.collect, version: 7, weight: 100 }],
      },
      {
        id: 'fp0000000000000000000000000000s2',
        name: 'Checkout login',
        status: 'enabled',
        application: { id: stagingPortal },
        flowDistributions: [{ id: ids.checkout, version: -1, weight: 100 }],
      },
    ];
    prod.davinciApplications = [
      { id: productionPortal, name: 'Customer portal', environment: { id: production } },
    ];
    prod.flowPolicies = [
      {
        id: productionPolicy,
        name: 'Address capture',
        status: 'enabled',
        application: { id: productionPortal },
        flowDistributions: [{ id: ids.productionCollect, version: -1, weight: 100 }],
      },
    ];
    const { id } = await requestIntoProduction('Checkout --with-policies');
    const card = await approvalMessageWith('promotion_approve');
    expect(card).toContain('*Flow policies carried along* (written after the flows are deployed)');
    expect(card).toContain('◦ *Collect address*: v7 in Staging → the version this promotion deploys, 100%');
    expect(card).toContain('• Flow policy *Checkout login* in *Customer portal*: created');
    expect(card).toContain('◦ *Checkout*: follows the deployed version, 100%');

    await click('promotion_approve', id, approver);
    await waitForStatus(id, 'succeeded');
    const checkout = productionFlow('Checkout');
    expect(productionPolicies()).toMatchObject([
      { id: productionPolicy, flowDistributions: [{ id: ids.productionCollect, version: 3, weight: 100 }] },
      { name: 'Checkout login', flowDistributions: [{ id: checkout?.id, version: -1 }] },
    ]);
    const done = await approvalMessageWith(':white_check_mark: *Done.*');
    expect(done).toContain('*Flow policies written*');
    expect(done).toContain(
      `• flow policy *Address capture* updated \`${productionPolicy}\` in *Customer portal*`,
    );
    expect(done).toContain('Policy *Checkout login* runs *Checkout*, but no PingOne application assigns it.');

    await click('promotion_rollback', id, operator);
    await approvalMessageWith('promotion_rollback_approve');
    await click('promotion_rollback_approve', id, approver);
    await waitForStatus(id, 'rolled_back');
    expect(productionPolicies()[0]).toMatchObject({
      flowDistributions: [{ id: ids.productionCollect, version: -1, weight: 100 }],
    });
    expect(await approvalMessageWith('*Left in place*')).toContain('flow policy \\"Checkout login\\"');
  });

  it('is blocked when the destination lacks a flow the policy sends users to, and names the ones it cannot find', async () => {
    stagingPolicy(ids.checkout);
    const blocked = JSON.stringify(
      await run('promote policy Customer portal/Address capture --from Staging --to Production'),
    );
    expect(blocked).toContain('*Blocked.*');
    expect(blocked).toContain('Production has no flow named \\"Checkout\\": promote it first');
    const missing = JSON.stringify(
      await run('promote policy Customer portal/Nope --from Staging --to Production'),
    );
    expect(missing).toContain('has no flow policy named \\"Nope\\". There: Address capture.');
    const usage = await world.app.slack.command(
      'promote policy Customer portal --from Staging --to Production',
      {
        user: operator,
      },
    );
    expect(usage.text).toContain('Name the flow policy as `<DaVinci application>/<policy>`');
  });
});

describe('names from PingOne in Slack', () => {
  it('cannot ping a channel: a flow named "Checkout <!channel>" is escaped everywhere, fallback text included', async () => {
    world.sim.editFlow(staging, ids.checkout, { name: 'Checkout <!channel>' }, { deploy: true });
    const earlier = world.fakeSlack.calls.length;
    const { requester } = await requestIntoProduction('"Checkout <!channel>"');
    expect(requester.text).toContain('Checkout &lt;!channel&gt;');
    const posted = world.fakeSlack.calls
      .slice(earlier)
      .filter((call) => call.method === 'chat.postMessage' && call.args.channel === approvals);
    expect(posted.length).toBeGreaterThan(0);
    for (const call of posted) {
      // The header is plain text, which Slack never reads as a mention; everything else is mrkdwn.
      const blocks = (call.args.blocks as { type: string }[]).filter((block) => block.type !== 'header');
      expect(JSON.stringify({ ...call.args, blocks })).not.toContain('<!channel>');
      expect(String(call.args.text)).toContain(
        'Promote Checkout &lt;!channel&gt; from Staging to Production',
      );
    }
  });
});

describe('/flightiq promote options', () => {
  it('--as-new creates copies, renamed where the destination has the name, and leaves the existing flow alone', async () => {
    const before = structuredClone(productionFlow('Collect address'));
    const { id } = await requestIntoProduction('Checkout --as-new');
    const message = await approvalMessageWith('promotion_approve');
    expect(message).toContain(
      '*Collect address* v7 (subflow, level 1): :new: create new as \\"Collect address (copy)\\"',
    );
    expect(message).toContain(
      'Production already has a flow named \\"Collect address\\": the copy will be named \\"Collect address (copy)\\".',
    );
    expect(message).not.toContain('update in place');
    await click('promotion_approve', id, approver);
    await waitForStatus(id, 'succeeded');
    expect(productionFlow('Collect address')).toEqual(before);
    expect(productionFlow('Collect address (copy)')?.publishedVersion).toBe(1);
  });

  it('--no-subflows promotes the named flow alone, and needs its subflows in the destination', async () => {
    await requestIntoProduction('Checkout --no-subflows');
    const intoProduction = await approvalMessageWith('promotion_approve');
    expect(intoProduction).toContain('*Checkout* v3 (main flow): :new: create new');
    expect(intoProduction).not.toContain('Validate address');

    const intoQa = JSON.stringify(await run('promote Checkout --from Staging --to QA --no-subflows'));
    expect(intoQa).toContain('*Blocked.*');
    expect(intoQa).toContain('The flow starts the subflow \\"Collect address\\", which does not exist in QA');
  });

  it('--reason is shown to approvers on the card, escaped, and kept with the promotion and in its audit', async () => {
    const { id } = await requestIntoProduction(
      'Checkout --reason CHG-1042: <!channel> fix the   consent text & ship',
    );
    const reason = 'CHG-1042: <!channel> fix the consent text & ship';
    const message = await approvalMessageWith('promotion_approve');
    expect(message).toContain('*Reason:* CHG-1042: &lt;!channel&gt; fix the consent text &amp; ship');
    expect(message).not.toContain('<!channel>');
    const { rows } = await world.db.query(
      "SELECT p.reason, a.details->>'reason' AS audited FROM promotions p JOIN audit_events a ON a.details->>'promotion' = p.id::text AND a.action = 'promotion.request' WHERE p.id = $1",
      [id],
    );
    expect(rows).toEqual([{ reason, audited: reason }]);
  });

  it('--reason longer than a line is refused before anything is planned', async () => {
    const before = await world.db.query('SELECT count(*)::int AS n FROM promotions');
    const reply = await world.app.slack.command(
      `promote Checkout --from Staging --to Production --reason ${'word '.repeat(70)}`,
      { user: operator },
    );
    expect(reply.text).toContain('`--reason` is 349 characters; keep it to 300');
    expect(reply.text).toContain('[--reason <why>]');
    expect((await world.db.query('SELECT count(*)::int AS n FROM promotions')).rows).toEqual(before.rows);
  });

  it('treats environments listed in FLIGHTIQ_PROTECTED_ENVS like production', async () => {
    const strict = await startQaProtectedApp();
    try {
      const reply = await strict.slack.command('promote Checkout --from Staging --to QA', { user: operator });
      const answer = await world.fakeSlack.waitFor(
        () => world.fakeSlack.responsesTo(reply.responseUrl).at(-1),
        20_000,
      );
      expect(JSON.stringify(answer)).toContain('is waiting for an approver in <#C0APPROVALS>');
      expect(await approvalMessageWith('promotion_approve')).toContain(':lock: protected destination');
    } finally {
      await strict.stop();
    }
  });
});

/** A second app on the same database and Slack, with QA protected by FLIGHTIQ_PROTECTED_ENVS. */
function startQaProtectedApp() {
  return startTestApp({
    fakeSlack: world.fakeSlack,
    clock: world.clock,
    database: world.database,
    env: {
      FLIGHTIQ_ADMINS: admin,
      FLIGHTIQ_OPERATORS: operator,
      FLIGHTIQ_APPROVERS: approver,
      FLIGHTIQ_APPROVAL_CHANNEL: approvals,
      FLIGHTIQ_PROTECTED_ENVS: 'qa',
      ...world.sim.env,
    },
    jobs: { disabled: true },
  });
}

describe('protection, decided at every decision', () => {
  it('a pending promotion into an environment that became PRODUCTION is not run: it goes to the approvers', async () => {
    const plan = await run('promote Checkout --from Staging --to QA');
    expect(JSON.stringify(plan)).toContain('promotion_run');
    const row = await promotionRow();
    world.sim.environment('QA').type = 'PRODUCTION';
    const clicked = await world.app.slack.blockAction(
      { action_id: 'promotion_run', value: row.id },
      { user: operator },
    );
    await world.fakeSlack.waitFor(() =>
      world.fakeSlack
        .responsesTo(clicked.responseUrl)
        .some((answer) =>
          (answer as Shown).text.includes(
            '*QA* is protected: the plan to promote *Checkout* into it is waiting for an approver in <#C0APPROVALS>',
          ),
        ),
    );
    const moved = await promotionRow();
    expect(moved).toMatchObject({ status: 'pending', protected: true, channel_id: approvals });
    expect(world.sim.writes).toHaveLength(0);
    expect(await approvalMessageWith('promotion_approve')).toContain(':lock: protected destination');
    await click('promotion_approve', row.id, approver);
    await waitForStatus(row.id, 'succeeded');
  });

  it('keeps protecting an environment FLIGHTIQ_PROTECTED_ENVS names, after it is renamed', async () => {
    const strict = await startQaProtectedApp();
    try {
      const ask = async (to: string) => {
        const reply = await strict.slack.command(`promote Checkout --from Staging --to ${to}`, {
          user: operator,
        });
        return JSON.stringify(
          await world.fakeSlack.waitFor(() => world.fakeSlack.responsesTo(reply.responseUrl).at(-1), 20_000),
        );
      };
      expect(await ask('QA')).toContain('is waiting for an approver');
      world.sim.environment('QA').name = 'Quality';
      expect(await ask('Quality')).toContain('is waiting for an approver');
      expect((await promotionRow()).protected).toBe(true);
    } finally {
      await strict.stop();
    }
  });
});

describe('an environment without DaVinci', () => {
  it('is named as such, not as a missing role, for promote and diff alike, and nothing is requested', async () => {
    const before = (await world.db.query('SELECT count(*)::int AS n FROM promotions')).rows[0].n;
    const into = JSON.stringify(await run('promote Checkout --from Staging --to Workforce'));
    expect(into).toContain('`--to`: *Workforce* has no DaVinci');
    expect(into).not.toContain('role');
    const from = JSON.stringify(await run('diff Checkout --from Workforce --to QA'));
    expect(from).toContain('`--from`: *Workforce* has no DaVinci');
    expect((await world.db.query('SELECT count(*)::int AS n FROM promotions')).rows[0].n).toBe(before);
  });
});

describe('two-person rule', () => {
  it('with FLIGHTIQ_REQUIRED_APPROVALS=2 runs only once two distinct approvers, not the requester, approved', async () => {
    const twoPerson = await startTestApp({
      fakeSlack: world.fakeSlack,
      clock: world.clock,
      database: world.database,
      env: {
        FLIGHTIQ_ADMINS: admin,
        FLIGHTIQ_OPERATORS: operator,
        FLIGHTIQ_APPROVERS: `${approver},${secondApprover}`,
        FLIGHTIQ_APPROVAL_CHANNEL: approvals,
        FLIGHTIQ_REQUIRED_APPROVALS: '2',
        ...world.sim.env,
      },
      jobs: { disabled: true },
    });
    try {
      const reply = await twoPerson.slack.command('promote Checkout --from Staging --to Production', {
        user: operator,
      });
      expect(
        JSON.stringify(
          await world.fakeSlack.waitFor(() => world.fakeSlack.responsesTo(reply.responseUrl).at(-1), 20_000),
        ),
      ).toContain('waiting for 2 approvers');
      const { id } = await promotionRow();
      expect(await approvalMessageWith('Needs 2 approvers other than the requester.')).toContain(
        'promotion_approve',
      );
      const clickAs = async (user: string) => {
        const clicked = await twoPerson.slack.blockAction(
          { action_id: 'promotion_approve', value: id },
          { user, channel: approvals },
        );
        return (await world.fakeSlack.waitFor(
          () => world.fakeSlack.responsesTo(clicked.responseUrl).at(-1),
          15_000,
        )) as Shown;
      };
      expect((await clickAs(approver)).text).toContain(
        'Your approval is counted. 1 more approver is needed before it runs.',
      );
      expect(
        await approvalMessageWith('Approved by <@U0APPROVER1> (1 of 2); 1 more approver needed'),
      ).toContain('promotion_approve');
      expect((await clickAs(approver)).text).toContain('You have approved this already');
      expect(world.sim.writes).toHaveLength(0);
      await twoPerson.slack.blockAction(
        { action_id: 'promotion_approve', value: id },
        { user: secondApprover, channel: approvals },
      );
      await waitForStatus(id, 'succeeded');
      expect(await approvalMessageWith('*Done.*')).toContain('Approved by <@U0APPROVER1> and <@U0APPROVER2>');
    } finally {
      await twoPerson.stop();
    }
  });
});

describe('approvals given before a role was lost', () => {
  const appWith = (approvers: string) =>
    startTestApp({
      fakeSlack: world.fakeSlack,
      clock: world.clock,
      database: world.database,
      env: {
        FLIGHTIQ_ADMINS: admin,
        FLIGHTIQ_OPERATORS: operator,
        FLIGHTIQ_APPROVERS: approvers,
        FLIGHTIQ_APPROVAL_CHANNEL: approvals,
        FLIGHTIQ_REQUIRED_APPROVALS: '2',
        ...world.sim.env,
      },
      jobs: { disabled: true },
    });
  type TestApp = Awaited<ReturnType<typeof appWith>>;
  const clickAs = async (app: TestApp, actionId: string, id: string, user: string) => {
    const clicked = await app.slack.blockAction(
      { action_id: actionId, value: id },
      { user, channel: approvals },
    );
    return (await world.fakeSlack.waitFor(
      () => world.fakeSlack.responsesTo(clicked.responseUrl).at(-1),
      15_000,
    )) as Shown;
  };
  const droppedOf = async (action: string, id: string) =>
    (
      await world.db.query(
        'SELECT actor_id, details FROM audit_events WHERE action = $1 AND details->>$2 = $3',
        [action, 'promotion', id],
      )
    ).rows;

  it('no longer count when the count is reached: the promotion and its rollback wait for another approver', async () => {
    const before = await appWith(`${approver},${secondApprover},${thirdApprover}`);
    let id: string;
    try {
      const reply = await before.slack.command('promote Checkout --from Staging --to Production', {
        user: operator,
      });
      await world.fakeSlack.waitFor(() => world.fakeSlack.responsesTo(reply.responseUrl).at(-1), 20_000);
      id = (await promotionRow()).id;
      await clickAs(before, 'promotion_approve', id, approver);
    } finally {
      await before.stop();
    }
    // The first approver is taken off FLIGHTIQ_APPROVERS; the approval they gave before must not count.
    const after = await appWith(`${secondApprover},${thirdApprover}`);
    try {
      expect((await clickAs(after, 'promotion_approve', id, secondApprover)).text).toContain(
        'Your approval is counted. <@U0APPROVER1> is no longer an approver, so that approval no longer counts. 1 more approver is needed before it runs.',
      );
      expect((await promotionRow()).status).toBe('pending');
      expect(world.sim.writes).toHaveLength(0);
      expect(
        await approvalMessageWith('Approved by <@U0APPROVER2> (1 of 2); 1 more approver needed'),
      ).not.toContain('U0APPROVER1');
      expect(await droppedOf('promotion.approval_dropped', id)).toEqual([
        {
          actor_id: secondApprover,
          details: expect.objectContaining({ approvers: [approver], reason: 'no longer an approver' }),
        },
      ]);
      await after.slack.blockAction(
        { action_id: 'promotion_approve', value: id },
        { user: thirdApprover, channel: approvals },
      );
      await waitForStatus(id, 'succeeded');
      expect(await approvalMessageWith('*Done.*')).toContain('Approved by <@U0APPROVER2> and <@U0APPROVER3>');

      // A rollback's approvals are re-checked the same way.
      expect((await clickAs(after, 'promotion_rollback', id, operator)).text).toContain('Rollback asked for');
      expect((await clickAs(after, 'promotion_rollback_approve', id, secondApprover)).text).toContain(
        'Your approval is counted. 1 more approver is needed',
      );
    } finally {
      await after.stop();
    }
    const demoted = await appWith(`${approver},${thirdApprover}`);
    try {
      const writes = world.sim.writes.length;
      expect((await clickAs(demoted, 'promotion_rollback_approve', id, thirdApprover)).text).toContain(
        '<@U0APPROVER2> is no longer an approver, so that approval no longer counts. 1 more approver is needed',
      );
      expect((await promotionRow()).status).toBe('succeeded');
      expect(world.sim.writes.length).toBe(writes);
      expect(await droppedOf('promotion.rollback.approval_dropped', id)).toEqual([
        { actor_id: thirdApprover, details: expect.objectContaining({ approvers: [secondApprover] }) },
      ]);
      await demoted.slack.blockAction(
        { action_id: 'promotion_rollback_approve', value: id },
        { user: approver, channel: approvals },
      );
      await waitForStatus(id, 'rolled_back');
    } finally {
      await demoted.stop();
    }
  });

  it("no longer count when the tenant's own approvers leave the approver out", async () => {
    const app = await appWith(`${approver},${secondApprover},${thirdApprover}`);
    try {
      const reply = await app.slack.command('promote Checkout --from Staging --to Production', {
        user: operator,
      });
      await world.fakeSlack.waitFor(() => world.fakeSlack.responsesTo(reply.responseUrl).at(-1), 20_000);
      const { id } = await promotionRow();
      await clickAs(app, 'promotion_approve', id, approver);
      const named = await app.slack.command(
        `tenant approvers Acme = <@${secondApprover}> <@${thirdApprover}>`,
        {
          user: admin,
        },
      );
      expect(
        JSON.stringify(
          await world.fakeSlack.waitFor(() => world.fakeSlack.responsesTo(named.responseUrl).at(-1), 15_000),
        ),
      ).toContain('its own approvers');
      expect((await clickAs(app, 'promotion_approve', id, secondApprover)).text).toContain(
        '<@U0APPROVER1> is no longer an approver, so that approval no longer counts. 1 more approver is needed',
      );
      expect((await promotionRow()).status).toBe('pending');
      expect(world.sim.writes).toHaveLength(0);
    } finally {
      await app.stop();
    }
  });
});

describe('approval', () => {
  it('never lets the requester approve, even an approver; refuses non-approvers; writes nothing', async () => {
    const requester = await run('promote Checkout --from Staging --to Production', approver);
    expect(requester.text).toContain('waiting for an approver');
    const row = await promotionRow();
    expect((await clickForReply('promotion_approve', row.id, approver)).text).toContain(
      'someone else must approve',
    );
    expect((await clickForReply('promotion_approve', row.id, bystander)).text).toContain(
      'Only the approvers of the destination',
    );
    expect((await clickForReply('promotion_approve', row.id, admin)).text).toContain(
      'Only the approvers of the destination',
    );
    expect((await promotionRow()).status).toBe('pending');
    expect(world.sim.writes).toHaveLength(0);
    const { rows } = await world.app.service.database.pool.query(
      "SELECT count(*)::int AS n FROM audit_events WHERE action = 'promotion.approve' AND outcome = 'refused' AND details->>'promotion' = $1",
      [row.id],
    );
    expect(rows[0].n).toBe(3);
  });

  it('runs once however many approvers click at once, then shows who approved and what was written', async () => {
    const { id } = await requestIntoProduction();
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        world.app.slack.blockAction(
          { action_id: 'promotion_approve', value: id },
          { user: i % 2 ? approver : secondApprover },
        ),
      ),
    );
    await waitForStatus(id, 'succeeded');
    // 2 flows created, 1 replaced, 3 deployed and named; 4 variables created, 1 replaced. The backup
    // export is a read.
    const writes = world.sim.writes.map(
      (w) => `${w.method} ${w.path.replace(/\/(flows|variables)\/[^/]+$/, '/$1/{id}')} ${w.contentType}`,
    );
    const to = `/v1/environments/${production}`;
    expect(writes.filter((w) => w === `POST ${to}/flows application/json`)).toHaveLength(2);
    expect(writes.filter((w) => w === `PUT ${to}/flows/{id} application/json`)).toHaveLength(1);
    expect(writes.filter((w) => w.endsWith('flow.deploy+json'))).toHaveLength(3);
    expect(writes.filter((w) => w === `POST ${to}/variables application/json`)).toHaveLength(4);
    expect(writes.filter((w) => w === `PUT ${to}/variables/{id} application/json`)).toHaveLength(1);
    expect(writes.filter((w) => /\/versions\/\d+\/alias application\/json$/.test(w))).toHaveLength(3);
    expect(world.sim.writes).toHaveLength(14);
    const { rows } = await world.app.service.database.pool.query(
      "SELECT count(*)::int AS n FROM audit_events WHERE action = 'promotion.approve' AND outcome = 'succeeded' AND details->>'promotion' = $1",
      [id],
    );
    expect(rows[0].n).toBe(1);

    // The subflows were created first, and the graphs point at Production's objects.
    const checkout = productionFlow('Checkout');
    const validate = productionFlow('Validate address');
    const collect = productionFlow('Collect address');
    expect(collect?.id).toBe(ids.productionCollect);
    const checkoutGraph = JSON.stringify(checkout?.graphData);
    expect(checkoutGraph).toContain(`"value":"${ids.productionCollect}"`);
    expect(checkoutGraph).toContain(`"connectionId":"${ids.productionHttp}"`);
    expect(checkoutGraph).toContain(`"form":{"value":"${ids.productionForm}"}`);
    expect(checkoutGraph).not.toContain(ids.stagingHttp);
    expect(JSON.stringify(collect?.graphData)).toContain(`"value":"${validate?.id}"`);
    expect(checkout?.publishedVersion).toBe(checkout?.currentVersion);
    expect(collect?.publishedVersion).toBe(3);

    // Variables: the missing ones created with Staging's values, existing ones keep their own, and flow
    // variables belong to Production's flows.
    const variables = world.sim.data.collections[production]?.variables ?? [];
    const named = (name: string) => variables.filter((v) => v.name === name);
    expect(named('greeting')).toMatchObject([
      { context: 'company', dataType: 'string', value: 'Welcome to Example' },
    ]);
    expect(named('attempt')).toMatchObject([{ context: 'flowInstance', dataType: 'number' }]);
    expect(named('userName')).toMatchObject([{ context: 'flowInstance', dataType: 'string' }]);
    expect(named('smtpPassword')).toEqual([
      expect.objectContaining({ id: '33333333-0000-4000-8000-100000000003' }),
    ]);
    expect(named('retries')).toMatchObject([
      { context: 'flow', value: 3, max: 5, flow: { id: checkout?.id } },
    ]);
    expect(named('lookupTimeout')).toMatchObject([
      { context: 'flow', value: 5, max: 30, flow: { id: ids.productionCollect } },
    ]);

    const message = await approvalMessageWith(':white_check_mark: *Done.*');
    expect(message).toMatch(/Approved by <@U0APPROVER[12]>/);
    expect(message).toContain('updated *Collect address*');
    expect(message).toContain('created *Checkout*');
    expect(message).toContain('created *greeting* (company)');
    expect(message).toContain('updated *lookupTimeout* (flow variable of Collect address)');
    expect(message).not.toContain('promotion_approve');
    expect(message).toContain('promotion_rollback');
  });

  it('plans "unchanged" for flows the destination already holds as they would be written', async () => {
    const { id } = await requestIntoProduction();
    await click('promotion_approve', id, approver);
    await waitForStatus(id, 'succeeded');
    const writes = world.sim.writes.length;
    await approvalMessageWith('*Done.*');
    const { id: again } = await requestIntoProduction();
    expect(again).not.toBe(id);
    const message = JSON.stringify((await approvalMessage()).blocks);
    for (const name of ['Checkout', 'Collect address', 'Validate address']) {
      expect(message).toMatch(new RegExp(`\\*${name}\\* v\\d+ \\([^)]*\\): :white_circle: unchanged`));
    }
    await click('promotion_approve', again, secondApprover);
    await waitForStatus(again, 'succeeded');
    expect(world.sim.writes.length).toBe(writes);
    await approvalMessageWith('Nothing to change');
  });

  it('refuses to run a plan whose source changed since it was shown', async () => {
    const { id } = await requestIntoProduction();
    const source = world.sim.data.collections[staging]?.flows?.find((flow) => flow.id === ids.collect);
    if (source) Object.assign(source, { currentVersion: 8, updatedAt: new Date().toISOString() });
    await click('promotion_approve', id, approver);
    await waitForStatus(id, 'failed');
    expect(world.sim.writes).toHaveLength(0);
    await approvalMessageWith('changed since this plan was made');
  });

  it('refuses forged button values: an unknown promotion or no ID at all', async () => {
    await requestIntoProduction();
    for (const value of ['0e6a4b5c-1111-4222-8333-944455556666', 'garbage', "'; DROP TABLE promotions; --"]) {
      expect((await clickForReply('promotion_approve', value, approver)).text).toContain(
        'That promotion no longer exists',
      );
      expect((await clickForReply('promotion_rollback', value, approver)).text).toContain(
        'That promotion no longer exists',
      );
    }
    expect((await promotionRow()).status).toBe('pending');
    expect(world.sim.writes).toHaveLength(0);
  });

  it('rejects, once, and says who, to the requester in their messages too', async () => {
    const { id } = await requestIntoProduction();
    const since = world.fakeSlack.calls.length;
    await click('promotion_reject', id, approver);
    await waitForStatus(id, 'rejected');
    await noticeIn(messagesOf(operator), since, '<@U0APPROVER1> rejected your promotion of *Checkout*');
    expect((await clickForReply('promotion_approve', id, secondApprover)).text).toContain('already rejected');
    const message = await approvalMessageWith('Rejected by <@U0APPROVER1>');
    expect(message).not.toContain('promotion_approve');
    expect(world.sim.writes).toHaveLength(0);
  });

  it('expires, and the message then says so, and the requester hears of it', async () => {
    const { id } = await requestIntoProduction();
    const since = world.fakeSlack.calls.length;
    // The default FLIGHTIQ_APPROVAL_TTL is 24 hours: a minute before, the request still waits.
    world.clock.advanceDays(1);
    world.clock.advance(-60_000);
    await world.app.service.services.promotions.sweep();
    expect((await promotionRow()).status).toBe('pending');
    world.clock.advance(2 * 60_000);
    await world.app.service.services.promotions.sweep();
    expect((await promotionRow()).status).toBe('expired');
    const message = JSON.stringify((await approvalMessage()).blocks);
    expect(message).toContain('*Expired*');
    expect(message).not.toContain('promotion_approve');
    expect((await clickForReply('promotion_approve', id, approver)).text).toContain('already expired');
    expect(world.sim.writes).toHaveLength(0);
    await noticeIn(messagesOf(operator), since, 'Your promotion of *Checkout*');
    expect(postsTo(messagesOf(operator), since).map((post) => post.text)).toEqual([
      expect.stringContaining('expired: no approver decided in time'),
    ]);
  });
});

describe('PingOne rate limits and latency during a run', () => {
  it("shows on the card while it waits for PingOne's rate limit, and still writes each change once", async () => {
    world.sim.writeLatencyMs = 300;
    const { id } = await requestIntoProduction();
    // A 429 means PingOne did nothing: the create is sent again after the wait PingOne asks for.
    world.sim.fail(
      new RegExp(`/environments/${production}/variables$`),
      { status: 429, retryAfter: '1' },
      { method: 'POST' },
    );
    await click('promotion_approve', id, approver);
    await waitForStatus(id, 'succeeded');
    const updates = world.fakeSlack.callsOf('chat.update').map((call) => JSON.stringify(call.args.blocks));
    expect(
      updates.some(
        (blocks) =>
          blocks.includes(':gear: *Running…*') &&
          blocks.includes(
            "PingOne's rate limit was reached: waiting 1 s, as PingOne asked, then trying again.",
          ),
      ),
    ).toBe(true);
    expect(await approvalMessageWith(':white_check_mark: *Done.*')).not.toContain('rate limit');
    expect(world.sim.writes.filter((w) => w.method === 'POST' && w.path.endsWith('/variables'))).toHaveLength(
      4,
    );
    expect(world.sim.writes).toHaveLength(14);
  });
});

describe('backups', () => {
  it('counts an export as a backup only if it carries the flow graph; otherwise nothing is written', async () => {
    const { id } = await requestIntoProduction();
    // PingOne answers the export with the version record its spec also lists (201, no graph).
    world.sim.variants = { ...world.sim.variants, exportAnswer: 'version-record' };
    await click('promotion_approve', id, approver);
    await waitForStatus(id, 'failed');
    expect(world.sim.writes).toHaveLength(0);
    const message = await approvalMessageWith('*Failed.*');
    expect(message).toContain(
      'export of \\"Collect address\\" version 2 (answered 201) carries no flow graph, so it cannot serve as a backup to roll back to. Nothing was written.',
    );
    expect(message).not.toContain('promotion_rollback');
  });
});

describe('rollback', () => {
  it('on a protected destination asks first; an approver other than the asker decides; then it restores once', async () => {
    const before = structuredClone(productionFlow('Collect address')?.graphData);
    const { id } = await requestIntoProduction();
    const since = world.fakeSlack.calls.length;
    await click('promotion_approve', id, approver);
    await waitForStatus(id, 'succeeded');
    // The requester hears the outcome where Slack notifies them, not only on a card they may not watch.
    expect((await noticeIn(messagesOf(operator), since, 'Your promotion of *Checkout*')).text).toContain(
      'succeeded, approved by <@U0APPROVER1>.',
    );
    const done = await approvalMessageWith('*Done.*');
    expect(done).toContain('Rollback is offered until');
    // Slack asks once more before a Rollback click counts, naming what is put back where.
    expect(done).toContain('"title":{"type":"plain_text","text":"Roll back this promotion?"}');
    expect(done).toContain(
      'Once approvers agree, rolling back puts back in Production what promoting Checkout wrote there, and removes what it created.',
    );
    expect(productionFlow('Collect address')?.graphData).not.toEqual(before);

    // The requester may ask; nothing is written before approvers decide.
    const writesAtAsk = world.sim.writes.length;
    expect((await clickForReply('promotion_rollback', id, operator)).text).toContain('Rollback asked for');
    const asked = await approvalMessageWith('*Rollback asked for* by <@U0OPERATOR1>');
    // Approvers are called on in the card's thread: an edited card notifies nobody.
    const row = await promotionRow();
    const call = await noticeIn(approvals, since, 'asks to roll back');
    expect(call).toEqual({
      text: expect.stringMatching(
        /^<@U0APPROVER1> <@U0APPROVER2> <@U0OPERATOR1> asks to roll back \*Checkout\*/,
      ),
      thread_ts: row.message_ts,
    });
    expect(asked).toContain('1 more approver needed, none of them <@U0OPERATOR1>');
    expect(asked).toContain('"action_id":"promotion_rollback_approve"');
    expect(asked).toContain('"text":"Your approval, once enough approvers agree, puts back in Production');
    // While a rollback is asked for, the card offers its decision, not a second Rollback.
    expect(asked).not.toContain('"action_id":"promotion_rollback",');
    expect(world.sim.writes.length).toBe(writesAtAsk);
    expect((await clickForReply('promotion_rollback_approve', id, operator)).text).toContain(
      'Only the approvers of the destination',
    );
    expect((await clickForReply('promotion_rollback_approve', id, bystander)).text).toContain(
      'Only the approvers of the destination',
    );
    expect(world.sim.writes.length).toBe(writesAtAsk);
    const writesBefore = world.sim.writes.length;
    await Promise.all([
      click('promotion_rollback_approve', id, secondApprover),
      click('promotion_rollback_approve', id, approver),
    ]);
    await waitForStatus(id, 'rolled_back');
    await noticeIn(messagesOf(operator), since, 'was rolled back by <@U0APPROVER');
    expect(productionFlow('Collect address')?.graphData).toEqual(before);
    // The flow put back, deployed and named; then, last change first, the variable it changed restored
    // and the 3 it created removed.
    expect(world.sim.writes.slice(writesBefore).map((w) => w.method)).toEqual([
      'PUT',
      'POST',
      'PUT',
      'PUT',
      'DELETE',
      'DELETE',
      'DELETE',
    ]);
    const variables = world.sim.data.collections[production]?.variables ?? [];
    expect(
      variables
        .map((v) => v.name)
        .filter((name) => ['greeting', 'attempt', 'userName'].includes(String(name))),
    ).toEqual([]);
    expect(variables.find((v) => v.name === 'lookupTimeout')).toMatchObject({ max: 10, value: 5 });
    // The created Checkout stays, and with it its own variable.
    expect(variables.find((v) => v.name === 'retries')).toMatchObject({
      flow: { id: productionFlow('Checkout')?.id },
    });
    const restored = productionFlow('Collect address');
    expect(restored?.publishedVersion).toBe(restored?.currentVersion);
    const message = await approvalMessageWith('*Rolled back.*');
    expect(message).toContain('restored *Collect address*');
    expect(message).toContain('removed *greeting* (company)');
    expect(message).toContain('restored *lookupTimeout* (flow variable of Collect address)');
    expect(message).toContain('*Left in place*: flows the promotion created');
  });

  it('never lets the approver who asked for a rollback approve it; a rejected request writes nothing', async () => {
    const { id } = await requestIntoProduction();
    await click('promotion_approve', id, approver);
    await waitForStatus(id, 'succeeded');
    await approvalMessageWith('*Done.*');
    const writes = world.sim.writes.length;
    await clickForReply('promotion_rollback', id, approver);
    expect((await clickForReply('promotion_rollback_approve', id, approver)).text).toContain(
      'You asked for this rollback, so another approver must decide on it.',
    );
    const since = world.fakeSlack.calls.length;
    await click('promotion_rollback_reject', id, secondApprover);
    // The approver who asked, and the requester, hear it was turned down.
    await noticeIn(messagesOf(approver), since, '<@U0APPROVER2> rejected the rollback of *Checkout*');
    await noticeIn(messagesOf(operator), since, '<@U0APPROVER2> rejected the rollback of *Checkout*');
    const message = await approvalMessageWith('Rollback is offered until');
    expect(message).not.toContain('Rollback asked for');
    expect((await promotionRow()).status).toBe('succeeded');
    expect(world.sim.writes.length).toBe(writes);
  });

  it('refuses a rollback that would lose a later change, naming the flow and the versions', async () => {
    const { id: first } = await requestIntoProduction();
    await click('promotion_approve', first, approver);
    await waitForStatus(first, 'succeeded');
    await approvalMessageWith('*Done.*');
    // A hotfix to "Collect address" in Staging, deployed there and promoted on top: Production's flow moves on.
    world.sim.editFlow(staging, ids.collect, { description: 'hotfix' }, { deploy: true });
    const { id: second } = await requestIntoProduction();
    await click('promotion_approve', second, secondApprover);
    await waitForStatus(second, 'succeeded');
    const writes = world.sim.writes.length;
    const answer = await clickForReply('promotion_rollback', first, approver);
    expect(answer.text).toContain(
      "Not rolled back, and nothing was written: Production's Collect address is at version 4; this promotion wrote version 3; rolling back would lose version 4.",
    );
    expect(world.sim.writes.length).toBe(writes);
    const { rows } = await world.app.service.database.pool.query(
      'SELECT status FROM promotions WHERE id = $1',
      [first],
    );
    expect(rows[0].status).toBe('succeeded');
    expect(productionFlow('Collect address')?.description).toBe('hotfix');
  });

  it('offers Rollback only for FLIGHTIQ_ROLLBACK_WINDOW after the promotion ended', async () => {
    const { id } = await requestIntoProduction();
    await click('promotion_approve', id, approver);
    await waitForStatus(id, 'succeeded');
    expect(await approvalMessageWith('*Done.*')).toContain('"action_id":"promotion_rollback"');
    // The default window is 7 days: a minute before it closes, Rollback is still offered.
    world.clock.advanceDays(7);
    world.clock.advance(-60_000);
    expect((await world.app.service.services.promotions.find(id))?.rollbackUntil).not.toBeNull();
    world.clock.advance(2 * 60_000);
    expect((await clickForReply('promotion_rollback', id, approver)).text).toContain(
      'Rollback is no longer offered for this promotion',
    );
    const listed = JSON.stringify((await world.app.service.services.promotions.find(id))?.rollbackUntil);
    expect(listed).toBe('null');
  });

  it('into an unprotected destination, the requester rolls back at once', async () => {
    const plan = await run('promote Checkout --from Staging --to QA');
    expect(JSON.stringify(plan)).toContain('promotion_run');
    const row = await promotionRow();
    await click('promotion_run', row.id, operator);
    await waitForStatus(row.id, 'succeeded');
    // QA had none of the flows: created ones stay with their own variables; the others it created go.
    await click('promotion_rollback', row.id, operator);
    await waitForStatus(row.id, 'rolled_back');
    expect(world.sim.data.collections[qa]?.variables?.map((v) => v.name).sort()).toEqual([
      'lookupTimeout',
      'retries',
      'smtpPassword',
    ]);
  });
});

describe('into an unprotected environment', () => {
  it('needs a Run click by the requester, and only the requester', async () => {
    const plan = await run('promote Checkout --from Staging --to QA');
    const text = JSON.stringify(plan);
    expect(text).toContain('promotion_run');
    expect(text).toContain('not protected');
    // Its card does not say it waits for an approval nobody will give.
    expect(text).toContain('Waiting for its requester to run it.');
    expect(text).not.toContain('Waiting for approval');
    const row = await promotionRow();
    expect((await clickForReply('promotion_run', row.id, bystander)).text).toContain(
      'Only the person who requested',
    );
    await click('promotion_run', row.id, operator);
    await waitForStatus(row.id, 'succeeded');
    expect(world.sim.data.collections[qa]?.flows?.map((flow) => flow.name).sort()).toEqual([
      'Checkout',
      'Collect address',
      'Validate address',
    ]);
  });

  it("counts Run against the requester's commands that call PingOne, on every replica", async () => {
    await run('promote Checkout --from Staging --to QA');
    const row = await promotionRow();
    // The requester's three slots are held by commands running on another replica.
    await world.db.query(
      `INSERT INTO person_slots (user_id, slot, holder, expires_at)
       SELECT $1, s, gen_random_uuid(), now() + interval '1 minute' FROM generate_series(1, 3) AS s
       -- the slot of a command answered a moment ago may not be released yet: this takes it over
       ON CONFLICT (user_id, slot) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at`,
      [operator],
    );
    try {
      const writes = world.sim.writes.length;
      const busy = await clickForReply('promotion_run', row.id, operator);
      expect(busy.text).toContain('You already have 3 FlightIQ commands running that call PingOne');
      expect((await promotionRow()).status).toBe('pending');
      expect(world.sim.writes.length).toBe(writes);
    } finally {
      await world.db.query('DELETE FROM person_slots WHERE user_id = $1', [operator]);
    }
    await click('promotion_run', row.id, operator);
    await waitForStatus(row.id, 'succeeded');
  });

  it('lists promotions with their status', async () => {
    await run('promote Checkout --from Staging --to QA');
    const listed = JSON.stringify(await run('promotions pending', bystander));
    expect(listed).toContain('*Checkout* Staging → QA');
    expect(listed).toContain('pending');
    expect(JSON.stringify(await run('promotions recent', bystander))).toContain('*Checkout* Staging → QA');
    expect(world.fakeSlack.refusals).toEqual([]);
  });
});

describe('replays and a database that does not answer in time', () => {
  async function promotionCount(): Promise<number> {
    const { rows } = await world.db.query('SELECT count(*)::int AS n FROM promotions');
    return rows[0].n;
  }

  /** Holds the table of handled deliveries locked, as a stuck database would, while `act` runs. */
  async function withDeliveriesLocked<T>(act: () => Promise<T>): Promise<T> {
    const client = await world.db.connect();
    try {
      await client.query('BEGIN');
      await client.query('LOCK TABLE slack_deliveries IN ACCESS EXCLUSIVE MODE');
      return await act();
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  }

  it('acts once on a captured signed promote sent again, to this replica or another', async () => {
    // A second replica of the same app: same signing secret, same settings.
    const second = await startTestApp({
      fakeSlack: world.fakeSlack,
      clock: world.clock,
      database: world.database,
      env: {
        FLIGHTIQ_ADMINS: admin,
        FLIGHTIQ_OPERATORS: operator,
        FLIGHTIQ_APPROVERS: `${approver},${secondApprover}`,
        FLIGHTIQ_APPROVAL_CHANNEL: approvals,
        SLACK_SIGNING_SECRET: world.app.signingSecret,
        ...world.sim.env,
      },
      jobs: { disabled: true },
    });
    try {
      const captured = world.app.slack.commandBody('promote Checkout --from Staging --to QA', {
        user: operator,
      });
      const timestamp = Math.floor(Date.now() / 1000);
      const first = await world.app.slack.post(captured.body, 'application/x-www-form-urlencoded', {
        timestamp,
      });
      expect(first.status).toBe(200);
      await world.fakeSlack.waitFor(() => world.fakeSlack.responsesTo(captured.responseUrl).length > 0);
      for (const replica of [world.app, second]) {
        const replayed = await replica.slack.post(captured.body, 'application/x-www-form-urlencoded', {
          timestamp,
          secret: world.app.signingSecret,
        });
        expect(replayed.status).toBe(200);
      }
      await world.fakeSlack.waitFor(() =>
        [world.app, second].every((replica) =>
          replica.logs.some((line) => line.includes('ignored a replayed slash command')),
        ),
      );
      expect(await promotionCount()).toBe(1);
    } finally {
      await second.stop();
    }
  });

  it('does not request a promotion when it cannot rule out a replay in time, and says so', async () => {
    const before = await promotionCount();
    const shown = await withDeliveriesLocked(() => run('promote Checkout --from Staging --to QA'));
    expect(shown.text).toContain('could not make sure this command is acted on only once');
    expect(await promotionCount()).toBe(before);
  });

  it('refuses a click that would change something when it cannot rule out a repeat, and acts on the next', async () => {
    await run('promote Checkout --from Staging --to QA');
    const row = await promotionRow();
    const writes = world.sim.writes.length;
    const refused = await withDeliveriesLocked(async () => {
      const started = Date.now();
      const answer = await clickForReply('promotion_run', row.id, operator);
      expect(Date.now() - started).toBeLessThan(3_000);
      return answer;
    });
    expect(refused.text).toContain('could not make sure this click is acted on only once');
    expect((await promotionRow()).status).toBe('pending');
    expect(world.sim.writes.length).toBe(writes);
    await click('promotion_run', row.id, operator);
    await waitForStatus(row.id, 'succeeded');
  });
});

describe('App Home', () => {
  async function home(user: string): Promise<string> {
    const before = world.fakeSlack.callsOf('views.publish').length;
    await world.app.slack.event({ type: 'app_home_opened', user, tab: 'home', channel: 'D0HOME' });
    const call = await world.fakeSlack.waitFor(() =>
      world.fakeSlack
        .callsOf('views.publish')
        .slice(before)
        .find((c) => c.args.user_id === user),
    );
    return JSON.stringify(call.args.view);
  }

  it('shows an approver what waits for them, with the same buttons, and admins the tenant buttons', async () => {
    const { id } = await requestIntoProduction();
    const approverHome = await home(approver);
    expect(approverHome).toContain('Waiting for you');
    expect(approverHome).toContain('*Checkout*: Staging → Production');
    expect(approverHome).toContain('"action_id":"promotion_approve"');
    expect(approverHome).not.toContain('home_tenant_add');
    expect(approverHome).toContain('*Acme*');

    const requesterHome = await home(operator);
    expect(requesterHome).not.toContain('promotion_approve');
    expect(requesterHome).toContain('Your recent promotions');

    const adminHome = await home(admin);
    expect(adminHome).toContain('"action_id":"home_tenant_add"');
    expect(adminHome).toContain('"action_id":"home_tenant_edit"');
    expect(adminHome).not.toContain('promotion_approve');

    // Approving from the Home tab (no response URL) runs it once and refreshes the tab.
    const publishes = world.fakeSlack.callsOf('views.publish').length;
    await world.app.slack.homeAction({ action_id: 'promotion_approve', value: id }, { user: approver });
    await waitForStatus(id, 'succeeded');
    await world.fakeSlack.waitFor(() => world.fakeSlack.callsOf('views.publish').length > publishes);
    await approvalMessageWith('Approved by <@U0APPROVER1>');
  });

  it('refuses a non-admin the tenant form from Home, and opens it for an admin', async () => {
    const tenant = (await world.app.service.services.tenants.list())[0];
    const click = (user: string, actionId: string) =>
      world.app.slack.homeAction({ action_id: actionId, value: tenant?.id }, { user });
    const opened = world.fakeSlack.callsOf('views.open').length;
    await click(operator, 'home_tenant_edit');
    const refused = await world.fakeSlack.waitFor(() => world.fakeSlack.callsOf('views.open')[opened]);
    expect(JSON.stringify(refused.args.view)).toContain('Only FlightIQ admins');
    // The modal opens at once ("Loading…") and the form replaces it once the tenant is read.
    const updates = world.fakeSlack.callsOf('views.update').length;
    await click(admin, 'home_tenant_edit');
    const loading = await world.fakeSlack.waitFor(() => world.fakeSlack.callsOf('views.open')[opened + 1]);
    expect(JSON.stringify(loading.args.view)).toContain('Loading');
    const form = await world.fakeSlack.waitFor(() => world.fakeSlack.callsOf('views.update')[updates]);
    expect(JSON.stringify(form.args.view)).toContain('"callback_id":"tenant_form"');
    expect(JSON.stringify(form.args.view)).toContain('Acme');
  });

  it('tells the person in their messages when Slack let the Home click expire', async () => {
    const posted = world.fakeSlack.callsOf('chat.postMessage').length;
    world.fakeSlack.failNext('views.open', { error: 'expired_trigger_id' });
    await world.app.slack.homeAction({ action_id: 'home_tenant_add' }, { user: admin });
    const told = await world.fakeSlack.waitFor(() => world.fakeSlack.callsOf('chat.postMessage')[posted]);
    expect(told.args.channel).toBe(`D${admin.slice(1)}`);
    expect(told.args.text).toContain('Slack closed the window for opening the form');
  });
});
