import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { FakeSlack } from '../support/fake-slack.js';
import { formContentType } from '../support/slack-requests.js';
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

describe('a delivery Slack sends again', () => {
  it('is acknowledged and acted on once (a slash command, twice with the same trigger)', async () => {
    const responseUrl = fakeSlack.issueResponseUrl();
    const body = new URLSearchParams({
      team_id: 'T0FAKE0001',
      channel_id: 'C0CHANNEL1',
      user_id: 'U0ADMIN0001',
      command: '/flightiq',
      text: 'tenant list',
      response_url: responseUrl,
      trigger_id: fakeSlack.issueTriggerId(),
    }).toString();
    const first = await app.slack.post(body, formContentType);
    const again = await app.slack.post(body, formContentType, {
      headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
    });
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    await fakeSlack
      .waitFor(() => fakeSlack.responsesTo(responseUrl).length > 0 || undefined, 5_000)
      .catch(() => undefined);
    await new Promise((r) => setTimeout(r, 300));
    // The list came back once, in the first acknowledgement or on the response URL; the repeat did nothing.
    const answers = [
      first.text,
      again.text,
      ...fakeSlack.responsesTo(responseUrl).map((r) => JSON.stringify(r)),
    ].filter((t) => t.includes('Tenants') || t.includes('No tenants'));
    expect(answers).toHaveLength(1);
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
