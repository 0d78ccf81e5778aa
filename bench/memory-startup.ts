/**
 * bench/memory-startup: the app as it runs in production (`node dist/main.js`, a process of its own):
 * time from start to "listening", with PostgreSQL and with the embedded database, and resident memory
 * idle and after 10,000 commands. Run `npm run build` first.
 *
 *   npm run bench:memory [-- --commands 10000]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Agent, request } from 'undici';
import { FakeSlack } from '../test/support/fake-slack.js';
import { benchDatabaseEnv, benchEncryptionKeys, report, round, signedCommand } from './support.js';

const { values } = parseArgs({ options: { commands: { type: 'string', default: '10000' } } });
const commands = Number(values.commands);
const main = resolve(import.meta.dirname, '../dist/main.js');
if (!existsSync(main)) throw new Error('dist/main.js is missing: run npm run build first');
const signingSecret = 'd'.repeat(32);
const fakeSlack = await FakeSlack.start();

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return round(Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024);
}

async function start(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; port: number; ms: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [main], {
    cwd: mkdtempSync(join(tmpdir(), 'flightiq-bench-cwd-')),
    env: {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      METRICS_PORT: '0',
      SLACK_BOT_TOKEN: fakeSlack.botToken,
      SLACK_SIGNING_SECRET: signingSecret,
      SLACK_API_URL: fakeSlack.apiUrl,
      FLIGHTIQ_ADMINS: 'U0BENCH001',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    output += String(chunk);
  });
  for (;;) {
    const listening = /"port":(\d+),"msg":"FlightIQ is listening"/.exec(output);
    if (listening) return { child, port: Number(listening[1]), ms: round(performance.now() - started, 0) };
    if (child.exitCode !== null) throw new Error(`the app exited:\n${output}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  await exited;
}

const rows: Record<string, unknown>[] = [];
const postgres = await benchDatabaseEnv();
const embeddedDir = mkdtempSync(join(tmpdir(), 'flightiq-bench-embedded-'));
try {
  for (const [name, env] of [
    ['PostgreSQL', { ...postgres.env, FLIGHTIQ_ENCRYPTION_KEYS: benchEncryptionKeys }],
    ['embedded (PGlite)', { FLIGHTIQ_DATA_DIR: join(embeddedDir, 'data') }],
  ] as const) {
    const first = await start(env);
    await stop(first.child);
    const { child, port, ms } = await start(env);
    await new Promise((r) => setTimeout(r, 2_000));
    const idle = rssMb(child.pid ?? 0);
    const dispatcher = new Agent({ connections: 50 });
    const url = `http://127.0.0.1:${port}/slack/events`;
    const started = performance.now();
    for (let sent = 0; sent < commands; sent += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, commands - sent) }, async () => {
          const { body, headers } = signedCommand(signingSecret, 'help');
          const response = await request(url, { method: 'POST', body, headers, dispatcher });
          await response.body.text();
        }),
      );
    }
    const elapsed = performance.now() - started;
    await new Promise((r) => setTimeout(r, 1_000));
    const after = rssMb(child.pid ?? 0);
    rows.push({
      database: name,
      'first start (migrations) ms': first.ms,
      'start to listening ms': ms,
      'RSS idle MB': idle,
      [`RSS after ${commands} commands MB`]: after,
      'commands/s': round((commands / elapsed) * 1000, 0),
    });
    await stop(child);
    await dispatcher.close();
  }
  report('Start-up and memory of `node dist/main.js`', rows);
} finally {
  await postgres.drop();
  rmSync(embeddedDir, { recursive: true, force: true });
  await fakeSlack.stop();
}
