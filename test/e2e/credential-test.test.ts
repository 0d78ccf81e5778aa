import { describe, expect, it } from 'vitest';
import { openTenantForm, submitTenantForm } from '../support/tenant-form.js';
import { startTestApp } from '../support/test-app.js';
import { useWorld } from '../support/world.js';

const admin = 'U0ADMIN0001';
const member = 'U0MEMBER001';
const guest = 'U0GUEST0001';

const world = useWorld({
  users: { [admin]: {}, [member]: {}, [guest]: { is_restricted: true } },
  env: { FLIGHTIQ_ADMINS: admin },
  fresh: { tables: ['tenants'] },
});

async function addTenant(
  name: string,
  clientIndex = 0,
  overrides: { clientSecret?: string; authMethod?: string } = {},
) {
  const simApp = world.sim.data.applications[clientIndex];
  if (!simApp) throw new Error('no such simulator app');
  const result = await world.app.service.services.tenants.add(
    { userId: admin },
    {
      name,
      region: 'eu',
      environmentId: simApp.environmentId,
      clientId: simApp.clientId,
      clientSecret: overrides.clientSecret ?? simApp.clientSecret,
      authMethod: overrides.authMethod ?? simApp.authMethod,
    },
  );
  if (result.outcome !== 'saved') throw new Error(`could not add tenant: ${JSON.stringify(result)}`);
  return result.tenant;
}

/** Runs a command and returns what the user finally sees (the last response posted). */
async function run(text: string, user = member): Promise<string> {
  const reply = await world.app.slack.command(text, { user });
  expect(reply.status).toBe(200);
  const final = await world.fakeSlack.waitFor(() => {
    const posts = world.fakeSlack.responsesTo(reply.responseUrl);
    return posts.length > 0 && posts.at(-1);
  }, 15_000);
  return JSON.stringify(final);
}

