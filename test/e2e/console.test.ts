import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subcommandCatalog } from '../../src/commands/subcommands.js';
import { loadConfig } from '../../src/config.js';
import { consoleUser } from '../../src/console/console.js';
import { streamPrompter } from '../../src/console/prompter.js';
import { ConsoleRefusedError, startConsole } from '../../src/console/start.js';
import type { CoreServices } from '../../src/core/services.js';
import { createLogger } from '../../src/logger.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { PingOneSimulator } from '../support/pingone-simulator.js';
import { ids, production, seedPromotionData, staging } from '../support/promotion-fixtures.js';
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

interface Typing {
  /** Types a line once the console asks for one; resolves to what it answered, up to its next question. */
  type(line: string): Promise<string>;
  /** Types characters without Enter (a half-typed line, or Ctrl-C as "\x03"); resolves to what followed. */
  press(keys: string): Promise<string>;
  /** Ends the input, as Ctrl-D does, and resolves once the console has stopped. */
  end(): Promise<{ output: string; logs: string }>;
}

async function openSession(
  env: Record<string, string> = {},
  setup?: (services: CoreServices) => Promise<void>,
): Promise<Typing> {
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
    { ...database.env, ...sim.env, FLIGHTIQ_ENCRYPTION_KEYS: testEncryptionKeys, METRICS_PORT: '0', ...env },
    { requireSlack: false },
  );
  const done = startConsole(
    config,
    createLogger({ level: 'debug', pretty: false }, logStream),
    streamPrompter(input, output, { terminal: true }),
    setup,
    { localAdmin: true },
  );
  const asking = () => /(flightiq> |: |\] )$/.test(text);
  return {
    // Answers are typed one at a time, each after its prompt has appeared.
    async type(line) {
      await waitFor(asking);
      const before = text.length;
      input.write(`${line}\n`);
      await waitFor(() => (text.length > before + line.length && asking()) || /Bye\.\n$/.test(text));
      return text.slice(before);
    },
    async press(keys) {
      await waitFor(asking);
      const before = text.length;
      input.write(keys);
      await waitFor(() => text.length > before + keys.length && asking());
      return text.slice(before);
    },
    async end() {
      input.end();
      await done;
      return { output: text, logs: logs.join('') };
    },
  };
}

