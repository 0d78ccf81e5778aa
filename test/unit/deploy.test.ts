import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { configVariables, loadConfig, secretVariables } from '../../src/config.js';

/**
 * compose.yaml and the Helm chart against the code: every environment variable they set is a
 * FlightIQ setting, every one FlightIQ requires is set (or required from the operator), and the
 * ports and probes are the ones the app serves. There is no Helm binary on these machines, so the
 * chart's templates are parsed rather than rendered: each template must be YAML once its `{{ }}`
 * parts are stood in for, and every `.Values` path it reads must exist in values.yaml.
 */

const repo = resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(join(repo, file), 'utf8');
const defaults = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: 'a'.repeat(32) });
const settings = new Set<string>(configVariables);
/** What FlightIQ cannot start without in production (DATABASE_URL: a shared database; then keys). */
const required = ['SLACK_BOT_TOKEN', 'DATABASE_URL', 'FLIGHTIQ_ENCRYPTION_KEYS'];

describe('compose.yaml', () => {
  const compose = parse(read('compose.yaml')) as {
    services: Record<
      string,
      {
        image?: string;
        environment?: Record<string, string>;
        env_file?: string;
        ports?: string[];
        volumes?: string[];
        read_only?: boolean;
        cap_drop?: string[];
        security_opt?: string[];
        tmpfs?: string[];
        depends_on?: Record<string, { condition: string }>;
        healthcheck?: unknown;
      }
    >;
  };
  const app = compose.services.flightiq;
  const database = compose.services.postgres;

  it('runs FlightIQ against PostgreSQL 16, once the database answers', () => {
    expect(database?.image).toMatch(/^postgres:16/);
    expect(database?.healthcheck).toBeDefined();
    expect(app?.depends_on?.postgres?.condition).toBe('service_healthy');
  });

  it('sets only FlightIQ settings, requires the ones FlightIQ needs, and takes secrets from .env', () => {
    const environment = app?.environment ?? {};
    expect(Object.keys(environment).filter((name) => !settings.has(name))).toEqual([]);
    for (const name of required) {
      // `${VAR:?…}`: compose refuses to start with it unset, naming it; DATABASE_URL is built here.
      expect(environment[name], name).toMatch(
        name === 'DATABASE_URL'
          ? /^postgres:\/\/flightiq:\$\{POSTGRES_APP_PASSWORD:\?.*@postgres:5432\/flightiq$/
          : /:\?/,
      );
    }
    expect(Object.keys(environment)).toEqual(
      expect.arrayContaining(['SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN']),
    );
    // Every setting an operator may put in .env reaches the app by name (only tests' and the image's own are left out).
    const own = [
      'NODE_ENV',
      'SLACK_API_URL',
      'PINGONE_AUTH_BASE_URL',
      'PINGONE_API_BASE_URL',
      'FLIGHTIQ_DATA_DIR',
    ];
    expect(Object.keys(environment).sort()).toEqual(
      configVariables.filter((name) => !own.includes(name)).sort(),
    );
    expect(read('compose.yaml')).not.toMatch(/xox[bpa]-\d|postgres:\/\/flightiq:[^$]/);
  });

  it('gives the app none of .env but what it names: no superuser password, no whole file', () => {
    expect(app?.env_file).toBeUndefined();
    expect(JSON.stringify(app?.environment)).not.toContain('POSTGRES_PASSWORD');
    expect(Object.keys(database?.environment ?? {}).sort()).toEqual([
      'POSTGRES_APP_PASSWORD',
      'POSTGRES_PASSWORD',
    ]);
  });

  it('connects as an unprivileged role that owns only its database', () => {
    const mounted = (database?.volumes ?? []).find((volume) => volume.includes('docker-entrypoint-initdb.d'));
    expect(mounted).toBe(
      './deploy/compose/create-app-role.sh:/docker-entrypoint-initdb.d/10-create-app-role.sh:ro',
    );
    const script = read('deploy/compose/create-app-role.sh');
    expect(script).toMatch(
      /CREATE ROLE flightiq LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD :'app_password';/,
    );
    expect(script).toContain('CREATE DATABASE flightiq OWNER flightiq;');
    // The password goes in as a psql variable, quoted by psql, never spliced into the SQL text.
    expect(script).toContain(`-v app_password="$POSTGRES_APP_PASSWORD" <<'SQL'`);
  });

  it('publishes the app port and the metrics port on loopback by default', () => {
    expect(app?.ports).toEqual([
      `\${PUBLISH_ADDRESS:-127.0.0.1}:${defaults.port}:${defaults.port}`,
      `127.0.0.1:${defaults.metricsPort}:${defaults.metricsPort}`,
    ]);
  });

  it('runs the app read-only, with no capability and no way to gain privileges', () => {
    expect(app?.read_only).toBe(true);
    expect(app?.cap_drop).toEqual(['ALL']);
    expect(app?.security_opt).toEqual(['no-new-privileges:true']);
    expect(app?.tmpfs).toEqual(['/tmp:size=64m,mode=1777']);
  });
});

/** `docker compose` (v2) or `docker-compose` (v1), where one is installed. */
function composeCommand(): string[] | undefined {
  for (const command of [['docker', 'compose'], ['docker-compose']]) {
    const [bin = '', ...args] = command;
    if (spawnSync(bin, [...args, 'version'], { encoding: 'utf8', timeout: 10_000 }).status === 0)
      return command;
  }
  return undefined;
}
const compose = composeCommand();

describe('compose.yaml as Docker Compose reads it', () => {
  it.skipIf(!compose)(
    `is valid, and resolves to the hardened app${compose ? '' : ' (skipped: no docker compose on this machine)'}`,
    () => {
      const [bin = '', ...args] = compose ?? [];
      const run = (env: Record<string, string>) =>
        spawnSync(bin, [...args, '--project-directory', repo, '-f', join(repo, 'compose.yaml'), 'config'], {
          encoding: 'utf8',
          timeout: 30_000,
          env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
        });
      const secrets = {
        POSTGRES_PASSWORD: 'superuser-canary',
        POSTGRES_APP_PASSWORD: 'apppw0123',
        FLIGHTIQ_ENCRYPTION_KEYS: 'k1:x',
        SLACK_BOT_TOKEN: 'xoxb-1-2-abc',
      };
      const resolved = run(secrets);
      expect(resolved.status, resolved.stderr).toBe(0);
      const config = parse(resolved.stdout) as {
        services: Record<
          string,
          { environment?: Record<string, string>; ports?: unknown[]; read_only?: boolean }
        >;
      };
      const app = config.services.flightiq;
      expect(app?.environment?.DATABASE_URL).toBe('postgres://flightiq:apppw0123@postgres:5432/flightiq');
      expect(JSON.stringify(app)).not.toContain('superuser-canary');
      expect(JSON.stringify(app?.ports)).toContain('127.0.0.1');
      expect(JSON.stringify(app?.ports)).not.toContain('0.0.0.0');
      expect(app?.read_only).toBe(true);
      // Without the app's database password, Compose refuses to start and says which.
      const { POSTGRES_APP_PASSWORD: _left, ...without } = secrets;
      const refused = run(without);
      expect(refused.status).not.toBe(0);
      expect(refused.stderr).toContain('POSTGRES_APP_PASSWORD');
    },
  );
});

describe('the Helm chart (deploy/helm/flightiq)', () => {
  const chart = 'deploy/helm/flightiq';
  const values = parse(read(`${chart}/values.yaml`)) as {
    replicaCount: number;
    image: { tag: string };
    secret: { name: string; keys: string[]; mountPath: string };
    env: Record<string, string>;
    service: { port: number };
    metrics: { port: number; service: { enabled: boolean }; serviceMonitor: { enabled: boolean } };
    networkPolicy: { enabled: boolean };
    tmpSizeLimit: string;
  };
  const templates = readdirSync(join(repo, chart, 'templates')).filter((file) => file.endsWith('.yaml'));
  const template = (file: string) => read(`${chart}/templates/${file}`);

  it('runs two replicas by default, with secrets from a Kubernetes Secret and settings that exist', () => {
    expect(values.replicaCount).toBe(2);
    expect([...values.secret.keys, ...Object.keys(values.env)].filter((name) => !settings.has(name))).toEqual(
      [],
    );
    expect(values.secret.keys).toEqual(expect.arrayContaining([...required, 'SLACK_SIGNING_SECRET']));
    const deployment = template('deployment.yaml');
    // Secrets are files, named to FlightIQ by <NAME>_FILE; none is an environment variable.
    expect(deployment).not.toContain('secretRef');
    expect(deployment).not.toContain('secretKeyRef');
    expect(deployment).toContain('- name: {{ . }}_FILE');
    expect(deployment).toMatch(/secretName: \{\{ \.Values\.secret\.name \}\}\s+# 0440 .*\s+defaultMode: 288/);
    expect(deployment).toMatch(/mountPath: \{\{ \.Values\.secret\.mountPath \}\}\s+readOnly: true/);
    expect(
      values.secret.keys.filter((name) => !(secretVariables as readonly string[]).includes(name)),
    ).toEqual([]);
    const literal = [...deployment.matchAll(/- name: ([A-Z][A-Z0-9_]+)$/gm)].map((match) => match[1]);
    expect(literal.filter((name) => !settings.has(name ?? ''))).toEqual([]);
  });

  it('probes readiness on /readyz and liveness on /healthz, on the port the app serves', () => {
    const deployment = template('deployment.yaml');
    expect(deployment).toMatch(/readinessProbe:\s+httpGet:\s+path: \/readyz/);
    expect(deployment).toMatch(/livenessProbe:\s+httpGet:\s+path: \/healthz/);
    expect(values.service.port).toBe(defaults.port);
    expect(values.metrics.port).toBe(defaults.metricsPort);
    expect(values.metrics.serviceMonitor.enabled).toBe(false);
    expect(template('servicemonitor.yaml')).toContain('path: /metrics');
  });

  it('serves metrics on a Service of their own, off by default, never on the one Slack reaches', () => {
    expect(values.metrics.service.enabled).toBe(false);
    expect(template('service.yaml')).not.toContain('metrics');
    expect(template('metrics-service.yaml')).toMatch(/^\{\{- if \.Values\.metrics\.service\.enabled \}\}/);
    expect(template('servicemonitor.yaml')).toContain('app.kubernetes.io/component: metrics');
  });

  it('runs without a service account token, capabilities or privilege escalation, under RuntimeDefault seccomp', () => {
    const deployment = template('deployment.yaml');
    expect(deployment).toContain('automountServiceAccountToken: false');
    expect(deployment).toMatch(/capabilities:\s+drop:\s+- ALL/);
    expect(deployment.match(/seccompProfile:\s+type: RuntimeDefault/g)).toHaveLength(2);
    expect(deployment).toContain('allowPrivilegeEscalation: false');
    expect(deployment).toContain('readOnlyRootFilesystem: true');
    expect(deployment).toMatch(/emptyDir:\s+sizeLimit: \{\{ \.Values\.tmpSizeLimit \}\}/);
    expect(values.tmpSizeLimit).toBe('64Mi');
  });

  it('has a NetworkPolicy, on by default: http in, metrics only from whom it names, DNS, PostgreSQL and HTTPS out', () => {
    expect(values.networkPolicy.enabled).toBe(true);
    const policy = template('networkpolicy.yaml');
    expect(policy).toContain('kind: NetworkPolicy');
    expect(policy).toMatch(/policyTypes:\s+- Ingress\s+- Egress/);
    expect(policy).toContain('{{- with .Values.networkPolicy.metricsFrom }}');
    for (const port of ['port: 53', 'port: {{ .Values.networkPolicy.databasePort }}', 'port: 443'])
      expect(policy).toContain(port);
  });

  it("is documented with the image tag it deploys by default, a key made with the image, and lists as Helm's lists", () => {
    const appVersion = /^appVersion: "(.+)"$/m.exec(read(`${chart}/Chart.yaml`))?.[1];
    expect(values.image.tag).toBe('');
    expect(template('deployment.yaml')).toContain('{{ .Values.image.tag | default .Chart.AppVersion }}');
    const readme = read('docs/operations.md');
    expect(readme).toContain(`docker build -t <your registry>/flightiq:${appVersion} .`);
    // The key is made by the image's own Node: dist/cli/new-key.js is built from src/cli/new-key.ts.
    expect(readme).toContain('node dist/cli/new-key.js > flightiq-secrets/FLIGHTIQ_ENCRYPTION_KEYS');
    expect(read('src/cli/new-key.ts')).toContain('generateKeyEntry()');
    // No command line in it sets a list with a plain --set, which Helm splits at the comma.
    expect(readme).not.toMatch(/^\s*(?:helm .*)?--set env\.FLIGHTIQ_\w+=[^ ]*,/m);
  });

  it('never shows a secret passed on a command line in its documentation', () => {
    for (const text of [
      read('README.md'),
      read('docs/operations.md'),
      read(`${chart}/values.yaml`),
      read(`${chart}/templates/NOTES.txt`),
    ])
      expect(text).not.toMatch(/--from-literal[= ]/);
  });

  it('has templates that are YAML, and reads only values that exist', () => {
    const has = (path: string[]) =>
      path.reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], values) !==
      undefined;
    for (const file of templates) {
      const text = template(file);
      const missing = [...text.matchAll(/\.Values\.([\w.]+)/g)]
        .map((match) => match[1] ?? '')
        .filter((path) => !has(path.split('.')));
      expect(missing, file).toEqual([]);
      // Control lines out, each expression a plain scalar: what is left must parse.
      const standIn = text
        .split('\n')
        .filter(
          (line) => !/^\s*\{\{-? *(?:(?:if|end|range|else|with)\b|\$\w+ *:?=|\/\*).*\}\}\s*$/.test(line),
        )
        // A line that is only an expression (an include, a toYaml) stands for mapping entries.
        .map((line) => line.replace(/^(\s*)\{\{-?[^}]*\}\}\s*$/, '$1stand-in: x'))
        .map((line) => line.replace(/\{\{-?[^}]*\}\}/g, 'x'))
        .join('\n');
      const documents = parseAllDocuments(standIn);
      expect(
        documents.flatMap((doc) => doc.errors.map((error) => error.message)),
        file,
      ).toEqual([]);
      const kinds = documents.map((doc) => (doc.toJS() as { kind?: string } | null)?.kind);
      expect(kinds.every(Boolean), file).toBe(true);
    }
  });
});

describe('the Dockerfile', () => {
  const stages = read('Dockerfile')
    .split(/^FROM /m)
    .slice(1);
  const runtime = stages.find((stage) => / AS runtime$/m.test(stage.split('\n')[0] ?? '')) ?? '';

  it('leaves npm, npx and corepack out of the runtime image, and runs node itself', () => {
    const runs = [...runtime.matchAll(/^RUN ((?:[^\n]*\\\n)*[^\n]*)/gm)].map((match) => match[1] ?? '');
    // No RUN of the runtime stage calls npm or npx (they are removed there).
    expect(runs.filter((run) => /(^|&&|;|\|)\s*np[mx]\b/.test(run))).toEqual([]);
    const removed = runs.join(' ');
    for (const path of [
      '/usr/local/lib/node_modules/npm',
      '/usr/local/bin/npm',
      '/usr/local/bin/npx',
      '/usr/local/bin/corepack',
    ])
      expect(removed).toContain(path);
    expect(runtime).toContain('COPY --from=dependencies /app/node_modules ./node_modules');
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^CMD \["node", "dist\/main\.js"\]$/m);
  });
});
