import { beforeEach, describe, expect, it } from 'vitest';
import { needsPostgres } from '../support/database.js';
import type { SlackCall } from '../support/fake-slack.js';
import { addSimulatorTenant } from '../support/simulator-tenant.js';
import { startTestApp } from '../support/test-app.js';
import { useWorld } from '../support/world.js';

const admin = 'U0ADMIN0001';
const member = 'U0MEMBER001';
const alerts = 'C0ALERTS01';
const staging = 'bb22bb22-0000-4000-8000-000000000002';
const goodSecret = 'sim-secret-0123456789abcdefghijklmnopqrstuvwxyzABCDEF';

const env = () => ({
  FLIGHTIQ_ADMINS: admin,
  FLIGHTIQ_ALERT_CHANNEL: alerts,
  // An hour-long slot keeps the minute cron tick from adding checks of its own during a test.
  FLIGHTIQ_CHECK_INTERVAL: '1h',
  ...world.sim.env,
});

const world = useWorld({
  users: { [member]: {} },
  env,
  jobs: { pollingIntervalSeconds: 0.5 },
  fresh: { tables: ['tenants'], tenant: 'Acme' },
  admin,
});

beforeEach(() => {
  world.fakeSlack.missingChannels.clear();
  world.fakeSlack.calls.length = 0;
});

async function addTenant(name: string, clientIndex = 0): Promise<string> {
  return (await addSimulatorTenant(world.app.service.services, world.sim, { name, admin, clientIndex })).id;
}

const check = () => world.app.service.services.monitor.checkTenant(world.tenantId);

function alertPosts(): SlackCall[] {
  return world.fakeSlack
    .callsOf('chat.postMessage')
    .filter((call) => call.args.channel === alerts && !call.args.thread_ts);
}

async function health() {
  const { rows } = await world.app.service.database.pool.query(
    'SELECT * FROM tenant_health WHERE tenant_id = $1',
    [world.tenantId],
  );
  return rows[0] as { state: string; cause_code: string | null; alert_ts: string | null } | undefined;
}

