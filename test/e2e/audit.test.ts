import { beforeAll, describe, expect, it } from 'vitest';
import { useWorld } from '../support/world.js';

const admin = 'U0ADMIN0001';
const member = 'U0MEMBER001';

const world = useWorld({
  users: { [member]: {} },
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

  it('explains a bad count', async () => {
    const reply = await world.app.slack.command('audit lots', { user: admin });
    expect(reply.text).toContain('a whole number from 1 to 50');
  });
});