describe('/flightiq test', () => {
  it('acknowledges at once, then shows the checklist passed with roles, environments and reads per domain', async () => {
    await addTenant('Acme');
    const reply = await world.app.slack.command('test', { user: member });
    expect(reply.text).toContain('Testing the worker app credentials');
    const shown = JSON.stringify(
      await world.fakeSlack.waitFor(() => world.fakeSlack.responsesTo(reply.responseUrl).at(-1), 15_000),
    );
    expect(shown).toContain('*Passed.*');
    expect(shown).toMatch(/Worker token minted in \d+ ms, valid for 60 minutes/);
    expect(shown).toContain('Organization Admin (the whole organization)');
    expect(shown).toContain('DaVinci Admin Read Only (environment Staging)');
    expect(shown).toContain('4 environment(s) reachable');
    expect(shown).toContain(
      '*Staging* (SANDBOX): DaVinci read :white_check_mark: · Identity read :white_check_mark:',
    );
    expect(shown).toContain('*Workforce* (SANDBOX): :heavy_minus_sign: DaVinci not licensed here');
  });

  it('reports a DaVinci read it cannot explain as refused, not failed, when the bill of materials is unreadable', async () => {
    await addTenant('Acme');
    const worker = world.sim.app();
    worker.roleAssignments = worker.roleAssignments.filter(
      (ra) => ra.role.id !== '11111111-0000-4000-8000-0000000000a2',
    );
    const shown = await run('test');
    expect(shown).toContain('*Passed.*');
    expect(shown).toContain(
      '*Workforce* (SANDBOX): :grey_question: DaVinci refused (no DaVinci role, or DaVinci not licensed here)',
    );
    expect(shown).not.toContain('not licensed here · ');
  });

  it('stores the result on the tenant, shows it in tenant list, and audits it', async () => {
    await addTenant('Acme');
    await run('test Acme');
    expect(await run('tenant list')).toContain(':white_check_mark: passed');
    const { rows } = await world.app.service.database.pool.query(
      "SELECT actor_id, outcome FROM audit_events WHERE action = 'tenant.test' ORDER BY id DESC LIMIT 1",
    );
    expect(rows).toEqual([{ actor_id: member, outcome: 'succeeded' }]);
  });

  it('with a wrong secret says PingOne refused the credentials and what to check, with the correlation ID', async () => {
    await addTenant('Acme', 0, { clientSecret: 'not-the-right-secret' });
    const shown = await run('test');
    expect(shown).toContain('*Failed.*');
    expect(shown).toContain('PingOne refused the worker app credentials');
    expect(shown).toContain('The client ID and secret are correct');
    expect(shown).toContain('matches the app (Client Secret Basic or Client Secret Post)');
    expect(shown).toMatch(/PingOne correlation ID `[0-9a-f-]{36}`/);
    expect(await run('tenant list')).toContain(':x: failed');
  });

  it('with the wrong authentication method gives the same cause (PingOne cannot tell them apart)', async () => {
    await addTenant('Acme', 0, { authMethod: 'client_secret_post' });
    expect(await run('test')).toContain('PingOne refused the worker app credentials');
  });

  it('works for a worker app that authenticates with client_secret_post', async () => {
    await addTenant('Poster', 1);
    const shown = await run('test Poster');
    expect(shown).toContain('*Passed.*');
    expect(shown).toContain('1 environment(s) reachable');
  });

  it('asks which tenant when there are several, and lists them', async () => {
    await addTenant('Acme');
    await addTenant('Poster', 1);
    expect(await run('test')).toContain('Which tenant? Name one with `--tenant <name>`: `Acme`, `Poster`.');
    // What that answer says works: the tenant named with --tenant, as by name alone.
    const named = await run('test --tenant Poster');
    expect(named).toContain('Credential test of Poster: passed');
    expect(await run('test Poster')).toContain('Credential test of Poster: passed');
    const twice = await world.app.slack.command('test Acme --tenant Poster', { user: member });
    expect(String(twice.body?.text)).toContain(
      'Name the tenant once: "Acme" or --tenant "Poster", not both.',
    );
  });

  it('shows the tenant list only to readers: a single-channel guest gets no client or environment IDs', async () => {
    await addTenant('Acme');
    const shown = await run('tenant list', guest);
    expect(shown).toContain('You are not allowed to run FlightIQ read commands');
    expect(shown).not.toContain(world.sim.app().clientId);
    expect(await run('tenant list', member)).toContain(world.sim.app().clientId);
  });

  it('refuses a guest listed by name in FLIGHTIQ_READERS', async () => {
    const listed = await startTestApp({
      fakeSlack: world.fakeSlack,
      clock: world.clock,
      database: world.database,
      env: { FLIGHTIQ_ADMINS: admin, FLIGHTIQ_READERS: `${guest},${member}`, ...world.sim.env },
      jobs: { disabled: true },
    });
    try {
      await addTenant('Acme');
      const reply = await listed.slack.command('envs', { user: guest });
      const answer = JSON.stringify(
        await world.fakeSlack.waitFor(() => world.fakeSlack.responsesTo(reply.responseUrl).at(-1), 15_000),
      );
      expect(answer).toContain('You are not allowed to run FlightIQ read commands');
      expect(answer).not.toContain('Staging');
    } finally {
      await listed.stop();
    }
  });

  it('refuses guests, and audits the attempt', async () => {
    await addTenant('Acme');
    expect(await run('test', guest)).toContain('You are not allowed to run FlightIQ read commands');
    const { rows } = await world.app.service.database.pool.query(
      'SELECT outcome FROM audit_events WHERE actor_id = $1 ORDER BY id DESC LIMIT 1',
      [guest],
    );
    expect(rows).toEqual([{ outcome: 'refused' }]);
  });
});

