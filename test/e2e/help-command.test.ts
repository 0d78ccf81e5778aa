import { describe, expect, it } from 'vitest';
import { useWorld } from '../support/world.js';

const world = useWorld({
  withoutSimulator: true,
  handlers: {
    test: async ({ ack }) => {
      await ack();
      throw new Error('simulated failure at db.internal:5432 with token xoxb-should-not-leak');
    },
    envs: async () => {
      throw new Error('failure before the acknowledgement');
    },
  },
});

function textOf(blocks: unknown): string {
  return JSON.stringify(blocks);
}

describe('/flightiq help over the real HTTP receiver', () => {
  it('answers with a Block Kit usage message listing every sub-command of the design', async () => {
    const reply = await world.app.slack.command('help');
    expect(reply.status).toBe(200);
    expect(reply.body?.response_type).toBe('ephemeral');
    const shown = textOf(reply.body?.blocks);
    for (const usage of [
      '/flightiq help',
      '/flightiq tenant add | edit <tenant> | remove <tenant> | approvers <tenant> [= @people @groups | = default] | list',
      '/flightiq test [<tenant> | --tenant <t>]',
      '/flightiq envs [--tenant <t>]',
      '/flightiq list <kind> --env <env> [--tenant <t>] [filter words]',
      '/flightiq promote <flow> --from <env> --to <env> [--tenant <t>] [--as-new] [--no-subflows]',
      '/flightiq promotions [pending|recent]',
      '/flightiq audit [<count>]',
    ]) {
      expect(shown).toContain(usage);
    }
  });

  it('treats an empty command as help', async () => {
    const reply = await world.app.slack.command('');
    expect(textOf(reply.body?.blocks)).toContain('FlightIQ commands');
  });

  it('answers an unknown sub-command with what it did not understand and the usage', async () => {
    const reply = await world.app.slack.command('deploy everything');
    expect(reply.status).toBe(200);
    const shown = textOf(reply.body?.blocks);
    expect(shown).toContain('`/flightiq deploy` is not a FlightIQ command');
    expect(shown).toContain('/flightiq promote');
  });

  it('offers every sub-command of the design: none is marked as not available', async () => {
    const reply = await world.app.slack.command('help');
    expect(textOf(reply.body?.blocks)).not.toContain('Not available');
  });

  it('tells the user honestly when a sub-command fails after acknowledging, with a reference from the log', async () => {
    const reply = await world.app.slack.command('test');
    expect(reply.status).toBe(200);
    const [answer] = await world.fakeSlack.waitFor(() => {
      const posts = world.fakeSlack.responsesTo(reply.responseUrl);
      return posts.length > 0 && posts;
    });
    const text = String(answer?.text);
    expect(text).toMatch(
      /^Sorry, FlightIQ failed to do that\. The error is logged with reference `[0-9a-f]{8}`/,
    );
    expect(answer?.response_type).toBe('ephemeral');
    expect(text).not.toContain('db.internal');
    expect(text).not.toContain('xoxb-');
    expect(text).not.toMatch(/\bat .*\.ts:\d+/);
    const reference = /`([0-9a-f]{8})`/.exec(text)?.[1];
    const logged = world.app.logRecords().find((record) => record.reference === reference);
    expect(logged?.level).toBe(50);
    expect(JSON.stringify(logged)).toContain('simulated failure');
  });

  it('answers a failure before the acknowledgement within the acknowledgement itself', async () => {
    const reply = await world.app.slack.command('envs');
    expect(reply.status).toBe(200);
    expect(String(reply.body?.text)).toMatch(/^Sorry, FlightIQ failed to do that/);
  });

  it('publishes the App Home tab when a user opens it', async () => {
    world.fakeSlack.users.set('U0USER0001', { id: 'U0USER0001' });
    world.fakeSlack.refusals.length = 0;
    const reply = await world.app.slack.event({
      type: 'app_home_opened',
      user: 'U0USER0001',
      tab: 'home',
      channel: 'D0HOME',
    });
    expect(reply.status).toBe(200);
    const call = await world.fakeSlack.waitFor(() => world.fakeSlack.callsOf('views.publish').at(-1));
    expect(call.args.user_id).toBe('U0USER0001');
    expect(textOf(call.args.view)).toContain('FlightIQ commands');
    expect(world.fakeSlack.refusals).toEqual([]);
  });
});

describe('health endpoints', () => {
  it('reports the process up on /healthz and the database reachable on /readyz', async () => {
    const health = await fetch(`${world.app.url}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${world.app.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('answers 404 for any other path', async () => {
    expect((await fetch(`${world.app.url}/admin`)).status).toBe(404);
  });
});

describe('the database the app started on', () => {
  it('has the audit_events table from the first migration', async () => {
    const { rows } = await world.app.service.database.pool.query(
      "SELECT column_name FROM information_schema.columns WHERE table_name = 'audit_events' ORDER BY column_name",
    );
    expect(rows.map((row) => row.column_name)).toEqual(
      expect.arrayContaining(['actor_id', 'action', 'tenant', 'outcome', 'occurred_at', 'details']),
    );
  });
});
