import { describe, expect, it } from 'vitest';
import { promotionDriver } from '../support/promotion-driver.js';
import {
  builtIn,
  connection,
  flow,
  graph,
  ids,
  production,
  qa,
  richText,
  staging,
} from '../support/promotion-fixtures.js';
import { startTestApp } from '../support/test-app.js';
import { type Shown, useWorld } from '../support/world.js';

/**
 * Approvers see what they approve: the diff on the card and in its modal, `/flightiq diff`, and
 * flows changed outside FlightIQ, in a plan and in the background. Through signed requests to the
 * real receiver; the fake Slack refuses anything beyond Block Kit's limits.
 */

const admin = 'U0ADMIN0001';
const operator = 'U0OPERATOR1';
const approver = 'U0APPROVER1';
const reader = 'U0MEMBER001';
const guest = 'U0GUEST0001';
const approvals = 'C0APPROVALS';
const alerts = 'C0ALERTS01';

const env = (extra: Record<string, string> = {}) => ({
  FLIGHTIQ_ADMINS: admin,
  FLIGHTIQ_OPERATORS: operator,
  FLIGHTIQ_APPROVERS: approver,
  FLIGHTIQ_APPROVAL_CHANNEL: approvals,
  FLIGHTIQ_ALERT_CHANNEL: alerts,
  FLIGHTIQ_CHECK_INTERVAL: '1h',
  ...world.sim.env,
  ...extra,
});

const world = useWorld({
  users: {
    ...Object.fromEntries([admin, operator, approver, reader].map((user) => [user, {}])),
    [guest]: { is_restricted: true },
  },
  env: () => env(),
  jobs: { disabled: true },
  fresh: { promotions: true, tables: ['promotions', 'tenants'], tenant: 'Acme' },
  admin,
});

const { latest: latestPromotion, waitForStatus } = promotionDriver(world);
function flowIn(envId: string, name: string): Record<string, unknown> {
  const found = promotionDriver(world).flowIn(envId, name);
  if (!found) throw new Error(`no flow ${name} in ${envId}`);
  return found;
}

function run(text: string, user = operator): Promise<Shown> {
  return world.answer(text, user);
}

/** Opens the diff modal from a card as `user`, and returns what Slack was asked to show. */
async function showDiff(id: string, user: string): Promise<Record<string, unknown>> {
  const shown = world.fakeSlack.views.length;
  const reply = await world.app.slack.blockAction(
    { action_id: 'promotion_diff', value: id },
    { user, channel: approvals },
  );
  expect(reply.status).toBe(200);
  // As Slack stored it, with the ID a click inside it carries.
  return world.fakeSlack.waitFor(() => world.fakeSlack.views[shown]);
}

/** Promotes Checkout into `to` and lets it run to the end (approved in Production, run in QA). */
async function promoteAndRun(to: 'Production' | 'QA'): Promise<string> {
  await run(`promote Checkout --from Staging --to ${to}`);
  const { id } = await latestPromotion();
  const [action, user] = to === 'Production' ? ['promotion_approve', approver] : ['promotion_run', operator];
  await world.app.slack.blockAction({ action_id: action, value: id }, { user, channel: approvals });
  await waitForStatus(id, 'succeeded');
  return id;
}