describe('reads are decided in core, at every entry', () => {
  it("refuses a guest every read (tenant list, promotions, an alert's Test again) and audits each refusal", async () => {
    await addTenant('Acme');
    const { rows: tenants } = await world.db.query("SELECT id FROM tenants WHERE name = 'Acme'");
    const tokens = world.sim.tokenRequests();
    const { rows: last } = await world.db.query('SELECT coalesce(max(id), 0) AS id FROM audit_events');
    expect(await run('tenant list', guest)).toContain('You are not allowed to run FlightIQ read commands');
    expect(await run('promotions recent', guest)).toContain(
      'You are not allowed to run FlightIQ read commands',
    );
    const click = await world.app.slack.blockAction(
      { action_id: 'alert_test_again', value: tenants[0]?.id },
      { user: guest },
    );
    expect(click.status).toBe(200);
    const answer = await world.fakeSlack.waitFor(
      () => world.fakeSlack.responsesTo(click.responseUrl).at(-1),
      15_000,
    );
    expect(JSON.stringify(answer)).toContain('You are not allowed to run FlightIQ read commands');
    // The click never reached PingOne.
    expect(world.sim.tokenRequests()).toBe(tokens);
    const { rows } = await world.db.query(
      "SELECT action, outcome, details->>'reason' AS reason FROM audit_events WHERE actor_id = $1 AND id > $2 ORDER BY id",
      [guest, last[0]?.id],
    );
    expect(rows).toEqual([
      { action: 'tenant.list', outcome: 'refused', reason: 'not a reader' },
      { action: 'promotion.list', outcome: 'refused', reason: 'not a reader' },
      { action: 'tenant.test', outcome: 'refused', reason: 'not a reader' },
    ]);
  });
});

describe('the tenant form with "test before saving"', () => {
  function formValues(secret: string) {
    const simApp = world.sim.data.applications[0];
    if (!simApp) throw new Error('no simulator app');
    return {
      name: 'Tested',
      region: 'eu',
      environmentId: simApp.environmentId,
      clientId: simApp.clientId,
      clientSecret: secret,
      authMethod: simApp.authMethod,
    };
  }

  async function submit(secret: string, testFirst: boolean) {
    const { view } = await openTenantForm(world.app.slack, world.fakeSlack, 'tenant add', admin);
    const updatesBefore = world.fakeSlack.callsOf('views.update').length;
    const reply = await submitTenantForm(world.app.slack, view, formValues(secret), admin, testFirst);
    return { reply, updatesBefore };
  }

  it('offers the test, ticked, in the form', async () => {
    const { view } = await openTenantForm(world.app.slack, world.fakeSlack, 'tenant add', admin);
    expect(JSON.stringify(view)).toContain(
      '"initial_options":[{"text":{"type":"plain_text","text":"Test the credentials: mint a token first"}',
    );
  });

  it('answers at once, mints a token, then saves and shows the tenant as tested', async () => {
    const { reply, updatesBefore } = await submit(world.sim.app().clientSecret, true);
    expect(JSON.stringify(reply.body)).toContain('Minting a worker token');
    const update = await world.fakeSlack.waitFor(
      () => world.fakeSlack.callsOf('views.update')[updatesBefore],
      15_000,
    );
    expect(JSON.stringify(update.args.view)).toContain('Tenant *Tested* added');
    const { rows } = await world.app.service.database.pool.query('SELECT last_test_outcome FROM tenants');
    expect(rows).toEqual([{ last_test_outcome: 'passed' }]);
    expect(world.fakeSlack.refusals).toEqual([]);
  });

  it('keeps the form and says so on the box when the admin already has every slot taken', async () => {
    // Three commands of the admin's running elsewhere (another replica), as the database counts them.
    await world.db.query(
      `INSERT INTO person_slots (user_id, slot, holder, expires_at)
       SELECT $1, s, gen_random_uuid(), now() + interval '1 minute' FROM generate_series(1, 3) AS s
       -- the slot of a command answered a moment ago may not be released yet: this takes it over
       ON CONFLICT (user_id, slot) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at`,
      [admin],
    );
    try {
      const tokens = world.sim.tokenRequests();
      const { reply } = await submit(world.sim.app().clientSecret, true);
      expect(reply.body).toEqual({
        response_action: 'errors',
        errors: {
          test_first: expect.stringContaining(
            'You already have 3 FlightIQ commands running that call PingOne',
          ),
        },
      });
      expect(world.sim.tokenRequests()).toBe(tokens);
      const { rows } = await world.db.query('SELECT count(*)::int AS n FROM tenants');
      expect(rows[0].n).toBe(0);
    } finally {
      await world.db.query('DELETE FROM person_slots WHERE user_id = $1', [admin]);
    }
  });

  it('does not save credentials that cannot mint a token, and says why', async () => {
    const { updatesBefore } = await submit('wrong-secret', true);
    const update = await world.fakeSlack.waitFor(
      () => world.fakeSlack.callsOf('views.update')[updatesBefore],
      15_000,
    );
    const shown = JSON.stringify(update.args.view);
    expect(shown).toContain('Not saved');
    expect(shown).toContain('PingOne refused the worker app credentials');
    expect(shown).toContain('untick');
    expect(
      (await world.app.service.database.pool.query('SELECT count(*)::int AS n FROM tenants')).rows[0].n,
    ).toBe(0);
  });

  it('saves them anyway when the admin unticks the test', async () => {
    const { reply } = await submit('wrong-secret', false);
    expect(reply.outcome).toContain('Tenant *Tested* added');
    expect(
      (await world.app.service.database.pool.query('SELECT count(*)::int AS n FROM tenants')).rows[0].n,
    ).toBe(1);
  });
});

