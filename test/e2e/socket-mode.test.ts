import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { type RunningService, startService } from '../../src/service.js';
import { createEmbeddedTestDatabase, type TestDatabase } from '../support/database.js';
import { FakeSlack, fakeTeamId } from '../support/fake-slack.js';
import { formState, validTenant } from '../support/tenant-form.js';
import { testEncryptionKeys } from '../support/test-app.js';

let fakeSlack: FakeSlack;
let database: TestDatabase;
let service: RunningService | undefined;

beforeEach(async () => {
  fakeSlack = await FakeSlack.start();
  fakeSlack.enableSocketMode();
  database = createEmbeddedTestDatabase();
});

afterEach(async () => {
  await service?.stop(2_000);
  service = undefined;
  await database.drop();
  await fakeSlack.stop();
});

const logs: string[] = [];

async function startSocketMode(
  options: { productionRetries?: boolean; logLevel?: string; env?: Record<string, string> } = {},
) {
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    METRICS_PORT: '0',
    SLACK_BOT_TOKEN: fakeSlack.botToken,
    SLACK_APP_TOKEN: fakeSlack.appToken,
    SLACK_API_URL: fakeSlack.apiUrl,
    ...database.env,
    ...options.env,
  });
  logs.length = 0;
  const logger = createLogger(
    { level: options.logLevel ?? 'silent', pretty: false },
    new Writable({
      write: (chunk, _encoding, done) => {
        logs.push(String(chunk));
        done();
      },
    }),
  );
  service = await startService(
    config,
    logger,
    options.productionRetries ? {} : { retryConfig: { retries: 0 } },
  );
  await fakeSlack.waitFor(() => fakeSlack.socketConnections === 1);
  return service;
}

describe('Socket Mode (SLACK_APP_TOKEN set)', () => {
  it('never logs a payload, at trace level either: a secret typed into the tenant form stays out of the log', async () => {
    const canary = 'CANARY-socket-7f1e2d3c-4b5a-6978-a1b2-c3d4e5f6';
    await startSocketMode({
      logLevel: 'trace',
      env: { FLIGHTIQ_ADMINS: 'U0ADMIN0001', FLIGHTIQ_ENCRYPTION_KEYS: testEncryptionKeys },
    });
    await fakeSlack.sendEnvelope('slash_commands', {
      team_id: fakeTeamId,
      user_id: 'U0ADMIN0001',
      channel_id: 'C0CHANNEL1',
      command: '/flightiq',
      text: 'tenant add',
      response_url: fakeSlack.issueResponseUrl(),
      trigger_id: fakeSlack.issueTriggerId(),
    });
    const form = (await fakeSlack.waitFor(() =>
      fakeSlack.views.find((view) => view.callback_id === 'tenant_form'),
    )) as {
      id: string;
      private_metadata: string;
    };
    await fakeSlack.sendEnvelope('interactive', {
      type: 'view_submission',
      team: { id: fakeTeamId, domain: 'fake' },
      user: { id: 'U0ADMIN0001', username: 'admin', team_id: fakeTeamId },
      api_app_id: 'A0FAKEAPP1',
      trigger_id: fakeSlack.issueTriggerId(),
      view: {
        id: form.id,
        type: 'modal',
        callback_id: 'tenant_form',
        private_metadata: form.private_metadata,
        state: { values: formState({ ...validTenant, clientSecret: canary }, false) },
      },
    });
    await fakeSlack.waitFor(
      () => fakeSlack.calls.some((call) => JSON.stringify(call.args).includes('Tenant saved')) || undefined,
    );
    const written = logs.join('');
    expect(written).toContain('[payload not logged]');
    expect(written.length).toBeGreaterThan(1_000);
    expect(written).not.toContain(canary);
  });

  it('connects through apps.connections.open with the app token and answers /flightiq help in the ack', async () => {
    const running = await startSocketMode();
    expect(running.mode).toBe('socket');
    expect(fakeSlack.callsOf('apps.connections.open')[0]?.token).toBe(fakeSlack.appToken);

    const ack = (await fakeSlack.sendEnvelope('slash_commands', {
      team_id: fakeTeamId,
      user_id: 'U0USER0001',
      channel_id: 'C0CHANNEL1',
      command: '/flightiq',
      text: 'help',
      response_url: fakeSlack.issueResponseUrl(),
      trigger_id: fakeSlack.issueTriggerId(),
    })) as { blocks?: unknown; response_type?: string };
    expect(ack.response_type).toBe('ephemeral');
    expect(JSON.stringify(ack.blocks)).toContain('/flightiq promote');
  });

  it('serves /healthz and /readyz on PORT', async () => {
    const running = await startSocketMode();
    expect((await fetch(`http://127.0.0.1:${running.port}/healthz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${running.port}/readyz`)).status).toBe(200);
    // No Slack endpoint in Socket Mode: nothing to sign, so nothing to accept.
    expect((await fetch(`http://127.0.0.1:${running.port}/slack/events`, { method: 'POST' })).status).toBe(
      404,
    );
  });

  it('keeps our Web API retry policy: a failing call is tried 3 times, not the 100 Socket Mode would set', async () => {
    await startSocketMode({ productionRetries: true });
    for (let i = 0; i < 10; i++) fakeSlack.failNext('views.publish', { status: 500 });
    await fakeSlack.sendEnvelope('events_api', {
      team_id: fakeTeamId,
      api_app_id: 'A0FAKEAPP1',
      type: 'event_callback',
      event_id: `Ev${randomBytes(4).toString('hex')}`,
      event: { type: 'app_home_opened', user: 'U0USER0001', tab: 'home', channel: 'D0HOME' },
    });
    await fakeSlack.waitFor(() => fakeSlack.callsOf('views.publish').length >= 3, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(fakeSlack.callsOf('views.publish')).toHaveLength(3);
  });
});
