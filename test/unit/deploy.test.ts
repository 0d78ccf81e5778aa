import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { configVariables, loadConfig } from '../../src/config.js';

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
        name === 'DATABASE_URL' ? /^postgres:\/\/.+@postgres:5432\// : /:\?/,
      );
    }
    expect(Object.keys(environment)).toEqual(
      expect.arrayContaining(['SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN']),
    );
    expect(app?.env_file).toBe('.env');
    expect(read('compose.yaml')).not.toMatch(/xox[bpa]-\d|postgres:\/\/flightiq:[^$]/);
  });

  it('publishes the app port and keeps the metrics port on loopback', () => {
    expect(app?.ports).toEqual([
      `${defaults.port}:${defaults.port}`,
      `127.0.0.1:${defaults.metricsPort}:${defaults.metricsPort}`,
    ]);
  });
});

describe('the Helm chart (deploy/helm/flightiq)', () => {
  const chart = 'deploy/helm/flightiq';
  const values = parse(read(`${chart}/values.yaml`)) as {
    replicaCount: number;
    secret: { name: string; keys: string[] };
    env: Record<string, string>;
    service: { port: number };
    metrics: { port: number; serviceMonitor: { enabled: boolean } };
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
    expect(deployment).toContain('secretRef:\n                name: {{ .Values.secret.name }}');
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
        .filter((line) => !/^\s*\{\{-? *(if|end|range|else)\b.*\}\}\s*$/.test(line))
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