describe('a test running while the tenant is edited', () => {
  it('shows its result, but records it neither on the edited tenant nor in its health', async () => {
    const tenant = await addTenant('Acme', 0, { clientSecret: 'wrong-secret-before-the-edit' });
    const simApp = world.sim.data.applications[0];
    if (!simApp) throw new Error('no simulator app');
    world.sim.latencyMs = 1_500;
    const tokenRequests = world.sim.tokenRequests();
    try {
      const reply = await world.app.slack.command('test Acme', { user: member });
      // The test's token request has reached PingOne; the admin fixes the secret before it answers.
      await world.fakeSlack.waitFor(() => world.sim.tokenRequests() > tokenRequests, 10_000);
      const edited = await world.app.service.services.tenants.edit(
        { userId: admin },
        tenant.id,
        tenant.version,
        {
          name: 'Acme',
          region: 'eu',
          environmentId: simApp.environmentId,
          clientId: simApp.clientId,
          clientSecret: simApp.clientSecret,
          authMethod: simApp.authMethod,
        },
      );
      expect(edited.outcome).toBe('saved');
      const shown = JSON.stringify(
        await world.fakeSlack.waitFor(() => {
          const posts = world.fakeSlack.responsesTo(reply.responseUrl);
          return JSON.stringify(posts.at(-1) ?? '').includes('Credential test') && posts.at(-1);
        }, 15_000),
      );
      expect(shown).toContain('Failed.');
      expect(shown).toContain('The tenant was edited while this test ran');
    } finally {
      world.sim.latencyMs = 0;
    }
    const { rows } = await world.db.query(
      `SELECT t.last_test_outcome, h.state FROM tenants t LEFT JOIN tenant_health h ON h.tenant_id = t.id
        WHERE t.id = $1`,
      [tenant.id],
    );
    expect(rows).toEqual([{ last_test_outcome: null, state: null }]);
    const audited = await world.db.query(
      `SELECT outcome, details FROM audit_events WHERE action = 'tenant.test' AND tenant = 'Acme' ORDER BY id DESC LIMIT 1`,
    );
    expect(audited.rows).toEqual([{ outcome: 'failed', details: { outdated: true } }]);
  });
});