describe('credential alerts', () => {
  it('posts one alert when the secret stops working, however many checks follow, and the recovery in its thread', async () => {
    await check();
    expect((await health())?.state).toBe('healthy');
    expect(alertPosts()).toHaveLength(0);

    world.sim.app().clientSecret = 'rotated-in-pingone';
    for (let i = 0; i < 11; i++) await check();
    expect(alertPosts()).toHaveLength(1);
    const alert = JSON.stringify(alertPosts()[0]?.args);
    expect(alert).toContain('FlightIQ cannot use the PingOne credentials of tenant Acme');
    expect(alert).toContain('PingOne refused the worker app credentials');
    expect(alert).toContain('The client ID and secret are correct');
    expect(alert).toContain('"action_id":"alert_test_again"');
    expect(
      world.fakeSlack.callsOf('chat.update').filter((call) => call.args.channel === alerts),
    ).toHaveLength(10);
    const failing = await health();
    expect(failing).toMatchObject({ state: 'failing', cause_code: 'client_authentication_failed' });

    world.sim.app().clientSecret = goodSecret;
    await check();
    const thread = world.fakeSlack
      .callsOf('chat.postMessage')
      .filter((call) => call.args.thread_ts === failing?.alert_ts);
    expect(thread).toHaveLength(1);
    expect(String(thread[0]?.args.text)).toContain('Recovered: tenant Acme');
    const resolved = world.fakeSlack.message(alerts, failing?.alert_ts ?? '');
    expect(JSON.stringify(resolved)).toContain('*Resolved:*');
    expect(JSON.stringify(resolved)).not.toContain('alert_test_again');
    expect((await health())?.state).toBe('healthy');

    const everything = JSON.stringify(world.fakeSlack.calls) + world.app.logs.join('\n');
    for (const secret of [goodSecret, 'rotated-in-pingone']) expect(everything).not.toContain(secret);
  });

  it('updates the same alert when the cause changes', async () => {
    world.sim.app().clientSecret = 'rotated-in-pingone';
    await check();
    world.sim.app().clientSecret = goodSecret;
    world.sim.app().grantTypes = [];
    await check();
    expect(alertPosts()).toHaveLength(1);
    const { alert_ts: ts } = (await health()) ?? {};
    expect((await health())?.cause_code).toBe('grant_not_enabled');
    expect(JSON.stringify(world.fakeSlack.message(alerts, ts ?? ''))).toContain(
      'may not use the client credentials grant',
    );
  });

  it('keeps the failure when the alert channel is missing, says so in the log, and posts once it works', async () => {
    world.fakeSlack.missingChannels.add(alerts);
    world.sim.app().clientSecret = 'rotated-in-pingone';
    await check();
    expect(await health()).toMatchObject({ state: 'failing', alert_ts: null });
    expect(world.app.logs.some((line) => line.includes('could not post the credential alert'))).toBe(true);
    world.fakeSlack.missingChannels.delete(alerts);
    await check();
    await check();
    // The first attempt was refused (channel_not_found); the next check posted it; the third updated it.
    expect(alertPosts()).toHaveLength(2);
    expect(
      world.fakeSlack.refusals.filter((r) => r.method === 'chat.postMessage').map((r) => r.error),
    ).toContain('channel_not_found');
    expect((await health())?.alert_ts).not.toBeNull();
    expect(world.fakeSlack.callsOf('chat.update').filter((c) => c.args.channel === alerts)).toHaveLength(1);
  });

  it('survives Slack failing or rate limiting the alert post: logged, kept, posted at the next check', async () => {
    world.sim.app().clientSecret = 'rotated-in-pingone';
    world.fakeSlack.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    await check();
    expect(await health()).toMatchObject({ state: 'failing', alert_ts: null });
    world.fakeSlack.failNext('chat.postMessage', { status: 500 });
    await check();
    expect((await health())?.alert_ts).toBeNull();
    await check();
    expect((await health())?.alert_ts).not.toBeNull();
    expect(
      world.app.logs.filter((line) => line.includes('could not post the credential alert')).length,
    ).toBeGreaterThanOrEqual(2);
    expect((await fetch(`${world.app.url}/healthz`)).status).toBe(200);
  });

  it('does not hold up access checks while an alert waits out a rate limit', async () => {
    world.sim.app().clientSecret = 'rotated-in-pingone';
    world.fakeSlack.failNext('chat.postMessage', { status: 429, retryAfter: 6 });
    const checking = check();
    const limited = await world.fakeSlack.waitFor(() =>
      world.fakeSlack.calls.find(
        (call) => call.method === 'chat.postMessage' && call.args.channel === alerts,
      ),
    );
    // Someone not looked up before: their access check needs users.info while the alert is paused.
    const newcomer = 'U0NEWCOMER1';
    world.fakeSlack.users.set(newcomer, { id: newcomer });
    const reply = await world.app.slack.command('tenant list', { user: newcomer });
    const answer = await world.fakeSlack.waitFor(
      () => world.fakeSlack.responsesTo(reply.responseUrl).at(-1),
      15_000,
    );
    expect(JSON.stringify(answer)).toContain('Acme');
    const lookup = world.fakeSlack.calls.find(
      (call) => call.method === 'users.info' && call.args.user === newcomer,
    );
    expect(lookup).toBeDefined();
    expect((lookup?.at ?? Infinity) - limited.at).toBeLessThan(3_000);
    await checking;
  }, 20_000);

  it('posts a burst of certificate warnings at most one a second into the channel', async () => {
    const soon = new Date(Date.now() + 10 * 86_400_000).toISOString();
    for (const n of [1, 2, 3]) {
      world.sim.data.collections[staging]?.certificates?.push({
        id: `77777777-0000-4000-8000-00000000010${n}`,
        name: `Burst ${n}`,
        subjectDN: `CN=burst${n}.example.com`,
        expiresAt: soon,
        status: 'EXPIRING',
      });
    }
    await check();
    const warnings = alertPosts().filter((call) => String(call.args.text).includes('Burst'));
    expect(warnings).toHaveLength(3);
    for (let i = 1; i < warnings.length; i++) {
      expect((warnings[i]?.at ?? 0) - (warnings[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(990);
    }
  }, 20_000);

  it('feeds failures seen by /flightiq test into the same state', async () => {
    world.sim.app().clientSecret = 'rotated-in-pingone';
    const reply = await world.app.slack.command('test', { user: member });
    await world.fakeSlack.waitFor(() => world.fakeSlack.responsesTo(reply.responseUrl).at(-1), 15_000);
    expect(alertPosts()).toHaveLength(1);
    await check();
    expect(alertPosts()).toHaveLength(1);
  });

  it('"Test again" runs the checklist for the clicker and resolves a fixed tenant', async () => {
    world.sim.app().clientSecret = 'rotated-in-pingone';
    await check();
    world.sim.app().clientSecret = goodSecret;
    const reply = await world.app.slack.blockAction(
      { action_id: 'alert_test_again', value: world.tenantId },
      { user: member, channel: alerts },
    );
    const answer = await world.fakeSlack.waitFor(() => {
      const posts = world.fakeSlack.responsesTo(reply.responseUrl);
      return posts.length >= 2 && posts.at(-1);
    }, 15_000);
    expect(JSON.stringify(answer)).toContain('*Passed.*');
    expect((await health())?.state).toBe('healthy');
  });

  it('warns once about a certificate that expires soon', async () => {
    const soon = new Date(Date.now() + 10 * 86_400_000).toISOString();
    world.sim.data.collections[staging]?.certificates?.push({
      id: '77777777-0000-4000-8000-000000000003',
      name: 'SAML encryption',
      subjectDN: 'CN=sso.example.com',
      expiresAt: soon,
      status: 'EXPIRING',
    });
    await check();
    await check();
    const warnings = alertPosts().filter((call) => String(call.args.text).includes('Certificate'));
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0]?.args.text)).toContain('Certificate SAML encryption in Staging expires in');
  });

  it.each([
    [
      'the channel is missing (channel_not_found)',
      'channel_not_found',
      () => world.fakeSlack.missingChannels.add(alerts),
    ],
    [
      'Slack rate limits the post',
      'ratelimited',
      () => world.fakeSlack.failNext('chat.postMessage', { status: 429, retryAfter: 1 }),
    ],
    ['Slack answers 500', 'fatal_error', () => world.fakeSlack.failNext('chat.postMessage', { status: 500 })],
  ] as const)(
    'does not count a certificate warning as sent when %s: posted once at the next check',
    async (_, error, fail) => {
      world.sim.data.collections[staging]?.certificates?.push({
        id: '77777777-0000-4000-8000-000000000004',
        name: 'Refused signing',
        subjectDN: 'CN=refused.example.com',
        expiresAt: new Date(Date.now() + 10 * 86_400_000).toISOString(),
        status: 'EXPIRING',
      });
      const warningPosts = () =>
        alertPosts().filter((call) => String(call.args.text).includes('Refused signing'));
      const refused = () => world.fakeSlack.refusals.filter((r) => r.method === 'chat.postMessage');
      const refusedBefore = refused().length;
      // Expiry scans run every few hours (expiryScanMs): a day later the next check scans again, to show
      // that a later scan does not warn again.
      const scan = async () => {
        world.clock.advanceDays(1);
        await check();
      };
      const warned = async () =>
        (
          await world.app.service.database.pool.query(
            'SELECT certificate_id FROM certificate_warnings WHERE tenant_id = $1',
            [world.tenantId],
          )
        ).rows;

      fail();
      await check();
      world.fakeSlack.missingChannels.delete(alerts);
      // Tried once and refused: nothing reached the channel, and nothing is recorded as warned.
      expect(warningPosts()).toHaveLength(1);
      expect(
        refused()
          .slice(refusedBefore)
          .map((r) => r.error),
      ).toEqual([error]);
      expect(await warned()).toEqual([]);
      expect(
        world.app.logs.some((line) => line.includes('could not post a certificate expiry warning')),
      ).toBe(true);

      // The very next check scans again (not the next scan, hours later), and posts it.
      await check();
      expect(warningPosts()).toHaveLength(2);
      expect(refused().length - refusedBefore).toBe(1);
      expect(String(warningPosts()[1]?.args.text)).toContain(
        'Certificate Refused signing in Staging expires in',
      );
      expect(await warned()).toEqual([{ certificate_id: '77777777-0000-4000-8000-000000000004' }]);

      await scan();
      await check();
      expect(warningPosts()).toHaveLength(2);
      expect(refused().length - refusedBefore).toBe(1);
    },
    20_000,
  );

  it('cannot ping the channel through a tenant name: "<!channel> Acme" is escaped in the alert and the recovery', async () => {
    const named = await addTenant('<!channel> Acme', 1);
    const checkNamed = () => world.app.service.services.monitor.checkTenant(named);
    const worker = world.sim.app(world.sim.data.applications[1]?.clientId);
    worker.clientSecret = 'rotated-in-pingone';
    await checkNamed();
    worker.clientSecret = 'sim-post-secret-ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210';
    await checkNamed();
    const sent = world.fakeSlack.calls.filter(
      (call) => call.method === 'chat.postMessage' || call.method === 'chat.update',
    );
    expect(sent.length).toBeGreaterThanOrEqual(2);
    for (const call of sent) expect(JSON.stringify(call.args)).not.toContain('<!channel>');
    expect(sent.some((call) => String(call.args.text).includes('&lt;!channel&gt; Acme'))).toBe(true);

    // "Test again" says which tenant it tests: by its name, escaped.
    const reply = await world.app.slack.blockAction(
      { action_id: 'alert_test_again', value: named },
      { user: member, channel: alerts },
    );
    const answers = await world.fakeSlack.waitFor(() => {
      const posts = world.fakeSlack.responsesTo(reply.responseUrl);
      return posts.length >= 2 && posts;
    }, 15_000);
    expect(JSON.stringify(answers)).toContain('Testing the credentials of *&lt;!channel&gt; Acme*');
    // Mentions work in notification texts and mrkdwn, not in plain_text headers.
    const mrkdwn =
      JSON.stringify(answers).match(
        /"type":"mrkdwn","text":"(?:[^"\\]|\\.)*"|"text":"(?:[^"\\]|\\.)*","blocks"/g,
      ) ?? [];
    expect(mrkdwn.length).toBeGreaterThan(0);
    for (const text of mrkdwn) expect(text).not.toContain('<!channel>');
  });

  it('makes one PingOne call a check, and reads certificates and keys only every few hours', async () => {
    const before = world.sim.requests.length;
    await check();
    const first = world.sim.requests.slice(before).map((r) => `${r.method} ${r.path.replace(/\?.*$/, '')}`);
    // A token, then (the first time) the environments and each one's certificates and keys.
    expect(first[0]).toMatch(/^POST \/.*\/as\/token$/);
    expect(first.filter((r) => r.endsWith('/certificates'))).toHaveLength(4);
    expect(first.filter((r) => r.endsWith('/keys'))).toHaveLength(4);
    const again = world.sim.requests.length;
    await check();
    await check();
    expect(world.sim.requests.slice(again).map((r) => r.path)).toEqual([
      expect.stringMatching(/\/as\/token$/),
      expect.stringMatching(/\/as\/token$/),
    ]);
  });

  it('warns once about a signing key that expires soon, as a key', async () => {
    const soon = new Date(Date.now() + 5 * 86_400_000).toISOString();
    world.sim.data.collections[staging]?.keys?.push({
      id: '88888888-0000-4000-8000-000000000009',
      name: 'Old token signing',
      subjectDN: 'CN=Old token signing',
      usageType: 'SIGNING',
      expiresAt: soon,
      status: 'EXPIRING',
    });
    await check();
    await check();
    const warnings = alertPosts().filter((call) => String(call.args.text).includes('Old token signing'));
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0]?.args.text)).toContain('Signing key Old token signing in Staging expires in');
    expect(JSON.stringify(warnings[0]?.args.blocks)).toContain('Rotate it in PingOne before then');
  });

  it("warns about a key when core's clock brings its expiry within the warning days, not before", async () => {
    const tokenSigning = () =>
      alertPosts().filter((call) => String(call.args.text).includes('Token signing in Staging'));
    // The sample token signing key expires 395 days after the simulator started; the default warning
    // window is 30 days.
    world.clock.advanceDays(360);
    await check();
    expect(tokenSigning()).toHaveLength(0);
    world.clock.advanceDays(20);
    await check();
    expect(tokenSigning()).toHaveLength(1);
    expect(String(tokenSigning()[0]?.args.text)).toMatch(/Token signing in Staging expires in 1[45] days/);
  });
});

