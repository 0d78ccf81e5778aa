import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { startService } from '../src/service.js';
import type { FakeSlack } from '../test/support/fake-slack.js';
import type { PingOneSimulator } from '../test/support/pingone-simulator.js';

/** What the benchmarks share: a database of their own, signed Slack requests, percentiles. */

export async function benchDatabaseEnv(): Promise<{
  env: Record<string, string>;
  kind: string;
  drop(): Promise<void>;
}> {
  const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const probe = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 2_000 });
  try {
    await probe.connect();
  } catch {
    const dir = mkdtempSync(join(tmpdir(), 'flightiq-bench-'));
    return {
      env: { FLIGHTIQ_DATA_DIR: join(dir, 'data') },
      kind: 'embedded',
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = `flightiq_bench_${randomBytes(4).toString('hex')}`;
  await probe.query(`CREATE DATABASE ${name}`);
  await probe.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    env: { DATABASE_URL: url.toString() },
    kind: 'postgres',
    async drop() {
      const cleaner = new pg.Client({ connectionString: adminUrl });
      await cleaner.connect();
      await cleaner.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleaner.end();
    },
  };
}

export const benchEncryptionKeys = `bench:${randomBytes(32).toString('base64')}`;

/** A slash command as Slack sends it, signed. */
export function signedCommand(secret: string, text: string, extra: Record<string, string> = {}) {
  const body = new URLSearchParams({
    team_id: 'T0FAKE0001',
    channel_id: 'C0BENCH001',
    user_id: 'U0BENCH001',
    command: '/flightiq',
    text,
    trigger_id: randomBytes(12).toString('hex'),
    response_url: 'http://127.0.0.1:9/none',
    ...extra,
  }).toString();
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return {
    body,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signature,
    },
  };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

export const round = (n: number, digits = 1) => Number(n.toFixed(digits));

/** Progress notes go to stderr through the app's own logger; the results table alone goes to stdout. */
export const benchLogger = createLogger({ level: 'info', pretty: false }, process.stderr);

/**
 * The real service (HTTP mode) against the fakes, as each benchmark needs it: without background jobs
 * unless asked for, with any settings of its own.
 */
export function startBenchService(parts: {
  fakeSlack: FakeSlack;
  sim: PingOneSimulator;
  database: { env: Record<string, string> };
  signingSecret: string;
  env?: Record<string, string>;
  jobs?: boolean;
}) {
  const config = loadConfig({
    PORT: '0',
    METRICS_PORT: '0',
    LOG_LEVEL: 'warn',
    SLACK_BOT_TOKEN: parts.fakeSlack.botToken,
    SLACK_SIGNING_SECRET: parts.signingSecret,
    SLACK_API_URL: parts.fakeSlack.apiUrl,
    FLIGHTIQ_ENCRYPTION_KEYS: benchEncryptionKeys,
    FLIGHTIQ_ADMINS: 'U0BENCH001',
    ...parts.sim.env,
    ...parts.database.env,
    ...parts.env,
  });
  return startService(config, createLogger({ level: 'warn', pretty: false }), {
    jobs: { disabled: !parts.jobs },
  });
}

/** The results: a title and a Markdown table on stdout, ready to paste into the README. */
export function report(title: string, rows: readonly Record<string, unknown>[]): void {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const line = (cells: readonly unknown[]) => `| ${cells.map((cell) => String(cell ?? '')).join(' | ')} |`;
  const lines = [`\n${title}\n`, line(columns), line(columns.map(() => '---'))];
  for (const row of rows) lines.push(line(columns.map((column) => row[column])));
  process.stdout.write(`${lines.join('\n')}\n`);
}