describe('worker tokens after a tenant edit', () => {
  it('uses the new worker app at once, on every replica, and never the old one again', async () => {
    const second = await startTestApp({
      fakeSlack: world.fakeSlack,
      clock: world.clock,
      database: world.database,
      env: { FLIGHTIQ_ADMINS: admin, ...world.sim.env },
      jobs: { disabled: true },
    });
    try {
      const tenant = await addTenant('Acme');
      const [before, after] = [world.sim.data.applications[0], world.sim.data.applications[1]];
      if (!before || !after) throw new Error('the seed has two worker apps');
      // Both replicas hold a token of the first worker app.
      await run('envs');
      const onSecond = await second.slack.command('envs', { user: member });
      await world.fakeSlack.waitFor(() => world.fakeSlack.responsesTo(onSecond.responseUrl).at(-1), 15_000);
      const edited = await world.app.service.services.tenants.edit(
        { userId: admin },
        tenant.id,
        tenant.version,
        {
          name: 'Acme',
          region: 'eu',
          environmentId: after.environmentId,
          clientId: after.clientId,
          clientSecret: after.clientSecret,
          authMethod: after.authMethod,
        },
      );
      expect(edited.outcome).toBe('saved');
      // The old worker app is disabled in PingOne: only a stale token could still use it.
      before.enabled = false;
      const mark = world.sim.requests.length;
      await run('envs');
      const again = await second.slack.command('envs', { user: member });
      await world.fakeSlack.waitFor(() => world.fakeSlack.responsesTo(again.responseUrl).at(-1), 15_000);
      const used = world.sim.requests.slice(mark).filter((r) => r.path.startsWith('/v1/environments'));
      expect(used.length).toBeGreaterThanOrEqual(2);
      expect(new Set(used.map((r) => r.clientId))).toEqual(new Set([after.clientId]));
    } finally {
      await second.stop();
    }
  });
});

describe('/flightiq envs', () => {
  it('lists the environments the worker can see, with type, region and ID', async () => {
    await addTenant('Acme');
    const shown = await run('envs');
    for (const name of ['Administrators', 'Production', 'Staging', 'Workforce'])
      expect(shown).toContain(`*${name}*`);
    expect(shown).toContain(':large_orange_circle: PRODUCTION');
    expect(shown).toContain(world.sim.environment('Staging').id);
    expect(shown).toContain('no DaVinci');
  });

  it('reads the bill of materials wherever PingOne puts it, and lists environments when it may not read it', async () => {
    await addTenant('Acme');
    world.sim.variants = { ...world.sim.variants, billOfMaterials: 'top-level' };
    expect(await run('envs')).toContain('no DaVinci');
    // A worker that may not read the bill: DaVinci unknown, never "no", whether PingOne leaves the bill
    // out or refuses the request that asks for it.
    const worker = world.sim.app();
    worker.roleAssignments = worker.roleAssignments.filter(
      (ra) => ra.role.id !== '11111111-0000-4000-8000-0000000000a2',
    );
    for (const reading of ['omitted', 'forbidden'] as const) {
      world.sim.variants = { ...world.sim.variants, billOfMaterialsWithoutRole: reading };
      const shown = await run('envs');
      expect(shown, reading).toContain('*Workforce*');
      expect(shown, reading).not.toContain('no DaVinci');
    }
  });

  it('lists only what an environment-scoped role reaches', async () => {
    await addTenant('Poster', 1);
    const shown = await run('envs --tenant Poster');
    expect(shown).toContain('*Staging*');
    expect(shown).not.toContain('*Production*');
  });

  it('says which option is wrong', async () => {
    const reply = await world.app.slack.command('envs --tenat Acme', { user: member });
    expect(reply.text).toContain('--tenat is not an option here');
  });

  it('retries a rate limit (honouring Retry-After) and then answers', async () => {
    await addTenant('Acme');
    world.sim.fail(/^\/v1\/environments$/, { status: 429, retryAfter: '1' });
    const reply = await world.app.slack.command('envs', { user: member });
    // First the progress message says it waits, then the answer replaces it.
    const answers = await world.fakeSlack.waitFor(() => {
      const posts = world.fakeSlack.responsesTo(reply.responseUrl).map((post) => JSON.stringify(post));
      return posts.some((post) => post.includes('*Staging*')) && posts;
    }, 15_000);
    expect(answers[0]).toContain("PingOne's rate limit was reached: waiting 1 s");
    expect(answers.at(-1)).toContain('*Staging*');
  });

  it('says PingOne is rate limiting, after retrying, when it keeps on', async () => {
    await addTenant('Acme');
    world.sim.fail(/^\/v1\/environments$/, { status: 429, retryAfter: '0' }, { times: 10 });
    const shown = await run('envs');
    expect(shown).toContain('PingOne rate limit reached');
    expect(shown).toContain('again after FlightIQ waited 9 time(s) as PingOne asked');
  });

  it('200 concurrent commands for one tenant make exactly one token request', async () => {
    await addTenant('Acme');
    const before = world.sim.tokenRequests();
    // Two hundred people: one person may only have a few commands running at once.
    const people = Array.from({ length: 200 }, (_, i) => `U0CROWD${String(i).padStart(4, '0')}`);
    for (const person of people) world.fakeSlack.users.set(person, { id: person });
    const replies = await Promise.all(people.map((user) => world.app.slack.command('envs', { user })));
    await world.fakeSlack.waitFor(
      () => replies.every((reply) => world.fakeSlack.responsesTo(reply.responseUrl).length >= 1),
      60_000,
    );
    const answers = replies.map((reply) => JSON.stringify(world.fakeSlack.responsesTo(reply.responseUrl)));
    expect(answers.filter((answer) => answer.includes('*Staging*'))).toHaveLength(200);
    expect(world.sim.tokenRequests() - before).toBe(1);
  }, 90_000);
});

