import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AccessPolicy, noWorkspaceDirectory } from '../../src/core/access.js';
import { TenantService } from '../../src/core/tenants/service.js';
import { parseKeyRing } from '../../src/crypto/key-ring.js';
import { childEnv } from '../support/child-env.js';
import { createTestDatabase, needsPostgres, type TestDatabase } from '../support/database.js';
import { FakeSlack } from '../support/fake-slack.js';
import { PingOneSimulator } from '../support/pingone-simulator.js';
import { ids, seedPromotionData } from '../support/promotion-fixtures.js';
import { SlackClientSimulator } from '../support/slack-requests.js';
import { testEncryptionKeys } from '../support/test-app.js';

/**
 * A process killed in the middle of a promotion: the promotion must show as interrupted with what was
 * done, and must not run again when the app comes back. The app runs as a real child process here, so
 * the kill is a real SIGKILL (no clean-up code runs) and Postgres sees its connections drop.
 */

const repo = resolve(import.meta.dirname, '../..');
const operator = 'U0OPERATOR1';
const approver = 'U0APPROVER1';
const approvals = 'C0APPROVALS';

let fakeSlack: FakeSlack;
let sim: PingOneSimulator;
let database: TestDatabase;
let workDir: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  fakeSlack = await FakeSlack.start();
  sim = await PingOneSimulator.start();
  seedPromotionData(sim);
  database = await createTestDatabase();
  workDir = mkdtempSync(join(tmpdir(), 'flightiq-crash-'));
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await database?.drop();
  await sim?.stop();
  await fakeSlack?.stop();
  await rm(workDir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

async function startChild(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(repo, 'src/main.ts')], {
    cwd: workDir,
    env: childEnv({ NODE_OPTIONS: '', METRICS_PORT: '0', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    output += String(chunk);
  });
  const deadline = Date.now() + 30_000;
  while (!output.includes('FlightIQ is listening')) {
    if (Date.now() > deadline || child.exitCode !== null)
      throw new Error(`the app did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return child;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

it('a process killed between two writes leaves an interrupted promotion, and a restart does not run it again', async () => {
  if (!needsPostgres('promotion killed mid-run')) return;
  const pool = database.pool;
  if (!pool) throw new Error('no pool');
  const signingSecret = randomBytes(16).toString('hex');
  const port = await freePort();
  const env = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    PORT: String(port),
    SLACK_BOT_TOKEN: fakeSlack.botToken,
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_API_URL: fakeSlack.apiUrl,
    FLIGHTIQ_ENCRYPTION_KEYS: testEncryptionKeys,
    FLIGHTIQ_OPERATORS: operator,
    FLIGHTIQ_APPROVERS: approver,
    FLIGHTIQ_APPROVAL_CHANNEL: approvals,
    ...database.env,
    ...sim.env,
  };
  const first = await startChild(env);
  const slack = new SlackClientSimulator(`http://127.0.0.1:${port}`, signingSecret, fakeSlack);

  const worker = sim.app();
  const tenants = new TenantService({
    pool,
    keys: parseKeyRing(testEncryptionKeys),
    access: new AccessPolicy({
      admins: ['U0ADMIN0001'],
      directory: noWorkspaceDirectory,
      teamId: 'T0FAKE0001',
    }),
    logger: pino({ level: 'silent' }),
  });
  await tenants.add(
    { userId: 'U0ADMIN0001' },
    {
      name: 'Acme',
      region: 'eu',
      environmentId: worker.environmentId,
      clientId: worker.clientId,
      clientSecret: worker.clientSecret,
      authMethod: worker.authMethod,
    },
  );

  await slack.command('promote Checkout --from Staging --to Production', { user: operator });
  const promotion = await until('the plan', async () => {
    const { rows } = await pool.query(
      'SELECT id, channel_id, message_ts FROM promotions WHERE message_ts IS NOT NULL',
    );
    return rows[0] as { id: string; channel_id: string; message_ts: string } | undefined;
  });

  // The second write (replacing "Collect address") hangs; the process is killed while it waits.
  sim.fail(new RegExp(`/flows/${ids.productionCollect}$`), { delayMs: 60_000 }, { method: 'PUT' });
  await slack.blockAction(
    { action_id: 'promotion_approve', value: promotion.id },
    { user: approver, channel: approvals },
  );
  await until('the hanging write', async () =>
    sim.requests.some((r) => r.method === 'PUT' && r.path.endsWith(ids.productionCollect)) ? true : undefined,
  );
  first.kill('SIGKILL');
  await new Promise<void>((done) => first.once('exit', () => done()));
  const writesAtKill = sim.writes.length;
  // 3 variables and "Validate address" were created; the replace never answered.
  expect(writesAtKill).toBe(4);

  await startChild(env);
  const status = await until('the interrupted mark', async () => {
    const { rows } = await pool.query('SELECT status, outcome FROM promotions WHERE id = $1', [promotion.id]);
    return rows[0]?.status === 'interrupted' ? rows[0] : undefined;
  });
  expect(status.outcome).toContain('stopped before it finished');
  const { rows: steps } = await pool.query(
    'SELECT action, subject, status FROM promotion_steps WHERE promotion_id = $1 ORDER BY id',
    [promotion.id],
  );
  expect(steps).toEqual([
    { action: 'backup', subject: 'Collect address', status: 'done' },
    { action: 'create variable', subject: 'greeting (company)', status: 'done' },
    { action: 'create variable', subject: 'attempt (flowInstance)', status: 'done' },
    { action: 'create variable', subject: 'userName (flowInstance)', status: 'done' },
    { action: 'create', subject: 'Validate address', status: 'done' },
    { action: 'update', subject: 'Collect address', status: 'started' },
  ]);
  const message = await until('the updated message', async () => {
    const shown = JSON.stringify(fakeSlack.message(promotion.channel_id, promotion.message_ts));
    return shown.includes('*Interrupted.*') ? shown : undefined;
  });
  expect(message).toContain('started, outcome unknown');

  // Nothing runs again: not on restart, not on another click.
  await slack.blockAction(
    { action_id: 'promotion_approve', value: promotion.id },
    { user: approver, channel: approvals },
  );
  await new Promise((r) => setTimeout(r, 1_500));
  expect(sim.writes.length).toBe(writesAtKill);
  const { rows: after } = await pool.query('SELECT status FROM promotions WHERE id = $1', [promotion.id]);
  expect(after[0]?.status).toBe('interrupted');
}, 90_000);
