import { beforeEach, describe, expect, it } from 'vitest';
import { listsKeptPerPerson, maxListBytes } from '../../src/core/listing/artifact-listing.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { type Shown, useWorld } from '../support/world.js';

const admin = 'U0ADMIN0001';
const member = 'U0MEMBER001';
const other = 'U0OTHER0001';
const staging = 'bb22bb22-0000-4000-8000-000000000002';
const tenantSecret = 'sim-secret-0123456789abcdefghijklmnopqrstuvwxyzABCDEF';

const world = useWorld({
  users: { [member]: {}, [other]: {} },
  env: { FLIGHTIQ_ADMINS: admin },
  fresh: { tables: ['tenants'], tenant: 'Acme' },
  admin,
});

function startApp(): Promise<TestApp> {
  return startTestApp({
    fakeSlack: world.fakeSlack,
    clock: world.clock,
    database: world.database,
    env: { FLIGHTIQ_ADMINS: admin, ...world.sim.env },
  });
}

async function lastResponse(responseUrl: string): Promise<Shown> {
  return (await world.fakeSlack.waitFor(
    () => world.fakeSlack.responsesTo(responseUrl).at(-1),
    15_000,
  )) as Shown;
}

/** Runs a command; returns what the user finally sees. */
function run(text: string, user = member): Promise<Shown> {
  return world.answer(text, user, 15_000);
}

/** Text lines of the list's sections, one per item. */
function items(shown: Shown): string[] {
  return shown.blocks
    .filter((block) => block.type === 'section')
    .flatMap((block) => String((block.text as { text: string }).text).split('\n'));
}

function button(shown: Shown, actionId: string): { action_id: string; value: string } {
  const actions = shown.blocks.find((block) => block.type === 'actions');
  const found = (actions?.elements as { action_id: string; value: string }[] | undefined)?.find(
    (element) => element.action_id === actionId,
  );
  if (!found) throw new Error(`no ${actionId} button in ${JSON.stringify(shown.blocks)}`);
  return found;
}

async function click(shown: Shown, actionId: string, user = member): Promise<Shown> {
  const reply = await world.app.slack.blockAction(button(shown, actionId), { user });
  expect(reply.status).toBe(200);
  return lastResponse(reply.responseUrl);
}

function variables(count: number) {
  return Array.from({ length: count }, (_, i) => ({
    id: `33333333-0000-4000-8000-${String(i).padStart(12, '0')}`,
    name: `var${String(i).padStart(5, '0')}`,
    context: 'company',
    dataType: i % 10 === 0 ? 'secret' : 'string',
    value: i % 10 === 0 ? '******' : `value-${i}`,
    mutable: true,
    environment: { id: staging },
  }));
}