describe('fair use of PingOne', () => {
  const pingoneCalls = () => world.sim.requests.length;
  /** The latest answer on a command's response URL, as JSON ('' before the first). */
  const latest = (reply: { responseUrl: string }) =>
    JSON.stringify(world.fakeSlack.responsesTo(reply.responseUrl).at(-1) ?? '');
  const isBusy = (reply: { responseUrl: string }) => latest(reply).includes('Busy: try again in a moment');

  it("answers one person's 200 concurrent tests with one checklist, and tells the rest to try again", async () => {
    await addTenant('Acme');
    const once = pingoneCalls();
    const single = await world.app.slack.command('test', { user: member });
    await world.fakeSlack.waitFor(() => world.fakeSlack.responsesTo(single.responseUrl).at(-1), 15_000);
    const perChecklist = pingoneCalls() - once;

    world.sim.latencyMs = 150;
    // How many of the person's slots were held at once, sampled from the database while they run.
    let mostHeld = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const { rows } = await world.db.query('SELECT count(*)::int AS n FROM person_slots');
        mostHeld = Math.max(mostHeld, rows[0].n);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    try {
      const before = pingoneCalls();
      const replies = await Promise.all(
        Array.from({ length: 200 }, () => world.app.slack.command('test', { user: member })),
      );
      // Every one is acknowledged at once; the count is taken after, where every replica sees it.
      for (const reply of replies) expect(reply.text).toContain('Testing the worker app credentials');
      await world.fakeSlack.waitFor(
        () => replies.every((reply) => isBusy(reply) || latest(reply).includes('*Passed.*')),
        30_000,
      );
      const busy = replies.filter(isBusy);
      const ran = replies.length - busy.length;
      expect(ran).toBeGreaterThanOrEqual(1);
      expect(mostHeld).toBeGreaterThanOrEqual(1);
      expect(mostHeld).toBeLessThanOrEqual(3);
      // Most were turned away before PingOne; the ones that ran at the same time joined one checklist.
      expect(busy.length).toBeGreaterThanOrEqual(150);
      expect(latest(busy[0] ?? { responseUrl: '' })).toContain(
        'You already have 3 FlightIQ commands running that call PingOne',
      );
      expect(pingoneCalls() - before).toBeLessThanOrEqual(perChecklist * ran);
      await waitForSlots(0);
    } finally {
      sampling = false;
      await sampler;
      world.sim.latencyMs = 0;
    }
  }, 60_000);

  it('frees the slots when the commands end, and counts each person apart', async () => {
    await addTenant('Acme');
    const other = 'U0OTHER0001';
    world.fakeSlack.users.set(other, { id: other });
    world.sim.latencyMs = 150;
    try {
      const first = await Promise.all(
        Array.from({ length: 4 }, () => world.app.slack.command('envs', { user: member })),
      );
      const theirs = await world.app.slack.command('envs', { user: other });
      const all = [...first, theirs];
      await world.fakeSlack.waitFor(
        () => all.every((reply) => isBusy(reply) || latest(reply).includes('*Staging*')),
        15_000,
      );
      expect(first.filter(isBusy)).toHaveLength(1);
      expect(isBusy(theirs)).toBe(false);
      const again = await world.app.slack.command('envs', { user: member });
      await world.fakeSlack.waitFor(() => latest(again).includes('*Staging*') || isBusy(again), 15_000);
      expect(isBusy(again)).toBe(false);
    } finally {
      world.sim.latencyMs = 0;
    }
  }, 30_000);

  it('counts across replicas, and counts the buttons that call PingOne', async () => {
    const tenant = await addTenant('Acme');
    const second = await startTestApp({
      fakeSlack: world.fakeSlack,
      clock: world.clock,
      database: world.database,
      env: { FLIGHTIQ_ADMINS: admin, FLIGHTIQ_COMMANDS_PER_PERSON: '1', ...world.sim.env },
      jobs: { disabled: true },
    });
    world.sim.latencyMs = 400;
    try {
      // One replica runs the person's only command; the other finds the slot taken.
      const running = await world.app.slack.command('envs', { user: member });
      await waitForSlots(1);
      const elsewhere = await second.slack.command('test', { user: member });
      await world.fakeSlack.waitFor(() => isBusy(elsewhere), 10_000);
      expect(latest(elsewhere)).toContain('You already have a FlightIQ command running that calls PingOne');
      // Test again on a credential alert calls PingOne too.
      const click = await second.slack.blockAction(
        { action_id: 'alert_test_again', value: tenant.id },
        { user: member, channel: 'C0ALERTS01' },
      );
      await world.fakeSlack.waitFor(() => isBusy(click), 10_000);
      await world.fakeSlack.waitFor(() => latest(running).includes('*Staging*'), 15_000);
      await waitForSlots(0);
    } finally {
      world.sim.latencyMs = 0;
      await second.stop();
    }
  }, 40_000);
});

async function waitForSlots(count: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { rows } = await world.db.query('SELECT count(*)::int AS n FROM person_slots');
    if (rows[0].n === count) return;
    if (Date.now() > deadline) throw new Error(`${rows[0].n} person slots held, never ${count}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('a canary client secret', () => {
  it('never appears in logs, Slack calls or replies while testing and listing', async () => {
    const canary = `canary-p1-${Date.now()}`;
    const simApp = world.sim.data.applications[0];
    if (!simApp) throw new Error('no simulator app');
    simApp.clientSecret = canary;
    await addTenant('Canary', 0, { clientSecret: canary });
    await run('test');
    await run('envs');
    simApp.clientSecret = 'changed';
    await run('test');
    const everything = [
      world.app.logs.join('\n'),
      JSON.stringify(world.fakeSlack.calls),
      JSON.stringify(world.fakeSlack.responses),
    ].join('\n');
    for (const form of [canary, Buffer.from(canary).toString('base64'), encodeURIComponent(canary)]) {
      expect(everything).not.toContain(form);
    }
    // Nor the Basic credentials built from it.
    expect(everything).not.toContain(Buffer.from(`${simApp.clientId}:${canary}`).toString('base64'));
  });
});
