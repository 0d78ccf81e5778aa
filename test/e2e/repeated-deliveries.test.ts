import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { FakeSlack } from '../support/fake-slack.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

let fakeSlack: FakeSlack;
let database: TestDatabase;
let app: TestApp;

beforeAll(async () => {
  fakeSlack = await FakeSlack.start();
  database = await createTestDatabase();
  app = await startTestApp({ fakeSlack, database, env: { FLIGHTIQ_ADMINS: 'U0ADMIN0001' } });
});

afterAll(async () => {
  await app?.stop();
  await database?.drop();
  await fakeSlack?.stop();
});

describe('slash commands', () => {
  it('are acknowledged without recording their delivery first: Slack never sends a command again', async () => {
    const { rows: before } = await app.service.database.pool.query(
      'SELECT count(*)::int AS n FROM slack_deliveries',
    );
    const reply = await app.slack.command('help', { user: 'U0MEMBER001' });
    expect(reply.status).toBe(200);
    expect(reply.text).toContain('/flightiq');
    const { rows: after } = await app.service.database.pool.query(
      'SELECT count(*)::int AS n FROM slack_deliveries WHERE delivery_id = $1',
      [reply.triggerId],
    );
    expect(after[0].n).toBe(0);
    expect(before[0].n).toBeGreaterThanOrEqual(0);
  });
});

describe('a delivery Slack sends again', () => {
  it('is acknowledged and acted on once (a button click sent twice with the same trigger)', async () => {
    const payload = {
      type: 'block_actions',
      team: { id: 'T0FAKE0001', domain: 'fake' },
      user: { id: 'U0MEMBER001', username: 'member', team_id: 'T0FAKE0001' },
      api_app_id: 'A0FAKEAPP1',
      trigger_id: fakeSlack.issueTriggerId(),
      response_url: fakeSlack.issueResponseUrl(),
      container: { type: 'message', channel_id: 'C0CHANNEL1', message_ts: '1.1' },
      actions: [
        { type: 'button', action_id: 'list_page_next', block_id: 'b', value: 'forged', action_ts: '1' },
      ],
    };
    await app.slack.interaction(payload);
    await app.slack.interaction(payload, { headers: { 'x-slack-retry-num': '1' } });
    await fakeSlack.waitFor(() => fakeSlack.responsesTo(payload.response_url).length > 0);
    await new Promise((r) => setTimeout(r, 300));
    expect(fakeSlack.responsesTo(payload.response_url)).toHaveLength(1);
    expect(app.logs.some((line) => line.includes('ignored a repeated Slack delivery'))).toBe(true);
  });

  it('is dropped for events too (same event_id), on any replica', async () => {
    const second = await startTestApp({ fakeSlack, database, env: { FLIGHTIQ_ADMINS: 'U0ADMIN0001' } });
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
      const before = fakeSlack.callsOf('views.publish').length;
      await app.slack.post(body, 'application/json');
      await second.slack.post(body, 'application/json', { headers: { 'x-slack-retry-num': '1' } });
      await fakeSlack.waitFor(() => fakeSlack.callsOf('views.publish').length > before);
      await new Promise((r) => setTimeout(r, 500));
      expect(fakeSlack.callsOf('views.publish').length - before).toBe(1);
    } finally {
      await second.stop();
    }
  });
});
