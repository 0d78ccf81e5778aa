import { createServer, type Server } from 'node:http';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Logger } from './logger.js';

/**
 * Prometheus metrics (prom-client), one registry per process. Counters are module-level so that the
 * layers that count (the command dispatcher, the PingOne client, the token cache) need no wiring;
 * gauges read from the database at scrape time, so every replica reports the same shared state.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'flightiq_process_' });

export const commandsTotal = new Counter({
  name: 'flightiq_commands_total',
  help: 'Slash sub-commands handled, by name and outcome (ok, failed, busy, repeat: a replay dropped, uncertain: not run because a replay could not be ruled out).',
  labelNames: ['command', 'outcome'] as const,
  registers: [registry],
});

export const ackLatency = new Histogram({
  name: 'flightiq_ack_latency_seconds',
  help: 'Time from a slash command reaching the app to its acknowledgement (Slack allows 3 s).',
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3],
  registers: [registry],
});

export const pingoneRequests = new Counter({
  name: 'flightiq_pingone_requests_total',
  help: 'PingOne calls, by endpoint group and HTTP status (0 = no answer).',
  labelNames: ['group', 'status'] as const,
  registers: [registry],
});

export const pingoneLatency = new Histogram({
  name: 'flightiq_pingone_request_duration_seconds',
  help: 'PingOne call duration by endpoint group, retries included.',
  labelNames: ['group'] as const,
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
  registers: [registry],
});

export const tokenCache = new Counter({
  name: 'flightiq_token_cache_total',
  help: 'Worker token lookups: hit (cached token used), shared (joined a mint in flight), mint (new token requested).',
  labelNames: ['result'] as const,
  registers: [registry],
});

export const jobLag = new Gauge({
  name: 'flightiq_job_lag_seconds',
  help: 'How long the last job of each queue waited between being queued and starting.',
  labelNames: ['queue'] as const,
  registers: [registry],
});

/** The group a PingOne path belongs to: `/environments/{id}/flows/{id}` → `flows`. Keeps label values few. */
export function endpointGroup(path: string): string {
  if (path.endsWith('/as/token')) return 'token';
  const parts = path.split('?')[0]?.split('/').filter(Boolean) ?? [];
  if (parts[0] !== 'environments') return parts[0] ?? 'unknown';
  if (parts.length <= 2) return 'environments';
  if (parts[2] === 'applications' && parts[4] === 'roleAssignments') return 'roleAssignments';
  if (parts[2] === 'flows' && parts[4] === 'versions') return 'flowVersions';
  if (parts[2] === 'schemas' && parts[4] === 'attributes') return 'attributes';
  if (parts[2] === 'davinciApplications' && parts[4] === 'flowPolicies') return 'flowPolicies';
  return parts[2] ?? 'unknown';
}

/** Gauges whose value lives in the database, read when Prometheus scrapes (so every replica agrees). */
export function registerDatabaseGauges(read: {
  promotionsByStatus: () => Promise<ReadonlyMap<string, number>>;
  failingTenants: () => Promise<number>;
}): void {
  registry.removeSingleMetric('flightiq_promotions');
  registry.removeSingleMetric('flightiq_alerts_open');
  new Gauge({
    name: 'flightiq_promotions',
    help: 'Promotions by status.',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const [status, count] of await read.promotionsByStatus()) this.set({ status }, count);
    },
  });
  new Gauge({
    name: 'flightiq_alerts_open',
    help: 'Tenants whose stored credentials are failing now.',
    registers: [registry],
    async collect() {
      this.set(await read.failingTenants());
    },
  });
}

/**
 * `GET /metrics` on a port of its own (METRICS_PORT), apart from the port Slack reaches, so that the
 * public Slack endpoint never serves operational data.
 */
export async function startMetricsServer(
  port: number,
  logger: Logger,
): Promise<{ port: number; stop(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || new URL(req.url ?? '/', 'http://localhost').pathname !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (error: unknown) => {
        logger.warn({ err: error }, 'metrics could not be collected');
        res.writeHead(500).end();
      },
    );
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(port, done);
  });
  const bound = (server.address() as { port: number }).port;
  logger.info({ port: bound }, 'metrics at /metrics');
  return {
    port: bound,
    stop: () => new Promise<void>((done) => server.close(() => done())),
  };
}