describe('scheduled checks on the job queue', () => {
  it('runs each tenant check once, with two app instances on one Postgres', async () => {
    if (!needsPostgres('credential checks on two instances')) return;
    const second = await startTestApp({
      fakeSlack: world.fakeSlack,
      clock: world.clock,
      database: world.database,
      env: env(),
      jobs: { pollingIntervalSeconds: 0.5 },
    });
    try {
      await addTenant('Beta', 1);
      const tokensBefore = world.sim.tokenRequests();
      const queued = await Promise.all([
        world.app.service.credentialChecks?.enqueueAll(),
        second.service.credentialChecks?.enqueueAll(),
        world.app.service.credentialChecks?.enqueueAll(),
      ]);
      expect((queued as number[]).reduce((a, b) => a + b, 0)).toBe(2);
      const deadline = Date.now() + 15_000;
      for (;;) {
        const { rows } = await world.app.service.database.pool.query(
          'SELECT count(*)::int AS n FROM tenant_health',
        );
        if (rows[0].n === 2) break;
        if (Date.now() > deadline) throw new Error('the checks did not run');
        await new Promise((r) => setTimeout(r, 100));
      }
      await new Promise((r) => setTimeout(r, 2_000));
      expect(world.sim.tokenRequests() - tokensBefore).toBe(2);
    } finally {
      await second.stop();
    }
  });
});
