/**
 * bench/checks: one replica monitoring 1,000 tenants, each its own worker app, at PingOne latency 50 ms.
 * Reports how evenly the checks spread over the interval (checks per minute, maximum over mean), how
 * many PingOne calls each tenant costs per hour, and the acknowledgement p99 of slash commands while
 * the checks run against the p99 with nothing running.
 *
 *   npm run bench:checks [-- --tenants 1000 --interval 15m --intervals 2 --latency 50 --rate 10]
 *
 * The first interval includes each tenant's certificate and key scan (every 6 hours); the second is a
 * steady interval. Calls per hour are worked out from both: 60/interval steady intervals, plus one
 * scan every 6 hours.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Agent, request } from 'undici';
import { expiryScanMs } from '../src/core/credentials/monitor.js';
import { FakeSlack } from '../test/support/fake-slack.js';
import { PingOneSimulator } from '../test/support/pingone-simulator.js';
import {
  benchDatabaseEnv,
  benchLogger,
  percentile,
  report,
  round,
  signedCommand,
  startBenchService,
} from './support.js';

const { values } = parseArgs({
  options: {
    tenants: { type: 'string', default: '1000' },
    interval: { type: 'string', default: '15m' },
    intervals: { type: 'string', default: '2' },
    latency: { type: 'string', default: '50' },
    rate: { type: 'string', default: '10' },
  },
});
const tenantCount = Number(values.tenants);
const intervalMinutes = Number(String(values.interval).replace(/m$/, ''));
const intervalMs = intervalMinutes * 60_000;
const intervals = Number(values.intervals);
const rate = Number(values.rate);
const signingSecret = 'c'.repeat(32);
const dispatcher = new Agent({ connections: 64 });

const fakeSlack = await FakeSlack.start();
const sim = await PingOneSimulator.start();
// Each tenant is a worker app of its own, with the seed's roles: every check mints a token of its own.
const template = sim.app();
const workers = Array.from({ length: tenantCount }, () => ({
  ...structuredClone(template),
  clientId: randomUUID(),
  clientSecret: randomBytes(24).toString('hex'),
}));
sim.data.applications.push(...workers);
const database = await benchDatabaseEnv();
const service = await startBenchService({
  fakeSlack,
  sim,
  database,
  signingSecret,
  jobs: true,
  env: { FLIGHTIQ_CHECK_INTERVAL: values.interval, FLIGHTIQ_ALERT_CHANNEL: 'C0ALERTS01' },
});
const url = `http://127.0.0.1:${service.port}/slack/events`;

/** Signed slash commands at `rate` per second for `ms`, open loop; acknowledgement latencies, sorted. */
async function acks(ms: number): Promise<number[]> {
  const latencies: number[] = [];
  const started = performance.now();
  const sent: Promise<void>[] = [];
  for (let i = 0; performance.now() - started < ms; i++) {
    const wait = started + (i * 1000) / rate - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const { body, headers } = signedCommand(signingSecret, i % 2 ? 'help' : 'tenant list', {
      response_url: fakeSlack.issueResponseUrl(),
    });
    const at = performance.now();
    sent.push(
      request(url, { method: 'POST', body, headers, dispatcher }).then(async (response) => {
        await response.body.text();
        latencies.push(performance.now() - at);
      }),
    );
  }
  await Promise.all(sent);
  return latencies.sort((a, b) => a - b);
}

try {
  benchLogger.info('measuring acknowledgements with nothing running');
  const idle = await acks(60_000);

  benchLogger.info({ tenants: tenantCount }, 'adding tenants');
  for (const [i, worker] of workers.entries()) {
    await service.services.tenants.add(
      { userId: 'U0BENCH001' },
      {
        name: `Tenant ${i + 1}`,
        region: 'eu',
        environmentId: worker.environmentId,
        clientId: worker.clientId,
        clientSecret: worker.clientSecret,
        authMethod: worker.authMethod,
      },
    );
  }
  sim.latencyMs = Number(values.latency);

  // Whole intervals, from the start of the next one, so every tenant falls in each exactly once.
  const firstStart = Math.ceil(Date.now() / intervalMs) * intervalMs;
  await new Promise((resolve) => setTimeout(resolve, firstStart - Date.now()));
  const rows: Record<string, unknown>[] = [];
  const busyAcks: number[] = [];
  const perInterval: { calls: number; checks: number; perMinute: number[] }[] = [];
  for (let n = 0; n < intervals; n++) {
    const start = firstStart + n * intervalMs;
    busyAcks.push(...(await acks(start + intervalMs - Date.now())));
    // Each check mints one token, and nothing else does here: token requests count the checks.
    const inInterval = sim.requests.filter((r) => r.at >= start && r.at < start + intervalMs);
    const perMinute = Array.from({ length: intervalMinutes }, () => 0);
    for (const minted of inInterval.filter((r) => r.path.endsWith('/as/token'))) {
      const minute = Math.floor((minted.at - start) / 60_000);
      perMinute[minute] = (perMinute[minute] ?? 0) + 1;
    }
    perInterval.push({
      calls: inInterval.length,
      checks: perMinute.reduce((a, b) => a + b, 0),
      perMinute,
    });
    benchLogger.info({ interval: n + 1, checks: perInterval.at(-1)?.checks }, 'interval done');
  }
  busyAcks.sort((a, b) => a - b);

  const first = perInterval[0];
  const steady = perInterval.at(-1);
  if (!first || !steady) throw new Error('no interval measured');
  const scanCalls = (first.calls - steady.calls) / tenantCount;
  const steadyCalls = steady.calls / tenantCount;
  const perHour = steadyCalls * (60 / intervalMinutes) + scanCalls * (3_600_000 / expiryScanMs);
  for (const [i, measured] of perInterval.entries()) {
    const mean = measured.checks / intervalMinutes;
    rows.push({
      interval: i + 1,
      'tenants checked': measured.checks,
      'checks/min mean': round(mean),
      'checks/min max': Math.max(...measured.perMinute),
      'max over mean': round(Math.max(...measured.perMinute) / Math.max(mean, 1), 2),
      'PingOne calls per tenant': round(measured.calls / tenantCount, 2),
    });
  }
  report(
    `Background checks: ${tenantCount} tenants, FLIGHTIQ_CHECK_INTERVAL ${values.interval}, PingOne latency ${values.latency} ms, ${database.kind} database`,
    rows,
  );
  report('PingOne calls per tenant per hour, and acknowledgements', [
    {
      'calls/tenant/hour': round(perHour, 1),
      'of which expiry scans': round(scanCalls * (3_600_000 / expiryScanMs), 2),
      [`ack p99 idle ms (${idle.length} commands)`]: round(percentile(idle, 99)),
      [`ack p99 during checks ms (${busyAcks.length} commands)`]: round(percentile(busyAcks, 99)),
      'ack max during checks ms': round(busyAcks.at(-1) ?? 0),
    },
  ]);
} finally {
  await service.stop(10_000);
  await database.drop();
  await sim.stop();
  await fakeSlack.stop();
  await dispatcher.close();
}
