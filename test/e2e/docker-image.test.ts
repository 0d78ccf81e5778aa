import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/database.js';
import { FakeSlack } from '../support/fake-slack.js';
import { testEncryptionKeys } from '../support/test-app.js';

/**
 * The Docker image, built and started against PostgreSQL, where a Docker engine runs. Where none does
 * (these machines have the client but no daemon), the test is skipped and its name says why.
 */

const repo = resolve(import.meta.dirname, '../..');
const docker = (args: string[], timeout = 600_000) =>
  spawnSync('docker', args, { cwd: repo, encoding: 'utf8', timeout });
const engine = docker(['info', '--format', '{{.ServerVersion}}'], 10_000);
const running = engine.status === 0 && engine.stdout.trim() !== '';
const why = running ? '' : ' (skipped: no Docker engine answers on this machine)';

describe('the Docker image', () => {
  it.skipIf(!running)(
    `builds, and serves /healthz and /readyz against PostgreSQL${why}`,
    async () => {
      const built = docker(['build', '-t', 'flightiq:test', '.']);
      expect(built.status, built.stderr).toBe(0);
      const database = await createTestDatabase();
      const fakeSlack = await FakeSlack.start();
      const name = `flightiq-test-${process.pid}`;
      try {
        const started = docker([
          'run',
          '-d',
          '--rm',
          '--name',
          name,
          '--network',
          'host',
          '-e',
          `DATABASE_URL=${database.env.DATABASE_URL}`,
          '-e',
          `FLIGHTIQ_ENCRYPTION_KEYS=${testEncryptionKeys}`,
          '-e',
          `SLACK_BOT_TOKEN=${fakeSlack.botToken}`,
          '-e',
          `SLACK_API_URL=${fakeSlack.apiUrl}`,
          '-e',
          `SLACK_SIGNING_SECRET=${'a'.repeat(32)}`,
          '-e',
          'PORT=39123',
          'flightiq:test',
        ]);
        expect(started.status, started.stderr).toBe(0);
        // On the host's network: the app reaches the fake Slack and PostgreSQL, and the test reaches the app.
        const deadline = Date.now() + 90_000;
        let ready = 0;
        while (Date.now() < deadline && ready !== 200) {
          ready = await fetch('http://127.0.0.1:39123/readyz').then(
            (answer) => answer.status,
            () => 0,
          );
          if (ready !== 200) await new Promise((done) => setTimeout(done, 1_000));
        }
        expect(ready).toBe(200);
        expect((await fetch('http://127.0.0.1:39123/healthz')).status).toBe(200);
        // The runtime image has node and FlightIQ, not npm or npx.
        const tools = docker([
          'run',
          '--rm',
          '--entrypoint',
          'sh',
          'flightiq:test',
          '-c',
          'command -v npm || command -v npx',
        ]);
        expect(tools.stdout.trim()).toBe('');
        expect(tools.status).not.toBe(0);
      } finally {
        docker(['rm', '-f', name], 30_000);
        await fakeSlack.stop();
        await database.drop();
      }
    },
    900_000,
  );
});