async function session(
  lines: string[],
  env: Record<string, string> = {},
): Promise<{ output: string; logs: string }> {
  const typing = await openSession(env);
  for (const line of lines) await typing.type(line);
  return typing.end();
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

  it('Ctrl-C drops a half-typed line or a half-filled form and keeps the console, and its data, running', async () => {
    const terminal = await openSession();
    // At the prompt: the half-typed line is dropped, not run when Enter follows.
    expect(await terminal.press('tenant remove Everything\x03')).toMatch(/\^C\nflightiq> $/);
    expect(await terminal.type('')).toMatch(/flightiq> $/);
    await terminal.type('tenant add');
    await terminal.type('Interrupted');
    const stopped = await terminal.press('e\x03');
    expect(stopped).toContain('Stopped "tenant" at your Ctrl-C; nothing more was done.');
    expect(stopped).toMatch(/flightiq> $/);
    // Nothing of the form was saved, and the console still answers.
    const listed = await terminal.type('tenant list');
    expect(listed).not.toContain('Interrupted');
    const { output } = await terminal.end();
    expect(output).toContain('Bye.');
  });

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
      '',
      'test',
      'list variables --env stag',
      'list policies --env Staging',
      'versions Checkout --env Staging',
      'envs',
      'tenant list',
      'quit',
    ]);
    expect(output).toContain('Client secret (input hidden): ');
    expect(output).toContain('Test the credentials by minting a token first? [Y/n]');
    expect(output).toMatch(
      /Saved tenant Local \(secret …?.{4}\)\. Its credentials minted a worker token in \d+ ms\./,
    );
    expect(output).toMatch(/Local {2}region eu .* last test: passed/);
    expect(output).toContain('Credential test of Local: PASSED');
    expect(output).toContain('DaVinci variables in Staging (tenant Local): 10 item(s)');
    // The promotion fixtures replaced Staging's flows: the seed's policies point at flows no longer there.
    expect(output).toContain(
      'Customer portal\n  Registration policy (disabled): missing flow 1b2c3d4e5f60718293a4b5c6d7e8f90a v2 100%; used by no PingOne application',
    );
    expect(output).toMatch(
      /Checkout in Staging \(c0c0c0c0c0c0c0c0c0c0c0c0c0c0c001\): 1 version\(s\)\n {2}v3 \(deployed\) · saved \S+ · deployed \S+\n/,
    );
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
      'diff Checkout --from Staging --to Workforce',
      'frobnicate',
      'quit',
    ]);
    expect(output).toContain('Usage: list <kind> --env <env>');
    expect(output).toContain('The worker app sees no environment named "Nowhere"');
    expect(output).toContain('Workforce has no DaVinci');
    expect(output).toContain(
      '--to: Workforce has no DaVinci (its bill of materials in PingOne does not include it)',
    );
    expect(output).not.toContain('missing a role');
    expect(output).toContain('"frobnicate" is not a FlightIQ command');
  });

  it("shows, names and resets a tenant's own approvers", async () => {
    const { output } = await session([
      'tenant approvers Local',
      'tenant approvers Local = pat',
      'tenant approvers Local = U0PAT0001 S0PROD001',
      'tenant approvers Local = default',
      'quit',
    ]);
    expect(output).toContain('Local has no approvers of its own: FLIGHTIQ_APPROVERS (');
    expect(output).toContain('"pat" is not a person or a user group');
    expect(output).toContain('Saved. Local is approved by its own approvers: U0PAT0001, S0PROD001 (set by ');
    expect(output).toMatch(/Saved\. Local has no approvers of its own/);
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

  it('rolls back a promotion by the short ID "promotions recent" shows, approved in place', async () => {
    const collect = () => sim.data.collections[production]?.flows?.find((f) => f.name === 'Collect address');
    const before = collect()?.description;
    // A change in Staging for this promotion to bring into Production, and the rollback to take back out.
    sim.editFlow(
      staging,
      ids.collect,
      { description: 'Collect address, with the new lookup' },
      { deploy: true },
    );
    const terminal = await openSession();
    expect(
      await terminal.type(`promote Checkout --from Staging --to Production --reason ${'x'.repeat(301)}`),
    ).toContain('--reason is 301 characters; keep it to 300');
    const planned = await terminal.type(
      'promote Checkout --from Staging --to Production --reason CHG-7 new address lookup',
    );
    expect(planned).toContain('Reason: CHG-7 new address lookup');
    expect(planned).toContain('Approve and run it now?');
    const ran = await terminal.type('y');
    expect(ran).toContain('(tenant Local): succeeded, protected destination');
    // The plan was shown a moment ago: the answer says what happened, not the plan again.
    expect(ran).not.toContain('What changes:');
    expect(collect()?.description).toBe('Collect address, with the new lookup');

    const recent = await terminal.type('promotions recent');
    const line = recent.split('\n').find((l) => /Checkout: Staging -> Production {2}succeeded/.test(l));
    const id = /^([0-9a-f]{8}) /.exec(line ?? '')?.[1];
    expect(id, recent).toBeDefined();
    expect(line).toContain(`(rollback ${id} until `);
    expect(recent).toContain('act on it with approve, reject, run, cancel or rollback <id>');
    const shown = await terminal.type(`show ${id}`);
    expect(shown).toContain('What changes:');
    expect(shown).toContain(`Rollback is offered until`);
    expect(shown).toContain(`promotion ID ${id}`);

    // The same rules and words as Slack's buttons.
    expect(await terminal.type(`approve ${id}`)).toContain(
      'Nothing done: this promotion is already succeeded by local:',
    );
    expect(await terminal.type('rollback 1234')).toContain('Type at least 8 characters of the promotion ID');
    expect(await terminal.type('rollback 00000000')).toContain(
      'No promotion has an ID starting with 00000000',
    );

    const writes = sim.writes.length;
    // Asked once more before anything is written into Production; no leaves it as it is.
    expect(await terminal.type(`rollback ${id}`)).toContain(
      'Roll back Checkout in Production? It puts back what this promotion wrote there. [y/N]',
    );
    expect(await terminal.type('n')).toContain('Nothing done.');
    expect(sim.writes.length).toBe(writes);
    await terminal.type(`rollback ${id}`);
    const rolledBack = await terminal.type('y');
    expect(rolledBack).toContain(
      'Production is protected: a rollback there needs an approver; as its only approver here, you approve it in place.',
    );
    expect(rolledBack).toContain('Promote Checkout from Staging to Production (tenant Local): rolled back');
    expect(rolledBack).toContain('Rollback by local:');
    expect(sim.writes.length).toBeGreaterThan(writes);
    expect(collect()?.description).toBe(before);

    expect(await terminal.type(`rollback ${id}`)).toContain(
      'Nothing done: this promotion is already rolled back',
    );
    const after = await terminal.type('promotions recent');
    expect(after.split('\n').find((l) => l.startsWith(`${id} `))).toMatch(/ rolled back$/);
    await terminal.end();
  });

  it('keeps FLIGHTIQ_REQUIRED_APPROVALS for a promotion someone else requested on the shared database', async () => {
    let id = '';
    const terminal = await openSession({ FLIGHTIQ_REQUIRED_APPROVALS: '2' }, async (services) => {
      const tenant = await services.tenants.findByName('Local');
      if (!tenant) throw new Error('no tenant Local');
      const outcome = await services.promotions.request(
        { userId: consoleUser },
        {
          tenant,
          flow: 'Checkout',
          from: 'Staging',
          to: 'Production',
          options: { asNew: false, withSubflows: true },
        },
      );
      if (outcome.outcome !== 'planned') throw new Error(outcome.outcome);
      // As if requested in Slack by someone else: the console shares Slack's database.
      await database.pool?.query('UPDATE promotions SET requested_by = $2 WHERE id = $1', [
        outcome.promotion.id,
        'U0SLACK0001',
      ]);
      id = outcome.promotion.id.slice(0, 8);
    });
    // The first prompt comes after the set-up: the ID is known by then.
    expect(await terminal.type('promotions')).toContain('pending');
    const writes = sim.writes.length;
    const asked = await terminal.type(`approve ${id}`);
    expect(asked).toContain('Approve it now? [y/N]');
    const answered = await terminal.type('y');
    expect(answered).toContain('Your approval is counted. 1 more approver is needed before it runs.');
    expect(sim.writes.length).toBe(writes);
    expect(await terminal.type('promotions')).toMatch(new RegExp(`^${id} .* pending `, 'm'));
    await terminal.end();
  });

  it('shows the plan of a waiting promotion before approving it by ID, and approves only on yes', async () => {
    let id = '';
    // A promotion requested elsewhere (Slack, on a shared database) waits for this approver.
    const terminal = await openSession({}, async (services) => {
      const tenant = await services.tenants.findByName('Local');
      if (!tenant) throw new Error('no tenant Local');
      const outcome = await services.promotions.request(
        { userId: consoleUser },
        {
          tenant,
          flow: 'Checkout',
          from: 'Staging',
          to: 'Production',
          options: { asNew: false, withSubflows: true },
        },
      );
      if (outcome.outcome !== 'planned') throw new Error(outcome.outcome);
      id = outcome.promotion.id.slice(0, 8);
    });
    // The first prompt comes after the set-up: the ID is known by then.
    expect(await terminal.type('promotions')).toContain('pending');
    // The first prompt comes after the set-up: the ID is known by then.
    expect(await terminal.type('promotions')).toContain('pending');
    const writes = sim.writes.length;
    const asked = await terminal.type(`approve ${id}`);
    expect(asked).toContain('Promote Checkout from Staging to Production (tenant Local): pending');
    expect(asked).toContain('What changes:');
    expect(asked).toContain('Approve it now? [y/N]');
    expect(await terminal.type('n')).toContain('Nothing done.');
    expect(sim.writes.length).toBe(writes);
    expect(await terminal.type('promotions')).toMatch(new RegExp(`^${id} .* pending `, 'm'));

    await terminal.type(`approve ${id}`);
    const approved = await terminal.type('y');
    expect(approved).toContain('(tenant Local): succeeded, protected destination');
    expect(approved).not.toContain('What changes:');
    expect(sim.writes.length).toBeGreaterThan(writes);
    await terminal.end();
  });

  it('says in one line that a CSV file cannot be written, and goes on to the next command', async () => {
    const missing = join(tmpdir(), `flightiq-missing-${Date.now()}`, 'x.csv');
    const terminal = await openSession();
    const answer = await terminal.type(`list variables --env Staging --csv ${missing}`);
    expect(answer).toContain('DaVinci variables in Staging (tenant Local): 10 item(s)');
    expect(answer).toContain(`Could not write ${missing}: the directory does not exist.`);
    expect(answer).not.toContain('ENOENT');
    expect(answer).not.toMatch(/^\s+at /m);
    expect(await terminal.type(`list variables --env Staging --csv ${tmpdir()}`)).toContain(
      `Could not write ${tmpdir()}: that is a directory; give a file name.`,
    );
    expect(await terminal.type('envs')).toContain('Environments of Local:');
    const { output } = await terminal.end();
    expect(output).toContain('Bye.');
  });

  it('does not save credentials that cannot mint a token, unless told to after seeing why', async () => {
    const form = (name: string) => [
      'tenant add',
      name,
      'eu',
      worker().environmentId,
      worker().clientId,
      'not-the-secret',
      'basic',
    ];
    const refused = await session([...form('Wrong secret'), '', 'n', 'tenant list', 'quit']);
    expect(refused.output).toContain('Minting a worker token with these credentials…');
    expect(refused.output).toContain("PingOne refused the worker app's");
    // PingOne's refusal once, with its one correlation ID once.
    const ids = refused.output.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g) ?? [];
    const correlation = /PingOne correlation ID: (\S+)/.exec(refused.output)?.[1];
    expect(ids.filter((id) => id === correlation)).toHaveLength(1);
    expect(refused.output).not.toContain('(Correlation ID:');
    expect(refused.output.match(/PingOne refused the worker app credentials\./g)).toHaveLength(1);
    expect(refused.output).toContain('Save anyway? [y/N]');
    expect(refused.output).toContain('Nothing was saved. Fix the credentials and run "tenant add" again.');
    expect(refused.output).not.toContain('Saved tenant');
    expect(refused.output).not.toContain('Wrong secret  region');

    const anyway = await session([...form('Saved anyway'), 'y', 'y', 'tenant list', 'quit']);
    expect(anyway.output).toMatch(
      /Saved tenant Saved anyway \(secret …?.{4}\)\. Its credentials could not mint a token/,
    );
    expect(anyway.output).toMatch(/Saved anyway {2}region eu .* last test: failed/);

    const untested = await session([
      ...form('Untested'),
      'n',
      'tenant remove Untested',
      'y',
      'tenant remove Saved anyway',
      'y',
      'quit',
    ]);
    expect(untested.output).not.toContain('Minting a worker token');
    expect(untested.output).toContain('Saved tenant Untested');
    expect(untested.output).toContain('Tenant Saved anyway removed. Its stored credentials are deleted.');
  });

  it('names a wrong field by the label it was asked by, as the Slack form does', async () => {
    const { output } = await session([
      'tenant add',
      'Labels',
      'eu',
      'not-a-uuid',
      'also-not-a-uuid',
      secret(),
      'basic',
      worker().environmentId,
      worker().clientId,
      'n',
      'tenant remove Labels',
      'y',
      'quit',
    ]);
    expect(output).toContain('  Environment ID of the worker app: Enter the environment ID as a UUID');
    expect(output).toContain("  Client ID: Enter the worker app's client ID as a UUID");
    expect(output).not.toMatch(/environmentId:|clientId:/);
    expect(output).toContain('Saved tenant Labels');
  });

  it('says once that PingOne could not be reached', async () => {
    const { output } = await session(['test Local', 'quit'], {
      PINGONE_AUTH_BASE_URL: 'http://127.0.0.1:9',
    });
    expect(output).toContain('Credential test of Local: FAILED');
    expect(output).toMatch(/\nCould not reach PingOne for \/as\/token \(\w+\)\.\n/);
    expect(output).not.toContain('PingOne could not be reached');
    expect(output).toContain('Bye.');
  }, 30_000);

  it('marks expired certificates and keys as the Slack list does', async () => {
    const { output } = await session(['list certificates --env Staging', 'quit']);
    // Old TLS expired years ago; SAML signing is valid for years yet (test/fixtures/pingone/default.json).
    expect(output).toMatch(/Old TLS .*\d{4}-\d\d-\d\dT[\d:.]+Z EXPIRED\n/);
    expect(output).toMatch(/SAML signing .*\d{4}-\d\d-\d\dT[\d:.]+Z\n/);
  });

  it('aligns help, and lists under their own heading the commands that stand for Slack buttons', async () => {
    const { output } = await session(['help', 'quit']);
    for (const sub of subcommandCatalog) expect(output).toContain(`  ${sub.usage}\n      ${sub.summary}\n`);
    const buttons = output.split('Buttons in Slack, commands here:\n')[1] ?? '';
    for (const command of ['approve', 'reject', 'run', 'cancel', 'rollback']) {
      expect(buttons).toMatch(new RegExp(`^  ${command} <id>\\n {6}\\S`, 'm'));
    }
  });
});

