import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

/** `npm run simulator`, as people start it: its own process, printing what to put in `.env`. */

const repo = resolve(import.meta.dirname, '../..');
const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) child.kill('SIGTERM');
});

/** Starts the script; resolves with what it printed once it has said where it listens, or exited. */
function startSimulator(args: string[]): Promise<{ stdout: string; stderr: string; code: number | null }> {
  const child = spawn(
    process.execPath,
    ['--import', import.meta.resolve('tsx'), join(repo, 'test/support/run-simulator.ts'), ...args],
    {
      cwd: repo,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  running.push(child);
  let stdout = '';
  let stderr = '';
  return new Promise((done) => {
    child.stdout?.on('data', (chunk) => {
      stdout += String(chunk);
      if (stdout.includes('Ctrl-C stops it.')) done({ stdout, stderr, code: null });
    });
    child.stderr?.on('data', (chunk) => {
      stderr += String(chunk);
    });
    child.on('exit', (code) => done({ stdout, stderr, code }));
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

describe('npm run simulator', () => {
  it('listens on the same port every time, so the settings it prints can stay in .env', async () => {
    const port = await freePort();
    const first = await startSimulator(['--port', String(port)]);
    expect(first.stdout).toContain(`PINGONE_API_BASE_URL=http://127.0.0.1:${port}`);
    expect(first.stdout).toMatch(/environment \S+ {2}client \S+ {2}secret \S+/);
    // A second one on that port says why it cannot start, in one line.
    const taken = await startSimulator(['--port', String(port)]);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toBe(
      `Port ${port} of 127.0.0.1 is taken (another simulator?): stop that, or start this one with --port <another>.\n`,
    );
    running.shift()?.kill('SIGTERM');
    await new Promise((done) => setTimeout(done, 300));
    const again = await startSimulator(['--port', String(port)]);
    expect(again.stdout).toContain(`PINGONE_API_BASE_URL=http://127.0.0.1:${port}`);
  }, 60_000);

  it('uses port 4455 when none is asked for', async () => {
    const probe = createServer();
    const free = await new Promise<boolean>((done) => {
      probe.once('error', () => done(false));
      probe.listen(4455, '127.0.0.1', () => probe.close(() => done(true)));
    });
    const started = await startSimulator([]);
    if (free) expect(started.stdout).toContain('PingOne simulator listening on http://127.0.0.1:4455');
    else expect(started.stderr).toContain('Port 4455 of 127.0.0.1 is taken');
  }, 60_000);
});