describe('/flightiq list, each kind from the simulator', () => {
  const expected: Record<string, string[]> = {
    flows: [
      '*Password reset (draft)*  ·  enabled  ·  current version 1  ·  never deployed',
      '*Registration*  ·  disabled  ·  current version 2  ·  published version 2  ·  deployed <!date^',
      '*Sign in*  ·  enabled  ·  current version 4  ·  published version 3  ·  deployed <!date^',
    ],
    variables: [
      '*retryCount*  ·  context flow  ·  type number  ·  value 3',
      '*smtpPassword*  ·  context company  ·  type secret  ·  value _secret, not shown_',
      '*var1*  ·  context company  ·  type string  ·  value v1',
      '*var2*',
      '*var3*',
    ],
    connectors: ['*HTTP*  ·  connector httpConnector', '*PingOne SSO*  ·  connector pingOneSSOConnector'],
    apps: ['*Customer portal*  ·  flow policies 2'],
    forms: ['*Sign On*  ·  fields 3'],
    templates: [
      '*General*  ·  delivery methods Email, SMS',
      '*Strong Authentication*  ·  delivery methods Email, SMS, Voice, Push',
    ],
    attributes: [
      '*email*  ·  type STRING  ·  optional  ·  not unique',
      '*loyaltyTier*  ·  type STRING  ·  optional  ·  not unique',
      '*username*  ·  type STRING  ·  required  ·  unique',
    ],
    // Certificates and keys together, soonest expiry first; keys are marked as keys.
    certificates: [
      '*Old TLS*  ·  type certificate  ·  subject CN=old.example.com  ·  :x: *expired* <!date^',
      '*Token signing*  ·  type signing key  ·  subject CN=Token signing, O=Example  ·  expires <!date^',
      '*ID token encryption*  ·  type encryption key  ·  subject CN=ID token encryption, O=Example  ·  expires <!date^',
      '*SAML signing*  ·  type certificate  ·  subject CN=login.example.com, O=Example  ·  expires <!date^',
    ],
  };

  for (const [kind, lines] of Object.entries(expected)) {
    it(`${kind}: a readable line per item, sorted, with no secret`, async () => {
      const shown = await run(`list ${kind} --env Staging`);
      const headerText = JSON.stringify(shown.blocks[0]);
      expect(headerText).toContain('in Staging');
      const listed = items(shown);
      expect(listed).toHaveLength(lines.length);
      for (const [i, line] of lines.entries()) expect(listed[i]).toContain(line);
      const everything = JSON.stringify(world.fakeSlack.responses) + world.app.logs.join('\n');
      for (const secret of ['******', 'CANARY', tenantSecret]) expect(everything).not.toContain(secret);
    });
  }

  it("marks a key as expiring once its time comes, counted by core's clock", async () => {
    // The sample token signing key expires 395 days after the simulator started.
    world.clock.advanceDays(380);
    const token = items(await run('list certificates --env Staging')).find((line) =>
      line.includes('Token signing'),
    );
    expect(token).toContain(':warning: *expires <!date^');
    expect(token).toMatch(/\(in 1[45] days\)/);
    world.clock.advanceDays(20);
    const later = items(await run('list certificates --env Staging')).find((line) =>
      line.includes('Token signing'),
    );
    expect(later).toContain(':x: *expired* <!date^');
  });

  it('sends the CSV with a comment whose names from PingOne are escaped', async () => {
    const env = world.sim.data.environments.find((candidate) => candidate.name === 'Staging');
    if (env) env.name = 'Staging <!here>';
    const shown = await run('list variables --env Staging');
    const reply = await world.app.slack.blockAction(button(shown, 'list_csv'), { user: member });
    await lastResponse(reply.responseUrl);
    const file = world.fakeSlack.files.at(-1);
    expect(file?.initialComment).toContain('in Staging &lt;!here&gt; (tenant Acme)');
    expect(file?.initialComment).not.toContain('<!here>');
  });

  it("follows PingOne's next links for every kind, documented paging or not", async () => {
    world.sim.pageSize = 1;
    for (const [kind, lines] of Object.entries(expected)) {
      expect(items(await run(`list ${kind} --env Staging`)), kind).toHaveLength(lines.length);
    }
  });

  it('asks PingOne only for the flow fields it shows, and counts flow policies per application', async () => {
    await run('list flows --env Staging');
    expect(world.sim.requests.some((r) => r.path.includes('/flows?attributes=id,name,enabled'))).toBe(true);
    await run('list apps --env Staging');
    expect(
      world.sim.requests.some((r) =>
        r.path.endsWith('/davinciApplications/a1a2a3a4a5a6a7a8a9a0b1b2b3b4b5b6/flowPolicies'),
      ),
    ).toBe(true);
  });

  it('narrows the list with filter words (every word must match)', async () => {
    expect(items(await run('list variables --env Staging var'))).toHaveLength(3);
    expect(items(await run('list variables --env Staging VAR 2'))).toEqual([
      expect.stringContaining('*var2*'),
    ]);
    const none = await run('list variables --env Staging nothing-like-this');
    expect(JSON.stringify(none.blocks)).toContain('No DaVinci variables in *Staging* matching');
  });
});