describe('the diff on the approval card', () => {
  it('sums up each flow on the card, and Show diff opens every change in a modal', async () => {
    await run('promote Checkout --from Staging --to Production');
    const row = await latestPromotion();
    const card = JSON.stringify(world.fakeSlack.message(row.channel_id, row.message_ts)?.blocks);
    expect(card).toContain('*What changes*');
    expect(card).toContain('• *Checkout*: new flow, 15 nodes');
    expect(card).toContain('• *Validate address*: new flow');
    // Production's older Collect address had one HTTP node; Staging's has four more steps around it.
    expect(card).toContain(
      '• *Collect address*: 6 added: Flow Conductor, PingOne SSO, Variables and 3 evaluators; links changed',
    );
    expect(card).toContain('"action_id":"promotion_diff"');

    const modal = JSON.stringify(await showDiff(row.id, reader));
    expect(modal).toContain('What changes');
    expect(modal).toContain(':heavy_plus_sign: added *PingOne SSO* (pingOneSSOConnector · userLookup)');
    expect(modal).toContain(':heavy_plus_sign: *Error Message* (errorConnector · customErrorMessage)');
    expect(modal).toContain('_Uses variables attempt (flowInstance), greeting (company)');
    expect(world.fakeSlack.refusals).toEqual([]);
  });

  it('tells the requester of a protected promotion what it changes, with the same Show diff', async () => {
    const requester = JSON.stringify(await run('promote Checkout --from Staging --to Production'));
    expect(requester).toContain('is waiting for an approver');
    expect(requester).toContain('• *Checkout*: new flow, 15 nodes');
    expect(requester).toContain('"action_id":"promotion_diff"');
  });

  it('pages a long diff: Next in the modal shows the next page', async () => {
    const steps = (word: string) =>
      Array.from({ length: 300 }, (_, i) =>
        connection(`big${String(i).padStart(7, '0')}`, {
          connectorId: 'functionsConnector',
          connectionId: builtIn.functions,
          name: 'Functions',
          capabilityName: 'customFunction',
          properties: {
            message: richText(`${word} text of step ${i}, `.repeat(6)),
            nodeTitle: { value: `Step ${i}` },
          },
        }),
      );
    world.sim.data.collections[staging]?.flows?.push(
      flow('b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1', 'Big', staging, graph(...steps('new'))),
    );
    world.sim.data.collections[production]?.flows?.push(
      flow('b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2', 'Big', production, graph(...steps('old'))),
    );
    await run('promote Big --from Staging --to Production');
    const { id } = await latestPromotion();
    const first = await showDiff(id, reader);
    const firstText = JSON.stringify(first);
    expect(firstText).toContain('*Big*: 300 nodes changed: Step 0, Step 1, Step 2, Step 3, …');
    const pages = Number(/Page 1 of (\d+)/.exec(firstText)?.[1]);
    expect(pages).toBeGreaterThan(1);

    const updates = world.fakeSlack.callsOf('views.update').length;
    const pager = (first.blocks as { block_id?: string; elements?: { action_id: string; value: string }[] }[])
      .find((block) => block.block_id === 'diff_pages')
      ?.elements?.find((element) => element.action_id === 'diff_page_next');
    expect(pager).toBeDefined();
    await world.app.slack.interaction({
      type: 'block_actions',
      team: { id: 'T0FAKE0001', domain: 'fake' },
      user: { id: reader, username: 'reader', team_id: 'T0FAKE0001' },
      api_app_id: 'A0FAKEAPP1',
      trigger_id: world.fakeSlack.issueTriggerId(),
      container: { type: 'view', view_id: first.id },
      view: { id: first.id, type: 'modal', callback_id: 'promotion_diff' },
      actions: [
        {
          type: 'button',
          action_id: 'diff_page_next',
          block_id: 'diff_pages',
          value: pager?.value,
          action_ts: '1',
        },
      ],
    });
    const second = await world.fakeSlack.waitFor(() => world.fakeSlack.callsOf('views.update')[updates]);
    expect(second.args.view_id).toBe(first.id);
    const secondText = JSON.stringify(second.args.view);
    expect(secondText).toContain(`Page 2 of ${pages}`);
    expect(secondText).toContain('"action_id":"diff_page_previous"');
    expect(secondText).not.toBe(firstText);
    expect(world.fakeSlack.refusals).toEqual([]);
  });

  it('shows the diff to readers only, checked at the click', async () => {
    await run('promote Checkout --from Staging --to Production');
    const modal = JSON.stringify(await showDiff((await latestPromotion()).id, guest));
    expect(modal).toContain('You are not allowed to run FlightIQ read commands');
    expect(modal).not.toContain('Collect address');
  });
});

