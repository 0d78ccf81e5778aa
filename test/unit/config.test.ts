import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

const slack = { SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: 'a'.repeat(32) };

function problem(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a configuration error');
}

describe('configuration', () => {
  it('fills in defaults: HTTP mode on port 3000, embedded database in .flightiq, JSON logs at info', () => {
    const config = loadConfig(slack);
    expect(config).toMatchObject({
      nodeEnv: 'production',
      logLevel: 'info',
      port: 3000,
      slack: { botToken: 'xoxb-1-2-abc', appToken: undefined },
      database: { url: undefined, dataDir: '.flightiq', poolMax: 10 },
    });
  });

  it('treats empty and blank values as unset, and trims the rest', () => {
    const config = loadConfig({ ...slack, PORT: '  ', DATABASE_URL: '', LOG_LEVEL: ' debug ' });
    expect(config.port).toBe(3000);
    expect(config.database.url).toBeUndefined();
    expect(config.logLevel).toBe('debug');
  });

  it('reads promotion and alert settings, with their defaults', () => {
    const defaults = loadConfig(slack);
    expect(defaults.promotions).toMatchObject({
      approvalTtlMs: 86_400_000,
      protectedEnvironments: [],
      operators: [],
    });
    expect(defaults.alerts).toMatchObject({
      checkIntervalMs: 900_000,
      certificateWarningDays: 30,
      channel: undefined,
    });
    expect(defaults.metricsPort).toBe(9464);
    const set = loadConfig({
      ...slack,
      FLIGHTIQ_APPROVAL_TTL: '90m',
      FLIGHTIQ_PROTECTED_ENVS: ' Staging , bb22bb22-0000-4000-8000-000000000002 ',
      FLIGHTIQ_APPROVERS: 'U0A1, S0GROUP1',
      FLIGHTIQ_CHECK_INTERVAL: '2d',
    });
    expect(set.promotions.approvalTtlMs).toBe(5_400_000);
    expect(set.promotions.protectedEnvironments).toEqual(['staging', 'bb22bb22-0000-4000-8000-000000000002']);
    expect(set.promotions.approvers).toEqual(['U0A1', 'S0GROUP1']);
    expect(set.alerts.checkIntervalMs).toBe(172_800_000);
    expect(defaults.promotions).toMatchObject({
      requiredApprovals: 1,
      rollbackWindowMs: 7 * 86_400_000,
      lease: { leaseMs: 20_000, renewMs: 5_000 },
    });
    const strict = loadConfig({
      ...slack,
      FLIGHTIQ_REQUIRED_APPROVALS: '2',
      FLIGHTIQ_ROLLBACK_WINDOW: '24h',
      FLIGHTIQ_RUN_LEASE: '1m',
    });
    expect(strict.promotions).toMatchObject({
      requiredApprovals: 2,
      rollbackWindowMs: 86_400_000,
      lease: { leaseMs: 60_000, renewMs: 15_000 },
    });
  });

  it('takes PingOne base URLs only over https, or plain http to this machine', () => {
    expect(problem({ ...slack, PINGONE_API_BASE_URL: 'http://pingone.example.com' })).toContain(
      'PINGONE_API_BASE_URL must be https, or http to a loopback address',
    );
    expect(problem({ ...slack, PINGONE_AUTH_BASE_URL: 'http://10.0.0.5:8080' })).toContain(
      'PINGONE_AUTH_BASE_URL must be https',
    );
    const fine = loadConfig({
      ...slack,
      PINGONE_API_BASE_URL: 'https://api.pingone.example.com',
      PINGONE_AUTH_BASE_URL: 'http://127.0.0.1:9999',
    });
    expect(fine.pingone).toEqual({
      apiBaseUrl: 'https://api.pingone.example.com/',
      authBaseUrl: 'http://127.0.0.1:9999/',
    });
  });

  it('refuses a pool too small for the app, in one line saying the minimum', () => {
    const said = problem({ ...slack, DATABASE_POOL_MAX: '1' });
    expect(said).toBe(
      'Configuration error: DATABASE_POOL_MAX must be at least 3: background jobs, running promotions and Slack requests each need a connection at the same moment.',
    );
    expect(problem({ ...slack, FLIGHTIQ_REQUIRED_APPROVALS: '0' })).toContain(
      'FLIGHTIQ_REQUIRED_APPROVALS must be 1 to 5 approvers',
    );
    expect(problem({ ...slack, FLIGHTIQ_RUN_LEASE: '1s' })).toContain(
      'FLIGHTIQ_RUN_LEASE must be between 5s and 10m',
    );
  });

  it('names a malformed duration, channel or approver list', () => {
    expect(problem({ ...slack, FLIGHTIQ_APPROVAL_TTL: 'soon' })).toBe(
      'Configuration error: FLIGHTIQ_APPROVAL_TTL must be a duration such as 90s, 15m, 24h or 2d.',
    );
    expect(problem({ ...slack, FLIGHTIQ_APPROVAL_CHANNEL: '#approvals' })).toContain(
      'FLIGHTIQ_APPROVAL_CHANNEL must be a Slack channel ID (C… or G…)',
    );
    expect(problem({ ...slack, FLIGHTIQ_APPROVERS: 'alice' })).toContain(
      'FLIGHTIQ_APPROVERS must list Slack user IDs',
    );
  });

  it('runs in Socket Mode with an app token and no signing secret', () => {
    const config = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1-A1-2' });
    expect(config.slack.appToken).toBe('xapp-1-A1-2');
  });

  it('names the Slack variables needed when none is set', () => {
    expect(problem({})).toBe(
      'Configuration error: SLACK_BOT_TOKEN is not set; FlightIQ needs SLACK_BOT_TOKEN (xoxb-…) and either SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode); to try it without Slack, run the local console: npm run console.',
    );
  });

  it('asks for the signing secret in HTTP mode', () => {
    expect(problem({ SLACK_BOT_TOKEN: 'xoxb-1' })).toBe(
      'Configuration error: SLACK_SIGNING_SECRET is not set; HTTP mode needs it (or set SLACK_APP_TOKEN for Socket Mode).',
    );
  });

  it.each([
    [{ SLACK_BOT_TOKEN: 'xoxp-user-token' }, 'SLACK_BOT_TOKEN must be a bot token starting with xoxb-'],
    [{ SLACK_APP_TOKEN: 'xoxb-1' }, 'SLACK_APP_TOKEN must be an app-level token starting with xapp-'],
    [{ PORT: '70000' }, 'PORT must be between 0 and 65535'],
    [{ PORT: 'http' }, 'PORT must be a port number'],
    [
      { DATABASE_URL: 'mysql://db/flightiq' },
      'DATABASE_URL must be a postgres:// or postgresql:// connection URL',
    ],
    [{ SLACK_API_URL: 'ftp://x' }, 'SLACK_API_URL must be an http(s) URL of the Slack Web API'],
    [{ LOG_LEVEL: 'verbose' }, 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent'],
    [
      { FLIGHTIQ_DATA_DIRECTORY: '/x' },
      'FLIGHTIQ_DATA_DIRECTORY is not a FlightIQ setting (did you mean FLIGHTIQ_DATA_DIR?)',
    ],
  ])('refuses %o with a line that names the variable', (bad, message) => {
    const text = problem({ ...slack, ...bad });
    expect(text).toContain(message);
    expect(text.split('\n')).toHaveLength(1);
  });

  it('requires encryption keys with a real database, naming how to make one', () => {
    expect(problem({ ...slack, DATABASE_URL: 'postgres://db/flightiq' })).toContain(
      'FLIGHTIQ_ENCRYPTION_KEYS is not set; with DATABASE_URL it is required',
    );
    const keys = `k1:${Buffer.alloc(32, 3).toString('base64')}`;
    expect(
      loadConfig({ ...slack, DATABASE_URL: 'postgres://db/x', FLIGHTIQ_ENCRYPTION_KEYS: keys }).encryptionKeys
        ?.sealingKeyId,
    ).toBe('k1');
  });

  it('reads FLIGHTIQ_ADMINS as a list of Slack user IDs', () => {
    expect(loadConfig({ ...slack, FLIGHTIQ_ADMINS: 'U012AB, W034CD U056EF' }).admins).toEqual([
      'U012AB',
      'W034CD',
      'U056EF',
    ]);
    expect(problem({ ...slack, FLIGHTIQ_ADMINS: 'alice' })).toContain(
      'FLIGHTIQ_ADMINS must list Slack user IDs',
    );
  });

  it('puts every problem on the one line', () => {
    const text = problem({ ...slack, PORT: 'x', LOG_LEVEL: 'loud' });
    expect(text).toBe(
      'Configuration error: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent; PORT must be a port number.',
    );
  });

  it('never repeats a secret value in its message', () => {
    const text = problem({
      SLACK_BOT_TOKEN: 'xoxb-canary-secret-value',
      SLACK_SIGNING_SECRET: 'not hex canary',
    });
    expect(text).not.toContain('canary');
  });

  it('reads each secret from a file named by <NAME>_FILE, as a mounted Kubernetes or Docker secret is', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flightiq-secrets-'));
    const file = (name: string, content: string) => {
      writeFileSync(join(dir, name), content, { mode: 0o400 });
      return join(dir, name);
    };
    const config = loadConfig({
      SLACK_BOT_TOKEN_FILE: file('bot', 'xoxb-1-2-fromfile\n'),
      SLACK_SIGNING_SECRET_FILE: file('signing', `${'b'.repeat(32)}\n`),
      DATABASE_URL_FILE: file('db', 'postgres://app:pw@db:5432/flightiq\n'),
      FLIGHTIQ_ENCRYPTION_KEYS_FILE: file('keys', `k1:${Buffer.alloc(32, 7).toString('base64')}\n`),
    });
    expect(config.slack.botToken).toBe('xoxb-1-2-fromfile');
    expect(config.slack.signingSecret).toBe('b'.repeat(32));
    expect(config.database.url).toBe('postgres://app:pw@db:5432/flightiq');
  });

  it('names a secret file it cannot read, or a secret set twice, never showing a value', () => {
    expect(problem({ ...slack, DATABASE_URL_FILE: '/nonexistent/flightiq/db' })).toContain(
      'DATABASE_URL_FILE names /nonexistent/flightiq/db, which cannot be read (ENOENT)',
    );
    const dir = mkdtempSync(join(tmpdir(), 'flightiq-secrets-'));
    writeFileSync(join(dir, 'bot'), 'xoxb-canary-in-a-file');
    const twice = problem({ ...slack, SLACK_BOT_TOKEN_FILE: join(dir, 'bot') });
    expect(twice).toContain('SLACK_BOT_TOKEN and SLACK_BOT_TOKEN_FILE are both set; set one of them');
    expect(twice).not.toContain('canary');
  });
});
