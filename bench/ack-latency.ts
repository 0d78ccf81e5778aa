/**
 * bench/ack-latency: how fast FlightIQ acknowledges signed slash commands at fixed rates, beside a bare
 * Bolt app that only acknowledges, measured in the same run on the same machine.
 *
 *   npm run bench:ack [-- --seconds 30 --rates 10,50,200]
 *
 * Each row: one command at one rate for `seconds`, open loop (requests are sent on schedule whatever
 * the answers do). Latency = HTTP response of the acknowledgement. Event-loop delay is the app
 * process's (the load generator shares it, so it is an upper bound).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { App, HTTPReceiver } from '@slack/bolt';
import { Agent, request } from 'undici';
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
  options: { seconds: { type: 'string', default: '30' }, rates: { type: 'string', default: '10,50,200' } },
});
const seconds = Number(values.seconds);
const rates = String(values.rates).split(',').map(Number);
const signingSecret = 'b'.repeat(32);
const dispatcher = new Agent({ connections: 256 });

const fakeSlack = await FakeSlack.start();
const sim = await PingOneSimulator.start();
const database = await benchDatabaseEnv();
const service = await startBenchService({ fakeSlack, sim, database, signingSecret });
const worker = sim.app();
await service.services.tenants.add(
  { userId: 'U0BENCH001' },
  {
    name: 'Bench',
    region: 'eu',
    environmentId: worker.environmentId,
    clientId: worker.clientId,
    clientSecret: worker.clientSecret,
    authMethod: worker.authMethod,
  },
);

// The baseline: Bolt's own HTTP receiver with one command listener that only acknowledges.
const bareReceiver = new HTTPReceiver({ signingSecret, endpoints: '/slack/events' });
const bare = new App({
  token: fakeSlack.botToken,
  botId: 'B0',
  botUserId: 'U0',
  receiver: bareReceiver,
  clientOptions: { slackApiUrl: fakeSlack.apiUrl },
});
bare.command('/flightiq', async ({ ack }) => ack());
const bareServer = (await bare.start(0)) as unknown as { address(): { port: number } };
const targets = {
  flightiq: `http://127.0.0.1:${service.port}/slack/events`,
  'bare Bolt': `http://127.0.0.1:${bareServer.address().port}/slack/events`,
};

async function measure(url: string, text: string, rate: number) {
  const latencies: number[] = [];
  let errors = 0;
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const total = rate * seconds;
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const { body, headers } = signedCommand(signingSecret, text, {
      response_url: fakeSlack.issueResponseUrl(),
    });
    const sent = performance.now();
    inFlight.push(
      request(url, { method: 'POST', body, headers, dispatcher })
        .then(async (response) => {
          await response.body.text();
          if (response.statusCode !== 200) errors++;
          latencies.push(performance.now() - sent);
        })
        .catch(() => {
          errors++;
        }),
    );
  }
  await Promise.all(inFlight);
  loop.disable();
  latencies.sort((a, b) => a - b);
  return {
    p50: round(percentile(latencies, 50)),
    p99: round(percentile(latencies, 99)),
    max: round(latencies.at(-1) ?? 0),
    errors,
    loopP99: round(loop.percentile(99) / 1e6),
  };
}

const rows: Record<string, unknown>[] = [];
try {
  for (const text of ['help', 'list flows --env Staging']) {
    for (const rate of rates) {
      const ours = await measure(targets.flightiq, text, rate);
      const base = await measure(targets['bare Bolt'], text, rate);
      rows.push({
        command: `/flightiq ${text}`,
        'rate/s': rate,
        'p50 ms': ours.p50,
        'p99 ms': ours.p99,
        'max ms': ours.max,
        errors: ours.errors,
        'loop p99 ms': ours.loopP99,
        'bare p50': base.p50,
        'bare p99': base.p99,
        'bare max': base.max,
        'p99 ratio': round(ours.p99 / Math.max(base.p99, 0.01), 2),
      });
      benchLogger.info({ command: text, rate }, 'row done');
    }
  }
  report(`Acknowledgement latency, ${seconds} s per row, ${database.kind} database`, rows);
} finally {
  await bare.stop();
  await service.stop(5_000);
  await database.drop();
  await sim.stop();
  await fakeSlack.stop();
  await dispatcher.close();
}
