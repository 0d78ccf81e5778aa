import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { type KeyRing, parseKeyRing } from './crypto/key-ring.js';

/**
 * Every environment variable FlightIQ reads, in one place. The README's configuration table and
 * `.env.example` are checked against `configVariables` by a test, so a variable added here without
 * documentation fails the build.
 */

const emptyAsUndefined = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;
const trimmed = (value: unknown) => (typeof value === 'string' ? value.trim() : value);

const optional = <T extends z.ZodType>(schema: T) => z.preprocess(emptyAsUndefined, schema.optional());
const withDefault = <T extends z.ZodType>(schema: T, fallback: z.input<T>) =>
  z.preprocess(emptyAsUndefined, schema.prefault(fallback as never));

const httpUrl = (what: string) =>
  z.string().transform((value, ctx) => {
    try {
      const url = new URL(value);
      if (url.protocol === 'http:' || url.protocol === 'https:') return url.toString();
    } catch {}
    ctx.addIssue({ code: 'custom', message: `must be an http(s) URL of ${what}` });
    return z.NEVER;
  });

/**
 * A PingOne base URL for tests and the simulator: https anywhere, plain http only to this machine, so a
 * worker's secret is never sent in the clear over a network.
 */
const pingOneBaseUrl = (what: string) =>
  httpUrl(what).refine(
    (value) => {
      const url = new URL(value);
      return url.protocol === 'https:' || ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
    },
    { error: 'must be https, or http to a loopback address (127.0.0.1, ::1, localhost)' },
  );

/** A whole number of something within bounds, with messages that name it ("must be 1 to 5 approvers"). */
const count = (noun: string, min: number, max: number) =>
  z.coerce
    .number({ error: `must be a number of ${noun}` })
    .int({ error: `must be a whole number of ${noun}` })
    .min(min, { error: `must be ${min} to ${max} ${noun}` })
    .max(max, { error: `must be ${min} to ${max} ${noun}` });

const port = z.coerce
  .number({ error: 'must be a port number' })
  .int({ error: 'must be a whole port number' })
  .min(0, { error: 'must be between 0 and 65535' })
  .max(65535, { error: 'must be between 0 and 65535' });

const slackPrincipals = (what: string) =>
  withDefault(
    z
      .string()
      .transform((value) => value.split(/[\s,]+/).filter(Boolean))
      .pipe(
        z.array(
          z.string().regex(/^[UWS][A-Z0-9]{2,}$/, {
            error: `must list Slack user IDs (U…, W…) or user-group IDs (S…) ${what}`,
          }),
        ),
      ),
    '',
  );

const durationUnits: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** `90`, `90s`, `15m`, `24h` or `2d`, as milliseconds. */
const duration = z.string().transform((value, ctx) => {
  const match = /^(\d+)\s*([smhd]?)$/i.exec(value.trim());
  const seconds = match ? Number(match[1]) * (durationUnits[(match[2] || 's').toLowerCase()] ?? 1) : 0;
  if (!match || seconds < 1) {
    ctx.addIssue({ code: 'custom', message: 'must be a duration such as 90s, 15m, 24h or 2d' });
    return z.NEVER;
  }
  return seconds * 1000;
});

/**
 * The fewest database connections FlightIQ works with: the job queue's polling, a running promotion's
 * steps and lease, and a Slack request's checks can each need one at the same moment. No code path
 * holds one connection while it waits for another, so more only shortens queues.
 */
export const minimumPoolSize = 3;

