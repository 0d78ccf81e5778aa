import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { streamPrompter } from '../../src/console/prompter.js';
import { ConsoleRefusedError, startConsole } from '../../src/console/start.js';
import { createLogger } from '../../src/logger.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { PingOneSimulator } from '../support/pingone-simulator.js';
import { seedPromotionData } from '../support/promotion-fixtures.js';
import { testEncryptionKeys } from '../support/test-app.js';

/**
 * The local console, driven through its input stream as a person at a terminal would (readline in
 * terminal mode, so typed characters are echoed, except the secret's), against the simulator.
 */

let sim: PingOneSimulator;
let database: TestDatabase;

beforeAll(async () => {
  sim = await PingOneSimulator.start();
  seedPromotionData(sim);
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
  await sim?.stop();
});

async function session(lines: string[]): Promise<{ output: string; logs: string }> {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (chunk) => {
    text += String(chunk);
  });
  const logs: string[] = [];
  const logStream = new PassThrough();
  logStream.on('data', (chunk) => logs.push(String(chunk)));
  const config = loadConfig(
    { ...database.env, ...sim.env, FLIGHTIQ_ENCRYPTION_KEYS: testEncryptionKeys, METRICS_PORT: '0' },
    { requireSlack: false },
  );
  const done = startConsole(
    config,
    createLogger({ level: 'debug', pretty: false }, logStream),
    streamPrompter(input, output, { terminal: true }),
    undefined,
    { localAdmin: true },
  );
  // Answers are typed one at a time, each after its prompt has appeared.
  for (const line of lines) {
    await waitFor(() => /(flightiq> |: |\] )$/.test(text));
    const before = text.length;
    input.write(`${line}\n`);
    await waitFor(() => text.length > before + line.length || /Bye\.\n$/.test(text));
  }
  input.end();
  await done;
  return { output: text, logs: logs.join('') };
}

async function waitFor(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('console did not answer in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('local console', () => {
  const worker = () => sim.app();
  const secret = () => worker().clientSecret;

  it('adds a tenant by asking each field, without echoing the secret, then tests it and lists flows', async () => {
    const { output, logs } = await session([
      'tenant add',
      'Local',
      'eu',
      worker().environmentId,
      'not-a-uuid',
      secret(),
      'basic',
      worker().clientId,
      'test',
      'list variables --env stag',
      'envs',
      'quit',
    ]);
    expect(output).toContain('Client secret (input hidden): ');
    expect(output).toContain('clientId:');
    expect(output).toMatch(/Saved tenant Local \(secret …?.{4}\)/);
    expect(output).toContain('Credential test of Local: PASSED');
    expect(output).toContain('DaVinci variables in Staging (tenant Local): 10 item(s)');
    expect(output).toMatch(/var1\s+company\s+string\s+v1/);
    expect(output).toContain('Environments of Local:');
    expect(output).toContain('Bye.');
    // The secret was typed but never shown, not even as an echo.
    expect(output).not.toContain(secret());
    expect(logs).not.toContain(secret());
  });

  it('promotes into production with the local user approving in place, and writes a list to CSV', async () => {
    const csv = join(mkdtempSync(join(tmpdir(), 'flightiq-console-')), 'variables.csv');
    const { output } = await session([
      'promote Checkout --from Staging --to Production',
      'y',
      `list variables --env Staging --csv ${csv}`,
      'quit',
    ]);
    expect(output).toContain('Approve and run it now? [y/N]');
    expect(output).toContain(
      'Promote Checkout from Staging to Production (tenant Local): succeeded, protected destination',
    );
    expect(output).toContain('[done] deploy Checkout v1');
    expect(sim.data.collections['cc33cc33-0000-4000-8000-000000000003']?.flows?.map((f) => f.name)).toContain(
      'Checkout',
    );
    expect(output).toContain(`Wrote 10 rows to ${csv}.`);
    const written = readFileSync(csv, 'utf8').trimEnd().split('\n');
    expect(written[0]).toBe('ID,Name,Context,Type,Value,Flow ID');
    expect(written).toHaveLength(11);
    expect(written.join('\n')).not.toContain('******');
  });

  it('says what is wrong, as the Slack app would, from the same core', async () => {
    const { output } = await session([
      'list widgets --env Staging',
      'list flows --env Nowhere',
      'list flows --env Workforce',
      'frobnicate',
      'quit',
    ]);
    expect(output).toContain('Usage: list <kind> --env <env>');
    expect(output).toContain('The worker app sees no environment named "Nowhere"');
    expect(output).toContain('Workforce has no DaVinci');
    expect(output).toContain('"frobnicate" is not a FlightIQ command');
  });

  it('refuses to act as the admin of a shared database unless asked to, and audits as the local user', async () => {
    const config = loadConfig(
      { ...database.env, ...sim.env, FLIGHTIQ_ENCRYPTION_KEYS: testEncryptionKeys, METRICS_PORT: '0' },
      { requireSlack: false },
    );
    if (config.database.url) {
      const refused = await startConsole(
        config,
        createLogger({ level: 'silent', pretty: false }),
        streamPrompter(new PassThrough(), new PassThrough(), { terminal: false }),
      ).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(ConsoleRefusedError);
      expect(String(refused)).toContain('run it with --local-admin');
    }
    await session(['test Local', 'quit']);
    const admin = new pg.Pool({ connectionString: config.database.url ?? '' });
    if (config.database.url) {
      const { rows } = await admin.query(
        "SELECT DISTINCT actor_id FROM audit_events WHERE actor_id LIKE 'local:%'",
      );
      expect(rows.map((row) => row.actor_id)).toEqual([`local:${userInfo().username}`]);
    }
    await admin.end();
  });

  it("says when it waits for PingOne's rate limit, then answers", async () => {
    sim.fail(/\/environments$/, { status: 429, retryAfter: '1' });
    const { output } = await session(['envs', 'quit']);
    expect(output).toContain(
      "(PingOne's rate limit was reached: waiting 1 s, as PingOne asked, then trying again.)",
    );
    expect(output).toContain('Environments of Local:');
  });
});