describe('/flightiq diff', () => {
  it('shows what a promotion would change, and requests nothing', async () => {
    const shown = await run('diff Checkout --from Staging --to Production', reader);
    const text = JSON.stringify(shown);
    expect(text).toContain('What promoting Checkout from Staging to Production would change');
    expect(text).toContain('nothing was requested or written');
    expect(text).toContain('*Collect address*: 6 added');
    expect(text).toContain(':heavy_plus_sign: added *PingOne SSO*');
    const { rows } = await world.app.service.database.pool.query('SELECT count(*)::int AS n FROM promotions');
    expect(rows[0].n).toBe(0);
    expect(world.sim.writes).toEqual([]);
  });

  it('sends a long diff as a file too, its comment escaped like every name from PingOne', async () => {
    const steps = (word: string) =>
      Array.from({ length: 300 }, (_, i) =>
        connection(`big${String(i).padStart(7, '0')}`, {
          connectorId: 'functionsConnector',
          connectionId: builtIn.functions,
          name: 'Functions',
          capabilityName: 'customFunction',
          properties: {
            message: richText(`${word} text of step ${i}, `.repeat(6)),
            errorMessage: richText(`${word} error of step ${i}, `.repeat(6)),
            fallback: richText(`${word} fallback of step ${i}, `.repeat(6)),
          },
        }),
      );
    const name = 'Big <!channel>';
    world.sim.data.collections[staging]?.flows?.push(
      flow('c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1', name, staging, graph(...steps('new'))),
    );
    world.sim.data.collections[production]?.flows?.push(
      flow('c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2', name, production, graph(...steps('old'))),
    );
    const files = world.fakeSlack.files.length;
    await run(`diff "${name}" --from Staging --to Production`, reader);
    const file = await world.fakeSlack.waitFor(
      () => world.fakeSlack.files.length > files && world.fakeSlack.files.at(-1),
      20_000,
    );
    expect(file.initialComment).toContain('The whole diff: Big &lt;!channel&gt;, Staging → Production.');
    expect(file.initialComment).not.toContain('<!channel>');
  });

  it('is a read command: a guest is refused', async () => {
    const shown = await run('diff Checkout --from Staging --to Production', guest);
    expect(shown.text).toContain('You are not allowed to run FlightIQ read commands');
  });

  // The role is checked before the tenant is chosen: naming a tenant that does not exist must not get
  // a refused person the list of those that do.
  it.each([
    ['diff', guest, 'You are not allowed to run FlightIQ read commands'],
    ['promote', reader, 'You are not allowed to request promotions'],
  ])('refuses %s before naming any tenant to someone not allowed', async (command, user, refusal) => {
    const shown = JSON.stringify(
      await run(`${command} Checkout --from Staging --to Production --tenant Nope`, user),
    );
    expect(shown).toContain(refusal);
    expect(shown).not.toContain('Acme');
    expect(shown).not.toContain('no tenant named');
    const { rows } = await world.db.query(
      "SELECT action, tenant, outcome FROM audit_events WHERE actor_id = $1 AND outcome = 'refused' ORDER BY id DESC LIMIT 1",
      [user],
    );
    expect(rows[0]).toEqual({
      action: command === 'diff' ? 'promotion.diff' : 'promotion.request',
      tenant: 'Nope',
      outcome: 'refused',
    });
  });
});

describe('the App Home tab', () => {
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

  it('shows tenants, their health and PingOne failure text to readers only', async () => {
    const { rows } = await world.db.query('SELECT id FROM tenants');
    await world.db.query(
      `INSERT INTO tenant_health (tenant_id, state, cause_code, cause_message, failing_since, last_checked_at)
       VALUES ($1, 'failing', 'invalid_client', 'PingOne said: the client Acme-worker was refused', $2, $2)`,
      [rows[0]?.id, world.clock.now()],
    );
    const readerHome = await home(reader);
    expect(readerHome).toContain('*Acme*');
    expect(readerHome).toContain('the client Acme-worker was refused');
    for (const user of [guest]) {
      const shown = await home(user);
      expect(shown).toContain('FlightIQ commands');
      expect(shown).not.toContain('Acme');
      expect(shown).not.toContain('Tenants');
    }
  });
});

/** A background drift comparison: each comes an hour after the last, as the schedule allows. */
async function checkDrift(): Promise<void> {
  world.clock.advance(60 * 60_000 + 1_000);
  await world.app.service.services.monitor.checkTenant(world.tenantId);
}

/** Drift messages in the alert channel, since the test's own calls began at `from`. */
function driftPosts(from = 0) {
  return world.fakeSlack
    .callsOf('chat.postMessage')
    .slice(from)
    .filter((call) => call.args.channel === alerts && String(call.args.text).includes('outside FlightIQ'));
}

