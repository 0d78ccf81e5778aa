/**
 * bench/answer: how long each command that reads PingOne takes to answer at a given PingOne latency,
 * against its floor. PingOne is far away (100–300 ms a request), so a command's answer time is set by
 * its chain of requests where each waits for the one before: its "waves". The floor is the waves the
 * command needs (worked out from what each request depends on, written beside each command below)
 * times the latency.
 *
 *   npm run bench:answer [-- --latency 100 --runs 3]
 *
 * Each row is the median of `runs`. "first sign" is the acknowledgement, which carries the command's
 * progress message. Signed requests through the real HTTP receiver; PingOne is the simulator.
 */
import { parseArgs } from 'node:util';
import { FakeSlack } from '../test/support/fake-slack.js';
import { PingOneSimulator } from '../test/support/pingone-simulator.js';
import { qa, seedPromotionData, staging } from '../test/support/promotion-fixtures.js';
import { wavesOf } from '../test/support/round-trips.js';
import { addSimulatorTenant } from '../test/support/simulator-tenant.js';
import { SlackClientSimulator } from '../test/support/slack-requests.js';
import { benchDatabaseEnv, report, round, startBenchService } from './support.js';

const { values } = parseArgs({
  options: {
    latency: { type: 'string', default: '100' },
    runs: { type: 'string', default: '3' },
    // Prints each command's requests with their start and end, to see which waited on which.
    trace: { type: 'boolean', default: false },
  },
});
const latencyMs = Number(values.latency);
const runs = Number(values.runs);
const signingSecret = 'd'.repeat(32);
const admin = 'U0BENCH001';
const approver = 'U0BENCHAPPR';

interface Command {
  text: string;
  /** The longest chain of requests that must wait on one another, and why. */
  wavesNeeded: number;
  /** The answer that ends the command (progress notes come before it). */
  done: (answer: string) => boolean;
}

const commands: Command[] = [
  // The environment list (the token is cached).
  { text: 'envs', wavesNeeded: 1, done: (a) => a.includes('Staging') },
  // The environment list (to find "Staging"), then its flows.
  { text: 'list flows --env Staging', wavesNeeded: 2, done: (a) => a.includes('Checkout') },
  // The environment list, then three pages of 500 variables, each page naming the next.
  { text: 'list variables --env QA', wavesNeeded: 4, done: (a) => a.includes('1,20') },
  // A new token; then the role assignments, the role names and the environment list (each needs only
  // the token); then every environment's DaVinci and Identity probes (they need the list).
  { text: 'test', wavesNeeded: 3, done: (a) => a.includes('Passed') || a.includes('Failed') },
  // The environment list; both environments' flow lists; the export with its subflows (which carries the
  // variables they use), with both environments' connector instances and the destination's variables;
  // the forms, with the destination flows to update. Staging's 1,200 variables are not read.
  {
    text: 'promote Checkout --from Staging --to Production',
    wavesNeeded: 4,
    done: (a) => a.includes('waiting for') || a.includes('Blocked'),
  },
  // As the plan of a promotion.
  {
    text: 'diff Checkout --from Staging --to Production',
    wavesNeeded: 4,
    done: (a) => a.includes('would change'),
  },
];

const fakeSlack = await FakeSlack.start();
for (const user of [admin, approver]) fakeSlack.users.set(user, { id: user });
const sim = await PingOneSimulator.start();
seedPromotionData(sim);
// 1,200 variables in QA, for the listing; Staging and Production keep the promotion's few.
sim.data.collections[qa] = {
  ...sim.data.collections[qa],
  variables: [
    ...(sim.data.collections[qa]?.variables ?? []),
    ...Array.from({ length: 1_200 - (sim.data.collections[qa]?.variables?.length ?? 0) }, (_, i) => ({
      id: `33333333-0000-4000-9000-${String(i).padStart(12, '0')}`,
      name: `bench${i}`,
      context: 'company',
      dataType: 'string',
      value: `value-${i}`,
      mutable: true,
      environment: { id: qa },
    })),
  ],
};
// And 1,200 in Staging, the source of the promotion: its plan must not wait on pages of them.
sim.data.collections[staging] = {
  ...sim.data.collections[staging],
  variables: [
    ...(sim.data.collections[staging]?.variables ?? []),
    ...Array.from({ length: 1_200 - (sim.data.collections[staging]?.variables?.length ?? 0) }, (_, i) => ({
      id: `33333333-0000-4000-a000-${String(i).padStart(12, '0')}`,
      name: `bench${i}`,
      context: 'company',
      dataType: 'string',
      value: `value-${i}`,
      mutable: true,
      environment: { id: staging },
    })),
  ],
};
sim.pageSize = 500;
const database = await benchDatabaseEnv();
const service = await startBenchService({
  fakeSlack,
  sim,
  database,
  signingSecret,
  env: {
    FLIGHTIQ_ADMINS: admin,
    FLIGHTIQ_APPROVERS: approver,
    FLIGHTIQ_APPROVAL_CHANNEL: 'C0BENCHAPPR',
    FLIGHTIQ_COMMANDS_PER_PERSON: '20',
  },
});
const slack = new SlackClientSimulator(`http://127.0.0.1:${service.port}`, signingSecret, fakeSlack);

async function measure(command: Command) {
  const before = sim.requests.length;
  const started = performance.now();
  const reply = await slack.command(command.text, { user: admin });
  const firstSign = performance.now() - started;
  await fakeSlack.waitFor(() => {
    const answers = fakeSlack.responsesTo(reply.responseUrl).map((answer) => JSON.stringify(answer));
    return answers.some(command.done);
  }, 60_000);
  const answered = performance.now() - started;
  // Answers are sent once PingOne's last answer is in: the requests counted are this command's.
  const requests = sim.requests.slice(before);
  if (values.trace) {
    const zero = requests[0]?.at ?? 0;
    process.stderr.write(
      `${command.text}\n${requests.map((r) => `  ${r.at - zero}-${(r.endedAt ?? 0) - zero} ms  ${r.method} ${r.path}`).join('\n')}\n`,
    );
  }
  return { answered, firstSign, requests: requests.length, waves: wavesOf(requests) };
}

const median = (numbers: number[]) => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)] ?? 0;

try {
  await addSimulatorTenant(service.services, sim, { name: 'Bench', admin });
  sim.latencyMs = latencyMs;
  // The first command mints the token every later one reuses (test mints its own, on purpose).
  await measure(commands[0] as Command);
  const rows = [];
  for (const command of commands) {
    const measured = [];
    for (let run = 0; run < runs; run++) measured.push(await measure(command));
    const answered = median(measured.map((m) => m.answered));
    const floor = command.wavesNeeded * latencyMs;
    rows.push({
      command: `\`/flightiq ${command.text}\``,
      'answer ms': round(answered, 0),
      'first sign ms': round(median(measured.map((m) => m.firstSign)), 0),
      requests: median(measured.map((m) => m.requests)),
      'waves used': median(measured.map((m) => m.waves)),
      'waves needed': command.wavesNeeded,
      'ratio to the floor': round(answered / floor, 2),
    });
  }
  report(`Answer times at ${latencyMs} ms PingOne latency, median of ${runs} runs`, rows);
} finally {
  await service.stop(2_000);
  await sim.stop();
  await fakeSlack.stop();
  await database.drop();
}
