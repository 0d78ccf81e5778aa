import { beforeAll, describe, expect, it } from 'vitest';
import { useWorld } from '../support/world.js';

const admin = 'U0ADMIN0001';
const member = 'U0MEMBER001';
const flooder = 'U0FLOODER01';

const world = useWorld({
  users: { [member]: {}, [flooder]: {} },
  env: { FLIGHTIQ_ADMINS: admin },
  withoutSimulator: true,
});

// One tenant (with a canary secret) for the whole file, so the trail has an event to show.
beforeAll(async () => {
  await world.app.service.services.tenants.add(
    { userId: admin },
    {
      name: 'Acme',
      region: 'eu',
      environmentId: 'aa11aa11-0000-4000-8000-000000000001',
      clientId: '5e0f1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b',
      clientSecret: 'audit-canary-secret-9f8e7d6c',
      authMethod: 'client_secret_basic',
    },
  );
});

async function run(text: string, user: string) {
  const reply = await world.app.slack.command(text, { user });
  return {
    reply,
    shown: (await world.fakeSlack.waitFor(
      () => world.fakeSlack.responsesTo(reply.responseUrl).at(-1),
      10_000,
    )) as {
      text: string;
      blocks: { type: string; elements?: { action_id: string; value: string }[] }[];
    },
  };
}

describe('/flightiq audit', () => {
  it('shows admins the latest events, readable, and sends the CSV to them in a DM; never a secret', async () => {
    const { shown } = await run('audit 5', admin);
    const text = JSON.stringify(shown.blocks);
    expect(text).toContain('Audit trail: latest');
    expect(text).toContain('<@U0ADMIN0001>');
    expect(text).toContain('`tenant.add`');
    expect(text).toContain('Acme');

    const csvButton = shown.blocks.find((b) => b.type === 'actions')?.elements?.[0];
    const click = await world.app.slack.blockAction(
      { action_id: 'audit_csv', value: csvButton?.value ?? '' },
      { user: admin },
    );
    const sent = await world.fakeSlack.waitFor(
      () => world.fakeSlack.responsesTo(click.responseUrl).at(-1),
      10_000,
    );
    expect(JSON.stringify(sent)).toContain('to you in a direct message');
    const file = world.fakeSlack.files.at(-1);
    expect(file?.channel).toBe('D0ADMIN0001');
    expect(file?.content.split('\n')[0]).toBe('Time,Slack user,Team,Action,Tenant,Outcome,Details');
    expect(file?.content).toContain(',U0ADMIN0001,');
    const everything =
      JSON.stringify(world.fakeSlack.calls) +
      JSON.stringify(world.fakeSlack.responses) +
      JSON.stringify(world.fakeSlack.files) +
      world.app.logs.join('\n');
    expect(everything).not.toContain('audit-canary-secret-9f8e7d6c');
  });

  it('refuses everyone else, and audits the attempt', async () => {
    const { shown } = await run('audit', member);
    expect(shown.text).toContain('Only FlightIQ admins can read the audit trail');
    const click = await world.app.slack.blockAction(
      { action_id: 'audit_csv', value: 'latest' },
      { user: member },
    );
    const refused = await world.fakeSlack.waitFor(
      () => world.fakeSlack.responsesTo(click.responseUrl).at(-1),
      10_000,
    );
    expect(JSON.stringify(refused)).toContain('Only FlightIQ admins');
    const { rows } = await world.app.service.database.pool.query(
      "SELECT count(*)::int AS n FROM audit_events WHERE actor_id = $1 AND outcome = 'refused' AND action LIKE 'audit.%'",
      [member],
    );
    expect(rows[0].n).toBe(2);
  });

  it('explains a bad count or filter, naming it', async () => {
    expect((await world.app.slack.command('audit lots', { user: admin })).text).toContain(
      'a whole number from 1 to 50',
    );
    expect((await world.app.slack.command('audit --since yesterday', { user: admin })).text).toContain(
      '--since takes an age such as 30m, 24h or 7d',
    );
    expect((await world.app.slack.command('audit --outcome maybe', { user: admin })).text).toContain(
      '--outcome is one of succeeded, refused, failed',
    );
    expect((await world.app.slack.command('audit --since 1d --until 2d', { user: admin })).text).toContain(
      '--until must be a shorter age than --since',
    );
  });
});

