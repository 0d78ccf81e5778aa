import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { childEnv } from '../support/child-env.js';
import { FakeSlack } from '../support/fake-slack.js';

const repo = resolve(import.meta.dirname, '../..');
let workDir: string;
let fakeSlack: FakeSlack;
const children: ChildProcess[] = [];

beforeEach(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'flightiq-process-'));
  fakeSlack = await FakeSlack.start();
});

afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  await fakeSlack.stop();
  await rm(workDir, { recursive: true, force: true });
});

/** Runs `src/main.ts` as `npm start` would, in an empty working directory, with only the given environment. */
function startMain(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(repo, 'src/main.ts')], {
    cwd: workDir,
    env: childEnv({ NODE_OPTIONS: '', METRICS_PORT: '0', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    stderr += String(chunk);
  });
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return {
    child,
    exited,
    stdout: () => stdout,
    stderr: () => stderr,
    async waitForLog(text: string, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (!stdout.includes(text)) {
        if (Date.now() > deadline) throw new Error(`no "${text}" in the log:\n${stdout}\n${stderr}`);
        if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}:\n${stdout}\n${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}

describe('start-up', () => {
  it('without Slack tokens stops with one line naming the Slack variables, and writes nothing to disk', async () => {
    const run = startMain({});
    expect(await run.exited).toBe(1);
    const lines = run.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^flightiq: Configuration error: SLACK_BOT_TOKEN is not set; .*SLACK_APP_TOKEN .*SLACK_SIGNING_SECRET/,
    );
    expect(readdirSync(workDir)).toEqual([]);
  });

  it('with a malformed variable names it and says what is expected', async () => {
    const run = startMain({
      SLACK_BOT_TOKEN: fakeSlack.botToken,
      SLACK_SIGNING_SECRET: 'a'.repeat(32),
      PORT: 'eighty',
    });
    expect(await run.exited).toBe(1);
    expect(run.stderr().trim()).toBe('flightiq: Configuration error: PORT must be a port number.');
  });

  it('with a token Slack rejects stops with one line saying so, before creating the embedded database', async () => {
    const run = startMain({
      SLACK_BOT_TOKEN: 'xoxb-revoked-token',
      SLACK_SIGNING_SECRET: 'a'.repeat(32),
      SLACK_API_URL: fakeSlack.apiUrl,
    });
    expect(await run.exited).toBe(1);
    const lines = run.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('Slack rejected SLACK_BOT_TOKEN (invalid_auth)');
    expect(existsSync(join(workDir, '.flightiq'))).toBe(false);
    expect(run.stderr()).not.toContain('xoxb-revoked-token');
  });

  it('with Slack unreachable says so in one line: no SDK warnings, no JSON stack trace', async () => {
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const { port } = closed.address() as AddressInfo;
    await new Promise((done) => closed.close(done));
    const run = startMain({
      SLACK_BOT_TOKEN: fakeSlack.botToken,
      SLACK_SIGNING_SECRET: 'a'.repeat(32),
      SLACK_API_URL: `http://127.0.0.1:${port}/api/`,
    });
    expect(await run.exited).toBe(1);
    expect(run.stderr().trim().split('\n')).toEqual([
      expect.stringMatching(
        /^flightiq: could not reach the Slack Web API at http:\/\/127\.0\.0\.1:\d+\/api\/ to check SLACK_BOT_TOKEN .*check the network, proxy and SLACK_API_URL\.$/,
      ),
    ]);
    expect(run.stdout()).toBe('');
    expect(existsSync(join(workDir, '.flightiq'))).toBe(false);
  });
});

describe('shutdown', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    'on %s stops receiving, closes the database and exits 0',
    async (signal) => {
      const run = startMain({
        SLACK_BOT_TOKEN: fakeSlack.botToken,
        SLACK_SIGNING_SECRET: 'a'.repeat(32),
        SLACK_API_URL: fakeSlack.apiUrl,
        PORT: '0',
      });
      await run.waitForLog('FlightIQ is listening');
      expect(existsSync(join(workDir, '.flightiq', 'flightiq.pid'))).toBe(true);
      run.child.kill(signal);
      expect(await run.exited).toBe(0);
      expect(run.stdout()).toContain('"msg":"stopped"');
      // The embedded database let go of its directory: the next start may take it.
      expect(existsSync(join(workDir, '.flightiq', 'flightiq.pid'))).toBe(false);
      expect(run.stderr()).toBe('');
    },
  );

  it('in Socket Mode, while a dropped connection waits to reconnect, still exits 0 without a crash', async () => {
    fakeSlack.enableSocketMode();
    const run = startMain({
      SLACK_BOT_TOKEN: fakeSlack.botToken,
      SLACK_APP_TOKEN: fakeSlack.appToken,
      SLACK_API_URL: fakeSlack.apiUrl,
      PORT: '0',
    });
    await run.waitForLog('Socket Mode connected');
    fakeSlack.dropSocketConnections();
    await run.waitForLog('WebSocket error');
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(run.stdout()).toContain('"msg":"stopped"');
    expect(run.stderr()).toBe('');
  });
});