describe('/flightiq list, choosing the environment', () => {
  it('accepts an ID, a name in any case, or a unique prefix', async () => {
    for (const env of [staging, 'STAGING', 'stag']) {
      expect(JSON.stringify((await run(`list forms --env ${env}`)).blocks[0])).toContain(
        'PingOne forms in Staging',
      );
    }
  });

  it('lists the candidates for an unknown or ambiguous name', async () => {
    const unknown = await run('list flows --env Nope');
    expect(unknown.text).toContain('no environment named "Nope"');
    expect(JSON.stringify(unknown.blocks)).toContain('*Production*');
    world.sim.data.environments.push({
      ...world.sim.environment('Staging'),
      id: 'ee55ee55-0000-4000-8000-000000000005',
      name: 'Staging EU',
    });
    const ambiguous = await run('list flows --env stag');
    expect(ambiguous.text).toContain('could mean more than one environment');
    expect(JSON.stringify(ambiguous.blocks)).toContain('*Staging EU*');
    // The whole name still picks one.
    expect(JSON.stringify((await run('list flows --env staging')).blocks[0])).toContain('in Staging');
  });

  it('says when the environment has no DaVinci, without asking PingOne for flows', async () => {
    const shown = await run('list flows --env Workforce');
    expect(shown.text).toContain('*Workforce* has no DaVinci');
    expect(
      world.sim.requests.some((r) => r.path.includes('dd44dd44-0000-4000-8000-000000000004/flows')),
    ).toBe(false);
  });

  it('reads what Slack escaped in the command: --env "R&D" finds the environment named R&D', async () => {
    world.sim.environment('Staging').name = 'R&D';
    const shown = await run('list variables --env "R&D"');
    expect(shown.text).toContain('in R&amp;D');
    expect(items(shown)).toHaveLength(5);
  });

  it('clamps a forged page number (1e300) to the last page instead of failing', async () => {
    world.sim.data.collections[staging] = {
      ...world.sim.data.collections[staging],
      variables: variables(120),
    };
    const first = await run('list variables --env Staging');
    const next = button(first, 'list_page_next');
    const forged = JSON.stringify({ ...JSON.parse(next.value), p: 1e300 });
    const reply = await world.app.slack.blockAction(
      { action_id: 'list_page_next', value: forged },
      { user: member },
    );
    const shown = (await world.fakeSlack.waitFor(
      () => world.fakeSlack.responsesTo(reply.responseUrl).at(-1),
      15_000,
    )) as Shown;
    expect(JSON.stringify(shown.blocks)).toContain('page 3 of 3');
    expect(items(shown)).toHaveLength(20);
    expect(JSON.stringify(shown)).not.toContain('Sorry, FlightIQ failed');
  });

  it('reads the bill of materials at the top level too (the generated spec), and says so in one line', async () => {
    world.sim.variants = { ...world.sim.variants, billOfMaterials: 'top-level' };
    const shown = await run('list flows --env Workforce');
    expect(shown.blocks).toHaveLength(1);
    expect(shown.text).toContain('*Workforce* has no DaVinci');
  });

  it('does not call DaVinci missing when the bill of materials is unreadable: it asks, and names both causes', async () => {
    // The worker cannot read the bill, so nobody knows whether Workforce has DaVinci.
    const worker = world.sim.app();
    worker.roleAssignments = worker.roleAssignments.filter(
      (ra) => ra.role.id !== '11111111-0000-4000-8000-0000000000a2',
    );
    for (const reading of ['omitted', 'forbidden'] as const) {
      world.sim.variants = { ...world.sim.variants, billOfMaterialsWithoutRole: reading };
      const shown = JSON.stringify(await run('list flows --env Workforce'));
      expect(shown, reading).not.toContain('has no DaVinci');
      expect(shown, reading).toContain('or DaVinci is not enabled in that environment');
      expect(
        world.sim.requests.some((r) => r.path.includes('dd44dd44-0000-4000-8000-000000000004/flows')),
        reading,
      ).toBe(true);
    }
  });

  it('names the missing role', async () => {
    const worker = world.sim.app();
    worker.roleAssignments = worker.roleAssignments.filter((ra) => ra.scope.id !== staging);
    const davinci = JSON.stringify(await run('list variables --env Staging'));
    expect(davinci).toContain('The worker app is missing a role');
    expect(davinci).toContain(
      'needs the DaVinci Admin Read Only (or DaVinci Admin) role on that environment',
    );
    // Configuration Read Only and Environment Admin both read identity data.
    worker.roleAssignments = worker.roleAssignments.filter(
      (ra) =>
        !['11111111-0000-4000-8000-0000000000a3', '11111111-0000-4000-8000-0000000000a2'].includes(
          ra.role.id,
        ),
    );
    const identity = JSON.stringify(await run('list certificates --env Staging'));
    expect(identity).toContain('needs the Configuration Read Only (or Environment Admin) role');
  });

  it('says PingOne kept rate limiting, and that it retried', async () => {
    world.sim.fail(/\/variables$/, { status: 429, retryAfter: '0' }, { times: 10 });
    const shown = JSON.stringify(await run('list variables --env Staging'));
    expect(shown).toContain('PingOne rate limit reached');
    expect(shown).toContain('again after FlightIQ waited 9 time(s) as PingOne asked');
  });

  it('keeps its deadline when PingOne hangs, and says so', async () => {
    world.sim.fail(/\/variables$/, { delayMs: 20_000 }, { times: 10 });
    const started = Date.now();
    const shown = JSON.stringify(await run('list variables --env Staging'));
    expect(shown).toContain('PingOne did not answer in time');
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it("says in its progress message that it waits for PingOne's rate limit, then answers", async () => {
    world.sim.fail(/\/variables$/, { status: 429, retryAfter: '2' }, { times: 1 });
    const reply = await world.app.slack.command('list variables --env Staging', { user: member });
    const [waiting, final] = (await world.fakeSlack.waitFor(() => {
      const posts = world.fakeSlack.responsesTo(reply.responseUrl);
      return posts.length >= 2 && posts;
    }, 15_000)) as Shown[];
    expect(items(final as Shown)).toHaveLength(5);
    const shown = [waiting, final].map((r) => (r as Shown).text);
    expect(shown).toEqual([
      ":hourglass_flowing_sand: Reading DaVinci variables…\nPingOne's rate limit was reached: waiting 2 s, as PingOne asked, then trying again.",
      (final as Shown).text,
    ]);
  });

  it('recovers from a short rate limit without the user noticing', async () => {
    world.sim.fail(/\/variables$/, { status: 429, retryAfter: '0' }, { times: 1 });
    expect(items(await run('list variables --env Staging'))).toHaveLength(5);
  });
});

describe('/flightiq list, usage', () => {
  it('explains what is missing or wrong', async () => {
    const none = await world.app.slack.command('list', { user: member });
    expect(none.text).toContain('Say what to list');
    const kind = await world.app.slack.command('list widgets --env Staging', { user: member });
    expect(kind.text).toContain('\\"widgets\\" is not something FlightIQ lists');
    expect(kind.text).toContain(
      'flows, variables, connectors, apps, forms, templates, attributes, certificates',
    );
    const env = await world.app.slack.command('list flows', { user: member });
    expect(env.text).toContain('Name the environment with `--env <name or ID>`');
    const option = await world.app.slack.command('list flows --env', { user: member });
    expect(option.text).toContain('--env needs a value');
  });

  it('refuses guests, like every read command', async () => {
    world.fakeSlack.users.set('U0GUEST0001', { id: 'U0GUEST0001', is_restricted: true });
    const shown = await run('list flows --env Staging', 'U0GUEST0001');
    expect(shown.text).toContain('not allowed to run FlightIQ read commands');
  });
});

describe('/flightiq list at 5,000 items', () => {
  beforeEach(() => {
    world.sim.data.collections[staging] = {
      ...world.sim.data.collections[staging],
      variables: variables(5000),
    };
  });

  it('reads every page, pages through them with buttons, and downloads all of them as CSV', async () => {
    const before = world.sim.requests.length;
    const first = await run('list variables --env Staging');
    const pages = world.sim.requests.slice(before).filter((r) => r.path.includes('/variables'));
    expect(pages).toHaveLength(10);
    expect(JSON.stringify(first.blocks)).toContain('5,000 items');
    expect(JSON.stringify(first.blocks)).toContain('page 1 of 100');
    expect(items(first)).toHaveLength(50);
    expect(items(first)[0]).toContain(
      '*var00000*  ·  context company  ·  type secret  ·  value _secret, not shown_',
    );

    const second = await click(first, 'list_page_next');
    expect(JSON.stringify(second.blocks)).toContain('page 2 of 100');
    expect(items(second)[0]).toContain('*var00050*');
    const back = await click(second, 'list_page_previous');
    expect(items(back)[0]).toContain('*var00000*');

    const reply = await world.app.slack.blockAction(button(first, 'list_csv'), { user: member });
    const notice = await lastResponse(reply.responseUrl);
    expect(notice.text).toContain('(5000 rows) to you in a direct message');
    const file = world.fakeSlack.files.at(-1);
    expect(file?.channel).toBe(`D${member.slice(1)}`);
    expect(file?.filename).toMatch(/^flightiq-variables-Staging-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = file?.content.trimEnd().split('\n') ?? [];
    expect(lines).toHaveLength(5001);
    expect(lines[0]).toBe('ID,Name,Context,Type,Value,Flow ID');
    expect(lines[1]).toBe(
      '33333333-0000-4000-8000-000000000000,var00000,company,secret,"(secret, not shown)",',
    );
    expect(lines[2]).toBe('33333333-0000-4000-8000-000000000001,var00001,company,string,value-1,');
    expect(file?.content).not.toContain('******');
  });

  it('keeps the list in the database: the buttons work after a restart, for the person who ran it only', async () => {
    const first = await run('list variables --env Staging');
    await world.app.stop();
    world.app = await startApp();
    const second = await click(first, 'list_page_next');
    expect(items(second)[0]).toContain('*var00050*');

    const refused = await click(first, 'list_page_next', other);
    expect(refused.text).toContain('Only the person who ran this list');
    const csv = await click(first, 'list_csv', other);
    expect(csv.text).toContain('Only the person who ran this list');
  });

  it("stops paging a day after the list was made, by core's clock", async () => {
    const first = await run('list variables --env Staging');
    world.clock.advance(23 * 3_600_000);
    expect(items(await click(first, 'list_page_next'))[0]).toContain('*var00050*');
    world.clock.advance(2 * 3_600_000);
    expect((await click(first, 'list_page_next')).text).toContain('no longer kept');
  });

  it('treats a forged or unknown list as expired', async () => {
    for (const value of [
      '{"s":"not-a-uuid","p":1}',
      '{"s":"0e6a4b5c-1111-4222-8333-944455556666","p":1}',
      'garbage',
    ]) {
      const reply = await world.app.slack.blockAction(
        { action_id: 'list_page_next', value },
        { user: member },
      );
      expect((await lastResponse(reply.responseUrl)).text).toContain('no longer kept');
    }
  });
});

describe('what one person can make FlightIQ keep', () => {
  it(`keeps a person's newest ${listsKeptPerPerson} lists; an older list's buttons say it is no longer kept`, async () => {
    world.sim.data.collections[staging] = {
      ...world.sim.data.collections[staging],
      variables: variables(120),
    };
    const lists: Shown[] = [];
    for (let i = 0; i < listsKeptPerPerson + 2; i++)
      lists.push(await run('list variables --env Staging', other));
    const { rows } = await world.db.query(
      'SELECT count(*)::int AS n FROM list_snapshots WHERE owner_id = $1',
      [other],
    );
    expect(rows[0].n).toBe(listsKeptPerPerson);
    expect((await click(lists[0] as Shown, 'list_page_next', other)).text).toContain('no longer kept');
    expect((await click(lists[1] as Shown, 'list_page_next', other)).text).toContain('no longer kept');
    expect(items(await click(lists[2] as Shown, 'list_page_next', other))[0]).toContain('*var00050*');
    expect(items(await click(lists.at(-1) as Shown, 'list_page_next', other))[0]).toContain('*var00050*');
  });

  it('cuts a list larger than one may be, says how many it left out, and stores no more than the cap', async () => {
    // 3,000 variables of 1,000 characters each: about 3 MB of rows.
    world.sim.data.collections[staging] = {
      ...world.sim.data.collections[staging],
      variables: variables(3000).map((variable) => ({
        ...variable,
        dataType: 'string',
        value: `${variable.name}-${'x'.repeat(990)}`,
      })),
    };
    const shown = await run('list variables --env Staging');
    const { rows } = await world.db.query(
      'SELECT total, left_out, bytes, jsonb_array_length(rows) AS n FROM list_snapshots ORDER BY created_at DESC LIMIT 1',
    );
    const [kept] = rows as { total: number; left_out: number; bytes: number; n: number }[];
    expect(kept?.left_out).toBeGreaterThan(0);
    expect((kept?.total ?? 0) + (kept?.left_out ?? 0)).toBe(3000);
    expect(kept?.n).toBe(kept?.total);
    expect(kept?.bytes).toBeGreaterThan(maxListBytes - 2_000);
    expect(kept?.bytes).toBeLessThanOrEqual(maxListBytes);
    expect(JSON.stringify(shown.blocks)).toContain(
      `${kept?.left_out.toLocaleString('en-US')} more matched than FlightIQ keeps for one list; add filter words to narrow it.`,
    );
  });
});