/** Waits out the end of the database's hour when it is near: refusals are counted per person per hour. */
async function clearOfTheHour(): Promise<void> {
  const { rows } = await world.db.query(
    `SELECT extract(epoch FROM date_trunc('hour', now(), 'UTC') + interval '1 hour' - now())::float AS left`,
  );
  if (rows[0].left < 30) await new Promise((resolve) => setTimeout(resolve, rows[0].left * 1000 + 500));
}

describe('a flood of refusals', () => {
  it("lists a person's first 10 refusals of an hour and counts the rest, so real events stay in sight", async () => {
    await clearOfTheHour();
    const replies = await Promise.all(
      Array.from({ length: 40 }, () => world.app.slack.command('audit', { user: flooder })),
    );
    expect(replies.every((reply) => reply.status === 200)).toBe(true);
    await world.fakeSlack.waitFor(
      () => replies.every((reply) => world.fakeSlack.responsesTo(reply.responseUrl).length > 0),
      20_000,
    );
    const { rows } = await world.db.query(
      "SELECT count(*)::int AS n FROM audit_events WHERE actor_id = $1 AND outcome = 'refused'",
      [flooder],
    );
    expect(rows[0].n).toBe(10);

    const { shown } = await run('audit 20', admin);
    const text = JSON.stringify(shown.blocks);
    expect(text).toContain('`tenant.add`');
    expect(text).toContain(
      '<@U0FLOODER01>  30 more refusals in that hour, counted but not listed one by one',
    );
    expect(text).toContain('`audit.read` ×40');
    expect(text.match(/<@U0FLOODER01>/g)).toHaveLength(11);

    const csvButton = shown.blocks.find((b) => b.type === 'actions')?.elements?.[0];
    await world.app.slack.blockAction(
      { action_id: 'audit_csv', value: csvButton?.value ?? '' },
      { user: admin },
    );
    const file = await world.fakeSlack.waitFor(() =>
      world.fakeSlack.files.find((f) => f.content.includes('audit.refusals_counted')),
    );
    expect(file.content).toContain('""notListed"":30');
  });
});

describe('filters', () => {
  it('by action family, outcome and age, in the list and in its CSV', async () => {
    await world.db.query(
      `INSERT INTO audit_events (occurred_at, actor_id, action, tenant, outcome)
       VALUES (now() - interval '3 hours', $1, 'tenant.edit', 'Acme', 'succeeded')`,
      [admin],
    );
    const lines = (shown: { blocks: unknown[] }) => JSON.stringify(shown.blocks);

    const tenantOnly = lines((await run('audit 50 --action tenant', admin)).shown);
    expect(tenantOnly).toContain('Only action tenant');
    expect(tenantOnly).toContain('`tenant.add`');
    expect(tenantOnly).toContain('`tenant.edit`');
    expect(tenantOnly).not.toContain('`audit.read`');

    const recent = lines((await run('audit 50 --action tenant --since 1h', admin)).shown);
    expect(recent).toContain('`tenant.add`');
    expect(recent).not.toContain('`tenant.edit`');

    const older = (await run('audit 50 --until 2h', admin)).shown;
    expect(lines(older)).toContain('`tenant.edit`');
    expect(lines(older)).not.toContain('`tenant.add`');

    const refusals = lines((await run('audit 50 --outcome refused --action audit.read', admin)).shown);
    expect(refusals).toContain('`audit.read`');
    expect(refusals).not.toContain('`tenant.');

    const csvButton = older.blocks.find((b) => b.type === 'actions')?.elements?.[0];
    expect(csvButton?.value).toBe('--until 2h');
    const click = await world.app.slack.blockAction(
      { action_id: 'audit_csv', value: csvButton?.value ?? '' },
      { user: admin },
    );
    expect(
      JSON.stringify(
        await world.fakeSlack.waitFor(() => world.fakeSlack.responsesTo(click.responseUrl).at(-1), 10_000),
      ),
    ).toContain('(1 event, until 2h ago)');
    const file = world.fakeSlack.files.at(-1);
    expect(file?.content.split('\n').filter((line) => line.trim() !== '')).toHaveLength(2);
    expect(file?.content).toContain(',tenant.edit,Acme,succeeded,');
  });

  it('say when nothing matches', async () => {
    const { shown } = await run('audit --action nothing.here', admin);
    expect(JSON.stringify(shown.blocks)).toContain('Nothing recorded matches.');
  });
});