const configShape = {
  NODE_ENV: withDefault(
    z.enum(['production', 'development', 'test'], { error: 'must be production, development or test' }),
    'production',
  ).describe('`development` turns on readable (pretty) logs; anything else logs JSON.'),
  LOG_LEVEL: withDefault(
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'must be one of fatal, error, warn, info, debug, trace, silent',
    }),
    'info',
  ).describe('Lowest level written to the log.'),
  PORT: withDefault(port, 3000).describe(
    'HTTP port: Slack requests (`/slack/events`) in HTTP mode, and `/healthz`, `/readyz` in both modes.',
  ),
  METRICS_PORT: withDefault(port, 9464).describe(
    'Port of `GET /metrics` (Prometheus), apart from the port Slack reaches. Keep it private to your network.',
  ),
  SLACK_BOT_TOKEN: optional(
    z.string().regex(/^xoxb-[A-Za-z0-9-]+$/, { error: 'must be a bot token starting with xoxb-' }),
  ).describe('Bot User OAuth Token (`xoxb-…`), from the app\'s "OAuth & Permissions" page. Required.'),
  SLACK_SIGNING_SECRET: optional(
    z.string().regex(/^[0-9a-f]{32,}$/i, { error: 'must be the hexadecimal signing secret' }),
  ).describe('Signing Secret, from "Basic Information → App Credentials". Required in HTTP mode.'),
  SLACK_APP_TOKEN: optional(
    z.string().regex(/^xapp-[A-Za-z0-9-]+$/, { error: 'must be an app-level token starting with xapp-' }),
  ).describe(
    'App-level token (`xapp-…`, scope `connections:write`). When set, the app runs in Socket Mode (no public URL).',
  ),
  SLACK_API_URL: optional(httpUrl('the Slack Web API')).describe(
    'Sends Web API calls elsewhere (tests, a fake Slack). Unset: `https://slack.com/api/`.',
  ),
  DATABASE_URL: optional(
    z
      .string()
      .regex(/^postgres(ql)?:\/\/\S+$/, { error: 'must be a postgres:// or postgresql:// connection URL' }),
  ).describe('PostgreSQL connection URL. Unset: an embedded database (PGlite) in `FLIGHTIQ_DATA_DIR`.'),
  DATABASE_POOL_MAX: withDefault(
    z.coerce
      .number({ error: 'must be a number' })
      .int()
      .min(minimumPoolSize, {
        error: `must be at least ${minimumPoolSize}: background jobs, running promotions and Slack requests each need a connection at the same moment`,
      })
      .max(100, { error: `must be between ${minimumPoolSize} and 100` }),
    10,
  ).describe(
    `Most connections each replica opens to PostgreSQL (at least ${minimumPoolSize}: background jobs, running promotions and Slack requests each need one at the same moment).`,
  ),
  FLIGHTIQ_ENCRYPTION_KEYS: optional(
    z.string().transform((value, ctx): KeyRing => {
      try {
        return parseKeyRing(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
  ).describe(
    'Keys that seal client secrets: `id:base64key` entries (32-byte keys), comma-separated; the first seals, all open. Required with `DATABASE_URL`. New entry: `npm run --silent key:new`.',
  ),
  FLIGHTIQ_ADMINS: withDefault(
    z
      .string()
      .transform((value) => value.split(/[\s,]+/).filter(Boolean))
      .pipe(
        z.array(z.string().regex(/^[UW][A-Z0-9]{2,}$/, { error: 'must list Slack user IDs (U… or W…)' })),
      ),
    '',
  ).describe(
    "Slack user IDs (comma-separated) who may manage tenants. Empty: the workspace's admins and owners.",
  ),
  FLIGHTIQ_READERS: withDefault(
    z
      .string()
      .transform((value) => value.split(/[\s,]+/).filter(Boolean))
      .pipe(
        z.array(
          z.string().regex(/^[UWS][A-Z0-9]{2,}$/, {
            error: 'must list Slack user IDs (U…, W…) or user-group IDs (S…)',
          }),
        ),
      ),
    '',
  ).describe(
    'Slack user IDs and user-group IDs (comma-separated) who may run `test`, `envs` and `list`. Empty: every full member of the workspace (never guests). Admins always may.',
  ),
  FLIGHTIQ_COMMANDS_PER_PERSON: withDefault(count('commands', 1, 20), 3).describe(
    'How many commands and buttons that call PingOne (`test`, `envs`, `list`, `diff`, `promote`; Run, Approve, Rollback, Test again, the tenant form\'s test) one person may have running at once, counted across all replicas; more get "busy, try again in a moment", so one person cannot spend the PingOne rate limit that promotions share.',
  ),
  FLIGHTIQ_OPERATORS: slackPrincipals('who may request promotions').describe(
    'Slack user IDs and user-group IDs (comma-separated) who may request promotions (`promote`). Admins and approvers always may; empty: only they may.',
  ),
  FLIGHTIQ_APPROVERS: slackPrincipals('who may approve promotions').describe(
    'Slack user IDs and user-group IDs (comma-separated) who may approve or reject promotions into protected environments, and roll them back. Never the requester of the same promotion.',
  ),
  FLIGHTIQ_APPROVAL_CHANNEL: optional(
    z.string().regex(/^[CG][A-Z0-9]{2,}$/, { error: 'must be a Slack channel ID (C… or G…)' }),
  ).describe(
    'Channel ID where promotions into protected environments wait for approval. The app must be a member. Required to promote into production.',
  ),
  FLIGHTIQ_PROTECTED_ENVS: withDefault(
    z.string().transform((value) =>
      value
        .split(',')
        .map((entry) => entry.trim().toLowerCase())
        .filter(Boolean),
    ),
    '',
  ).describe(
    'Environment names or IDs (comma-separated) that need approval besides those PingOne types `PRODUCTION`.',
  ),
  FLIGHTIQ_APPROVAL_TTL: withDefault(duration, '24h').describe(
    'How long a promotion (or a rollback asked for) waits for approval before it expires (`90m`, `24h`, `2d`).',
  ),
  FLIGHTIQ_REQUIRED_APPROVALS: withDefault(count('approvers', 1, 5), 1).describe(
    'How many distinct approvers, none of them the requester, a promotion into a protected environment (and its rollback) needs.',
  ),
  FLIGHTIQ_ROLLBACK_WINDOW: withDefault(duration, '7d').describe(
    'How long after a promotion ends its Rollback button is offered (`24h`, `7d`).',
  ),
  FLIGHTIQ_LINT: optional(z.enum(['warn', 'block'], { error: 'must be warn or block' })).describe(
    'What lint findings on the flows a promotion writes do: `block` makes the plan unapprovable, `warn` only shows them. Unset: `block` into protected environments, `warn` elsewhere.',
  ),
  FLIGHTIQ_RUN_LEASE: withDefault(
    duration.refine((ms) => ms >= 5_000 && ms <= 600_000, { error: 'must be between 5s and 10m' }),
    '20s',
  ).describe(
    'How long a replica running a promotion may go without renewing its lease (it renews every quarter of it) before the run is taken for stopped and shown as interrupted.',
  ),
  FLIGHTIQ_ALERT_CHANNEL: optional(
    z.string().regex(/^[CG][A-Z0-9]{2,}$/, { error: 'must be a Slack channel ID (C… or G…)' }),
  ).describe(
    'Channel ID where alerts are posted when stored credentials stop working (and recover), and certificate and key expiry warnings. The app must be a member.',
  ),
  FLIGHTIQ_CHECK_INTERVAL: withDefault(duration, '15m').describe(
    "How often each tenant's credentials are checked in the background (`5m`, `15m`, `1h`; at least 1m).",
  ),
  FLIGHTIQ_CERT_WARN_DAYS: withDefault(
    z.coerce
      .number({ error: 'must be a number of days' })
      .int()
      .min(1)
      .max(365, { error: 'must be 1 to 365 days' }),
    30,
  ).describe(
    'Certificates and keys expiring within this many days get one warning each in the alert channel.',
  ),
  FLIGHTIQ_DRIFT_ALERTS: withDefault(
    z.enum(['on', 'off'], { error: 'must be on or off' }).transform((value) => value === 'on'),
    'on',
  ).describe(
    'Whether protected environments are compared, hourly, with what FlightIQ last wrote into them, and each flow changed outside FlightIQ gets one message in the alert channel (`on` or `off`).',
  ),
  PINGONE_AUTH_BASE_URL: optional(pingOneBaseUrl('a PingOne auth server')).describe(
    'Replaces `https://auth.pingone.<region>` for every region (tests, the simulator). A warning is logged when set.',
  ),
  PINGONE_API_BASE_URL: optional(pingOneBaseUrl('a PingOne API server')).describe(
    'Replaces `https://api.pingone.<region>` for every region (tests, the simulator). A warning is logged when set.',
  ),
  FLIGHTIQ_DATA_DIR: withDefault(z.string().min(1), '.flightiq').describe(
    'Directory of the embedded database (only used without `DATABASE_URL`). Relative to the working directory.',
  ),
} as const;

export const configVariables = Object.keys(configShape) as (keyof typeof configShape)[];

const configSchema = ({ requireSlack = true, requireKeys = true }: LoadOptions) =>
  z
    .object(configShape)
    .superRefine((env, ctx) => {
      if (requireKeys && env.DATABASE_URL && !env.FLIGHTIQ_ENCRYPTION_KEYS) {
        ctx.addIssue({
          code: 'custom',
          path: ['FLIGHTIQ_ENCRYPTION_KEYS'],
          message:
            'is not set; with DATABASE_URL it is required so that client secrets are sealed under a key kept apart from the database (create one with: npm run --silent key:new)',
        });
      }
      if (!requireSlack) return;
      if (!env.SLACK_BOT_TOKEN) {
        ctx.addIssue({
          code: 'custom',
          path: ['SLACK_BOT_TOKEN'],
          message:
            'is not set; FlightIQ needs SLACK_BOT_TOKEN (xoxb-…) and either SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode); to try it without Slack, run the local console: npm run console',
        });
      } else if (!env.SLACK_APP_TOKEN && !env.SLACK_SIGNING_SECRET) {
        ctx.addIssue({
          code: 'custom',
          path: ['SLACK_SIGNING_SECRET'],
          message: 'is not set; HTTP mode needs it (or set SLACK_APP_TOKEN for Socket Mode)',
        });
      }
    })
    .transform((env) => ({
      nodeEnv: env.NODE_ENV,
      logLevel: env.LOG_LEVEL,
      port: env.PORT,
      metricsPort: env.METRICS_PORT,
      slack: {
        // Empty only for tools that do not talk to Slack (`requireSlack: false`).
        botToken: env.SLACK_BOT_TOKEN ?? '',
        signingSecret: env.SLACK_SIGNING_SECRET,
        appToken: env.SLACK_APP_TOKEN,
        apiUrl: env.SLACK_API_URL,
      },
      admins: env.FLIGHTIQ_ADMINS,
      readers: env.FLIGHTIQ_READERS,
      commandsPerPerson: env.FLIGHTIQ_COMMANDS_PER_PERSON,
      alerts: {
        channel: env.FLIGHTIQ_ALERT_CHANNEL,
        checkIntervalMs: Math.max(env.FLIGHTIQ_CHECK_INTERVAL, 60_000),
        certificateWarningDays: env.FLIGHTIQ_CERT_WARN_DAYS,
        driftAlerts: env.FLIGHTIQ_DRIFT_ALERTS,
      },
      promotions: {
        operators: env.FLIGHTIQ_OPERATORS,
        approvers: env.FLIGHTIQ_APPROVERS,
        approvalChannel: env.FLIGHTIQ_APPROVAL_CHANNEL,
        protectedEnvironments: env.FLIGHTIQ_PROTECTED_ENVS,
        approvalTtlMs: env.FLIGHTIQ_APPROVAL_TTL,
        requiredApprovals: env.FLIGHTIQ_REQUIRED_APPROVALS,
        rollbackWindowMs: env.FLIGHTIQ_ROLLBACK_WINDOW,
        lint: env.FLIGHTIQ_LINT,
        lease: { leaseMs: env.FLIGHTIQ_RUN_LEASE, renewMs: Math.floor(env.FLIGHTIQ_RUN_LEASE / 4) },
      },
      pingone: { authBaseUrl: env.PINGONE_AUTH_BASE_URL, apiBaseUrl: env.PINGONE_API_BASE_URL },
      /** Unset only with the embedded database, which then keeps a generated key in its data directory. */
      encryptionKeys: env.FLIGHTIQ_ENCRYPTION_KEYS,
      database: {
        url: env.DATABASE_URL,
        poolMax: env.DATABASE_POOL_MAX,
        dataDir: env.FLIGHTIQ_DATA_DIR,
      },
    }));

export type Config = z.infer<ReturnType<typeof configSchema>>;

/** A configuration problem, already worded for the person starting the app: one line, no stack. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export interface LoadOptions {
  /** False for tools that do not talk to Slack (`npm run migrate`, `npm run rotate-keys`). */
  requireSlack?: boolean;
  /** False for tools that never touch a secret (`npm run migrate`). */
  requireKeys?: boolean;
}

/**
 * The settings that hold secrets. Each may instead be read from a file named by `<NAME>_FILE` (a
 * Kubernetes Secret or Docker secret mounted read-only): a value in a file is not in the process
 * environment, so it does not show in `/proc/<pid>/environ`, `docker inspect` or a crash dump of it.
 */
export const secretVariables = [
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_APP_TOKEN',
  'DATABASE_URL',
  'FLIGHTIQ_ENCRYPTION_KEYS',
] as const satisfies readonly (keyof typeof configShape)[];

/** `<NAME>_FILE` read into `<NAME>`; problems name the variable and the file, never its content. */
function secretsFromFiles(env: NodeJS.ProcessEnv, problems: string[]): Record<string, string> {
  const read: Record<string, string> = {};
  for (const name of secretVariables) {
    const path = env[`${name}_FILE`]?.trim();
    if (!path) continue;
    if (env[name]?.trim()) {
      problems.push(`${name} and ${name}_FILE are both set; set one of them`);
      continue;
    }
    try {
      read[name] = readFileSync(path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      problems.push(`${name}_FILE names ${path}, which cannot be read (${code})`);
    }
  }
  return read;
}

export function loadConfig(env: NodeJS.ProcessEnv, options: LoadOptions = {}): Config {
  const fileVariables = new Set<string>(secretVariables.map((name) => `${name}_FILE`));
  const unknown = Object.keys(env).filter(
    (name) =>
      name.startsWith('FLIGHTIQ_') &&
      !(configVariables as string[]).includes(name) &&
      !fileVariables.has(name),
  );
  const problems = unknown.map((name) => `${name} is not a FlightIQ setting${suggestion(name)}`);
  const fromFiles = secretsFromFiles(env, problems);

  const picked = Object.fromEntries(
    configVariables.map((name) => [name, trimmed(fromFiles[name] ?? env[name])]),
  );
  const parsed = configSchema(options).safeParse(picked);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0] ?? 'configuration');
      problems.push(`${name} ${issue.message}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(`Configuration error: ${problems.join('; ')}.`);
  // biome-ignore lint/style/noNonNullAssertion: a failed parse always adds a problem above
  return parsed.data!;
}

function suggestion(name: string): string {
  const near = configVariables.find((known) => known.startsWith(name) || name.startsWith(known));
  return near ? ` (did you mean ${near}?)` : '';
}