/** The console as people start it: its own process, on a terminal of its own. */
describe('local console process', () => {
  const repo = resolve(import.meta.dirname, '../..');

  async function runProcess(
    script: string,
    args: string[],
    input: string,
    env: Record<string, string>,
  ): Promise<{ stdout: string; stderr: string; code: number | null }> {
    const clean = Object.fromEntries(
      Object.entries(process.env).filter(
        ([key]) => !/^(SLACK_|DATABASE_URL|FLIGHTIQ_|PINGONE_|LOG_LEVEL|NODE_ENV)/.test(key),
      ),
    );
    const child = spawn(
      process.execPath,
      ['--import', import.meta.resolve('tsx'), join(repo, script), ...args],
      {
        cwd: mkdtempSync(join(tmpdir(), 'flightiq-cwd-')),
        env: { ...clean, ...env },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += String(chunk);
    });
    child.stderr.on('data', (chunk) => {
      stderr += String(chunk);
    });
    child.stdin.end(input);
    const code = await new Promise<number | null>((done) => child.on('exit', done));
    return { stdout, stderr, code };
  }

  const jsonLine = /^\s*\{.*\}\s*$/m;

  it('shows only text on the terminal: start-up warnings as lines of text, no JSON', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'flightiq-console-')), 'data');
    const { stdout, stderr, code } = await runProcess('src/main.ts', ['console'], 'help\nquit\n', {
      ...sim.env,
      FLIGHTIQ_DATA_DIR: dataDir,
    });
    expect(code).toBe(0);
    expect(stdout).toContain('Buttons in Slack, commands here:');
    expect(stderr).toContain('flightiq warning: FLIGHTIQ_ENCRYPTION_KEYS is not set');
    expect(stderr).toContain('flightiq warning: PingOne hosts are overridden');
    expect(stdout).not.toMatch(jsonLine);
    expect(stderr).not.toMatch(jsonLine);
  }, 60_000);

  it('demo: Production has certificates, one expired and one expiring, and a plain promotion has no warnings', async () => {
    const { stdout, stderr, code } = await runProcess(
      'scripts/demo.ts',
      [],
      'list certificates --env Production\npromote Checkout --from Staging --to Production\nn\npromotions\nquit\n',
      {},
    );
    expect(code).toBe(0);
    // What tenant add asks for, printed: the simulator's own worker app.
    expect(stdout).toMatch(
      /To add one yourself with tenant add: any region, environment ID [0-9a-f-]{36}, client ID [0-9a-f-]{36}, client secret \S+, Client Secret (Basic|Post)\./,
    );
    const certificates = stdout.split('Certificates and keys in Production')[1]?.split('flightiq> ')[0] ?? '';
    expect(certificates).toContain('Production SAML signing');
    expect(certificates).toMatch(/ EXPIRED\n/);
    expect(certificates).toMatch(/ EXPIRES in \d+ days?\n/);
    const plan = stdout.split('Promote Checkout from Staging to Production')[1] ?? '';
    expect(plan).toContain('Collect address v7 (subflow, level 1): update');
    expect(plan).not.toContain('Warnings:');
    expect(plan).not.toContain('loop');
    // No means not now: the request waits, as the card said, and the console says how to act on it.
    expect(plan).toMatch(
      /Nothing written; it waits for an approver\. Approve it later with: approve ([0-9a-f]{8}), or withdraw it with: cancel \1/,
    );
    const id = /approve ([0-9a-f]{8})/.exec(plan)?.[1];
    expect(plan).toMatch(new RegExp(`${id} .* pending `));
    expect(stdout).not.toMatch(jsonLine);
    expect(stderr).not.toMatch(jsonLine);
  }, 60_000);
});