describe('flows changed outside FlightIQ', () => {
  it('are named in the next plan, with what approving would overwrite', async () => {
    const first = await promoteAndRun('QA');
    const edited = flowIn(qa, 'Checkout');
    world.sim.editFlow(qa, String(edited.id), { description: 'Edited by hand in the QA console' });

    const shown = JSON.stringify(await run('diff Checkout --from Staging --to QA', reader));
    expect(shown).toContain(
      `QA's Checkout was changed outside FlightIQ since promotion ${first.slice(0, 8)} (FlightIQ left version`,
    );
    expect(shown).toContain('approving overwrites that change');
    expect(shown).toContain(
      `*Checkout*: 1 flow setting changed\\n:warning: Changed outside FlightIQ since promotion \`${first.slice(0, 8)}\``,
    );
    expect(shown).toContain('`description`: \\"Edited by hand in the QA console\\" → \\"Checkout flow\\"');
  });

  it('are told once in the alert channel when a protected environment drifts, and not when it does not', async () => {
    await promoteAndRun('Production');
    await checkDrift();
    expect(driftPosts()).toHaveLength(0);

    const checkout = flowIn(production, 'Checkout');
    const written = Number(checkout.currentVersion);
    world.sim.editFlow(production, String(checkout.id), { description: 'Hotfix in production' });
    await checkDrift();
    await checkDrift();
    const posts = driftPosts();
    expect(posts).toHaveLength(1);
    const text = JSON.stringify(posts[0]?.args.blocks);
    expect(text).toContain(
      `*Checkout* in *Production* (tenant *Acme*) was changed outside FlightIQ by *Console Admin*, 2 hours ago (<!date^`,
    );
    expect(text).toContain(`: it is version ${written + 1} now; FlightIQ left it at version ${written}`);
    expect(text).toContain('/flightiq diff Checkout --from Staging --to Production');
  });

  it("name who changed a flow in Production's console, when, and what changed", async () => {
    const from = world.fakeSlack.callsOf('chat.postMessage').length;
    const asked = world.sim.requests.length;
    const promotion = await promoteAndRun('Production');
    const checkout = flowIn(production, 'Checkout');
    // Edited by hand: the HTTP node's label, then (by someone else, in another flow) nothing of note.
    const graphData = structuredClone(checkout.graphData) as {
      elements: { nodes: { data: { id: string; label?: string } }[] };
    };
    const http = graphData.elements.nodes.find((node) => node.data.id === '1u2m5vzr49');
    if (!http) throw new Error('no HTTP node in Checkout');
    http.data.label = 'Welcome banner';
    world.sim.editFlow(production, String(checkout.id), { graphData }, { by: { name: 'Dana Admin' } });
    const collect = flowIn(production, 'Collect address');
    world.sim.editFlow(production, String(collect.id), { description: 'Unrelated' }, { by: { name: 'Eve' } });

    await checkDrift();
    const posts = driftPosts(from).filter((post) => String(post.args.text).startsWith('Checkout'));
    expect(posts).toHaveLength(1);
    const text = JSON.stringify(posts[0]?.args.blocks);
    expect(String(posts[0]?.args.text)).toBe(
      'Checkout in Production was changed outside FlightIQ by Dana Admin',
    );
    expect(text).toContain('was changed outside FlightIQ by *Dana Admin*, 1 hour ago (<!date^');
    expect(text).toContain(`(promotion \`${promotion.slice(0, 8)}\`)`);
    expect(text).toContain('*What changed:* 1 node changed: Welcome banner');
    expect(text).toContain('`label`: \\"HTTP\\" → \\"Welcome banner\\"');
    expect(text).not.toContain('Eve');
    expect(text).not.toContain('Uses variables');
    expect(text).not.toContain('Who is not known');
    // The audit was read once, from FlightIQ's write on.
    const reads = world.sim.requests.slice(asked).filter((request) => request.path.includes('/activities'));
    expect(reads).toHaveLength(1);
    expect(decodeURIComponent(reads[0]?.path ?? '').replaceAll('+', ' ')).toMatch(
      /filter=recordedat gt "[^"]+" AND recordedat lt "[^"]+"/,
    );
  });

  it('say someone, and the role that would name them, when the audit may not be read', async () => {
    const from = world.fakeSlack.callsOf('chat.postMessage').length;
    await promoteAndRun('Production');
    const checkout = flowIn(production, 'Checkout');
    world.sim.editFlow(
      production,
      String(checkout.id),
      { description: 'Hotfix' },
      { by: { name: 'Dana Admin' } },
    );
    world.sim.fail(
      /\/activities$/,
      {
        status: 403,
        body: {
          id: 'c0ffee00-0000-4000-8000-000000000403',
          code: 'ACCESS_FAILED',
          message: 'You do not have permissions or are not licensed to make this request.',
          details: [{ code: 'INSUFFICIENT_PERMISSIONS', message: 'Actor does not have permissions.' }],
        },
      },
      { times: 5 },
    );

    await checkDrift();
    const posts = driftPosts(from);
    expect(posts).toHaveLength(1);
    const text = JSON.stringify(posts[0]?.args.blocks);
    expect(text).toContain('was changed outside FlightIQ by someone, ');
    expect(text).toContain(
      "Who is not known: the worker app may not read PingOne's audit. Give the worker app the *Identity Data Read Only* role in *Production* to see who.",
    );
    expect(text).not.toContain('Dana Admin');
    // What changed is read all the same.
    expect(text).toContain('*What changed:* 1 flow setting changed');
  });

  it('name who changed a flow policy FlightIQ wrote, and how it routes now, once', async () => {
    const from = world.fakeSlack.callsOf('chat.postMessage').length;
    await promoteAndRun('Production');
    const signIn = world.sim.data.collections[staging]?.flowPolicies?.find(
      (p) => p.name === 'Sign in policy',
    );
    if (!signIn) throw new Error('no Sign in policy in Staging');
    signIn.flowDistributions = [{ id: ids.checkout, version: -1, weight: 100 }];
    signIn.status = 'enabled';
    await run('promote policy Customer portal/Sign in policy --from Staging --to Production');
    const { id } = await latestPromotion();
    await world.app.slack.blockAction(
      { action_id: 'promotion_approve', value: id },
      { user: approver, channel: approvals },
    );
    await waitForStatus(id, 'succeeded');
    await checkDrift();
    expect(driftPosts(from).filter((post) => String(post.args.text).startsWith('Flow policy'))).toHaveLength(
      0,
    );

    const promoted = world.sim.data.collections[production]?.flowPolicies?.find(
      (p) => p.name === 'Sign in policy',
    );
    if (!promoted) throw new Error('the promotion left no Sign in policy in Production');
    world.sim.editPolicy(
      production,
      String(promoted.id),
      { status: 'disabled' },
      { by: { name: 'Dana Admin' } },
    );
    await checkDrift();
    await checkDrift();
    const posts = driftPosts(from).filter((post) => String(post.args.text).startsWith('Flow policy'));
    expect(posts).toHaveLength(1);
    expect(String(posts[0]?.args.text)).toBe(
      'Flow policy Sign in policy in Production was changed outside FlightIQ by Dana Admin',
    );
    const text = JSON.stringify(posts[0]?.args.blocks);
    expect(text).toContain(
      `Flow policy *Sign in policy* of *Customer portal* in *Production* (tenant *Acme*) was changed outside FlightIQ by *Dana Admin*, `,
    );
    expect(text).toContain(`since promotion \`${id.slice(0, 8)}\` (from Staging) wrote it.`);
    expect(text).toContain('*What changed:*\\n• Status: \\"enabled\\" → \\"disabled\\"');
  });

  it('are not compared with FLIGHTIQ_DRIFT_ALERTS=off', async () => {
    await promoteAndRun('Production');
    const quiet = await startTestApp({
      fakeSlack: world.fakeSlack,
      clock: world.clock,
      database: world.database,
      env: env({ FLIGHTIQ_DRIFT_ALERTS: 'off' }),
      jobs: { disabled: true },
    });
    try {
      const checkout = flowIn(production, 'Checkout');
      world.sim.editFlow(production, String(checkout.id), { description: 'Hotfix in production' });
      const before = world.sim.requests.length;
      const posted = world.fakeSlack.calls.length;
      await quiet.service.services.monitor.checkTenant(world.tenantId);
      const flowLists = world.sim.requests.slice(before).filter((request) => request.path.endsWith('/flows'));
      expect(flowLists.map((request) => `${request.method} ${request.path}`)).toEqual([]);
      const told = world.fakeSlack.calls
        .slice(posted)
        .filter((call) => call.method === 'chat.postMessage' && String(call.args.text).includes('outside'));
      expect(told).toEqual([]);
    } finally {
      await quiet.stop();
    }
  });
});
