import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { RetryOptions } from '@slack/web-api';
import { loadConfig } from '../../src/config.js';
import type { Clock } from '../../src/core/clock.js';
import { createLogger } from '../../src/logger.js';
import { type RunningService, startService } from '../../src/service.js';
import type { SubcommandHandler } from '../../src/slack/listeners/commands/flightiq.js';
import type { TestDatabase } from './database.js';
import type { FakeSlack } from './fake-slack.js';
import { SlackClientSimulator } from './slack-requests.js';

/** A fixed key ring for tests: `test1` seals. Never used outside tests. */
export const testEncryptionKeys = `test1:${Buffer.alloc(32, 7).toString('base64')}`;

export interface TestApp {
  url: string;
  service: RunningService;
  slack: SlackClientSimulator;
  signingSecret: string;
  /** Every log line the app wrote, as text (JSON lines), for assertions and secret searches. */
  logs: string[];
  logRecords(): Record<string, unknown>[];
  stop(): Promise<void>;
}

export interface TestAppOptions {
  fakeSlack: FakeSlack;
  database: TestDatabase;
  env?: Record<string, string>;
  handlers?: Record<string, SubcommandHandler>;
  retryConfig?: RetryOptions;
  jobs?: { pollingIntervalSeconds?: number; disabled?: boolean };
  /** Core's clock; a test moves it instead of writing times into the database. */
  clock?: Clock;
}

/** Starts the real service (the same `startService` as `npm start`) in HTTP mode on a free port. */
export async function startTestApp(options: TestAppOptions): Promise<TestApp> {
  const signingSecret = randomBytes(16).toString('hex');
  const env = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'debug',
    PORT: '0',
    METRICS_PORT: '0',
    SLACK_BOT_TOKEN: options.fakeSlack.botToken,
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_API_URL: options.fakeSlack.apiUrl,
    FLIGHTIQ_ENCRYPTION_KEYS: testEncryptionKeys,
    ...options.database.env,
    ...options.env,
  };
  const config = loadConfig(env);
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      logs.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const logger = createLogger({ level: config.logLevel, pretty: false }, destination);
  const service = await startService(config, logger, {
    retryConfig: options.retryConfig ?? { retries: 0 },
    ...(options.handlers ? { handlers: options.handlers } : {}),
    ...(options.jobs ? { jobs: options.jobs } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const url = `http://127.0.0.1:${service.port}`;
  return {
    url,
    service,
    signingSecret,
    slack: new SlackClientSimulator(url, signingSecret, options.fakeSlack),
    logs,
    logRecords: () => logs.map((line) => JSON.parse(line) as Record<string, unknown>),
    stop: () => service.stop(2_000),
  };
}
