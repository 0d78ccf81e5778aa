import { describe, expect, it } from 'vitest';
import { startTestApp } from '../support/test-app.js';
import { useWorld } from '../support/world.js';

const world = useWorld({ withoutSimulator: true, env: { FLIGHTIQ_ADMINS: 'U0ADMIN0001' } });

describe('slash commands', () => {
  it('are acknowledged first, and their trigger recorded after, so a replay goes no further', async () => {
    const reply = await world.app.slack.command('help', { user: 'U0MEMBER001' });
    expect(reply.status).toBe(200);
    expect(reply.text).toContain('/flightiq');
    const recorded = async () =>
      (
        await world.app.service.database.pool.query(
          'SELECT count(*)::int AS n FROM slack_deliveries WHERE delivery_id = $1',
          [reply.triggerId],
        )
      ).rows[0].n;
    const deadline = Date.now() + 5_000;
    while ((await recorded()) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(await recorded()).toBe(1);
  });
});

describe('a delivery Slack sends again', () => {
  it('is acknowledged and acted on once (a button click sent twice with the same trigger)', async () => {
    const payload = {
      type: 'block_actions',
      team: { id: 'T0FAKE0001', domain: 'fake' },
      user: { id: 'U0MEMBER001', username: 'member', team_id: 'T0FAKE0001' },
      api_app_id: 'A0FAKEAPP1',
      trigger_id: world.fakeSlack.issueTriggerId(),
      response_url: world.fakeSlack.issueResponseUrl(),
      container: { type: 'message', channel_id: 'C0CHANNEL1', message_ts: '1.1' },
      actions: [
        { type: 'button', action_id: 'list_page_next', block_id: 'b', value: 'forged', action_ts: '1' },
      ],
    };
    await world.app.slack.interaction(payload);
    await world.app.slack.interaction(payload, { headers: { 'x-slack-retry-num': '1' } });
    await world.fakeSlack.waitFor(() => world.fakeSlack.responsesTo(payload.response_url).length > 0);
    await new Promise((r) => setTimeout(r, 300));
    expect(world.fakeSlack.responsesTo(payload.response_url)).toHaveLength(1);
    expect(world.app.logs.some((line) => line.includes('ignored a repeated Slack delivery'))).toBe(true);
  });

  it('is dropped for events too (same event_id), on any replica', async () => {
    const second = await startTestApp({
      fakeSlack: world.fakeSlack,
      clock: world.clock,
      database: world.database,
      env: { FLIGHTIQ_ADMINS: 'U0ADMIN0001' },
    });
    try {
      const event = { type: 'app_home_opened', user: 'U0ADMIN0001', tab: 'home', channel: 'D0HOME' };
      const body = JSON.stringify({
        team_id: 'T0FAKE0001',
        api_app_id: 'A0FAKEAPP1',
        type: 'event_callback',
        event_id: 'Ev0REPEATED1',
        event_time: 1,
        event,
      });
      const before = world.fakeSlack.callsOf('views.publish').length;
      await world.app.slack.post(body, 'application/json');
      await second.slack.post(body, 'application/json', { headers: { 'x-slack-retry-num': '1' } });
      await world.fakeSlack.waitFor(() => world.fakeSlack.callsOf('views.publish').length > before);
      await new Promise((r) => setTimeout(r, 500));
      expect(world.fakeSlack.callsOf('views.publish').length - before).toBe(1);
    } finally {
      await second.stop();
    }
  });
});
