/**
 * bench/promotion: promoting a flow that starts 10 subflows (3 of them already in the destination), with
 * 50 ms PingOne latency: API calls made and time, against the fewest calls the plan needs. Then ten
 * promotions approved at once, into ten environments and into one, with DaVinci writes taking 300 ms:
 * all must succeed; wall time, and how long a database query waited meanwhile (a probe every 100 ms).
 *
 *   npm run bench:promotion [-- --subflows 10 --latency 50 --write-latency 300 --pool 10]
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import { noWorkspaceDirectory } from '../src/core/access.js';
import type { AlertNotifier } from '../src/core/credentials/monitor.js';
import { parseKeyRing } from '../src/crypto/key-ring.js';
import { openDatabase } from '../src/db/database.js';
import { createLogger } from '../src/logger.js';
import { createCoreServices } from '../src/wiring.js';
import { PingOneSimulator } from '../test/support/pingone-simulator.js';
import {
  flow,
  graph,
  ids,
  production,
  seedPromotionData,
  staging,
} from '../test/support/promotion-fixtures.js';
import { benchDatabaseEnv, benchEncryptionKeys, percentile, report, round } from './support.js';

const { values } = parseArgs({
  options: {
    subflows: { type: 'string', default: '10' },
    latency: { type: 'string', default: '50' },
    'write-latency': { type: 'string', default: '300' },
    pool: { type: 'string', default: '10' },
  },
});
const subflowCount = Number(values.subflows);
const latencyMs = Number(values.latency);
const user = 'U0BENCH001';

const sim = await PingOneSimulator.start();
seedPromotionData(sim);
const hex = (n: number) => n.toString(16).padStart(32, 'a');
const subflows = Array.from({ length: subflowCount }, (_, i) =>
  flow(
    hex(i + 1),
    `Sub ${i + 1}`,
    staging,
    graph({ data: { id: `h${i}`, connectorId: 'httpConnector', connectionId: ids.stagingHttp } }),
  ),
);
const main = flow(
  hex(999),
  'Main',
  staging,
  graph(
    ...subflows.map((sub, i) => ({
      data: {
        id: `s${i}`,
        connectorId: 'flowConnector',
        properties: { subFlowId: { value: { value: sub.id, label: sub.name } } },
      },
    })),
  ),
);
const stagingFlows = sim.data.collections[staging];
if (stagingFlows) stagingFlows.flows = [main, ...subflows];
const existing = Math.min(3, subflowCount);
const productionData = sim.data.collections[production];
if (productionData) {
  productionData.flows = subflows
    .slice(0, existing)
    .map((sub, i) => flow(hex(500 + i), sub.name, production, graph(), { currentVersion: 1 }));
}

// Production as it is before anything is promoted: the ten environments of the concurrent runs copy it.
const productionShape = JSON.stringify(sim.data.collections[production]);

const database = await benchDatabaseEnv();
const config = loadConfig(
  {
    ...sim.env,
    ...database.env,
    FLIGHTIQ_ENCRYPTION_KEYS: benchEncryptionKeys,
    LOG_LEVEL: 'warn',
    DATABASE_POOL_MAX: String(values.pool),
  },
  { requireSlack: false },
);
const logger = createLogger({ level: 'warn', pretty: false });
const db = await openDatabase(config.database, logger);
const noAlerts = {
  post: async () => ({ channel: '', ts: '' }),
  update: async () => {},
  recovered: async () => {},
  certificate: async () => {},
  drift: async () => {},
  policyDrift: async () => {},
} as AlertNotifier;
try {
  const services = createCoreServices({
    config,
    database: db,
    keys: parseKeyRing(benchEncryptionKeys),
    logger,
    directory: noWorkspaceDirectory,
    teamId: 'bench',
    alerts: noAlerts,
    singleUser: user,
  });
  const worker = sim.app();
  const added = await services.tenants.add(
    { userId: user },
    {
      name: 'Bench',
      region: 'eu',
      environmentId: worker.environmentId,
      clientId: worker.clientId,
      clientSecret: worker.clientSecret,
      authMethod: worker.authMethod,
    },
  );
  if (added.outcome !== 'saved') throw new Error('tenant not saved');
  await services.environments.list(added.tenant); // token minted outside the measurement
  sim.latencyMs = latencyMs;

  const callsBefore = sim.requests.length;
  let started = performance.now();
  const requested = await services.promotions.request(
    { userId: user },
    {
      tenant: added.tenant,
      flow: 'Main',
      from: 'Staging',
      to: 'Production',
      options: { asNew: false, withSubflows: true },
    },
  );
  const planMs = performance.now() - started;
  if (requested.outcome !== 'planned' || requested.promotion.status !== 'pending')
    throw new Error(`not planned: ${requested.outcome}`);
  const planCalls = sim.requests.length - callsBefore;

  const execBefore = sim.requests.length;
  started = performance.now();
  const done = await services.promotions.approve({ userId: user }, requested.promotion.id);
  const executeMs = performance.now() - started;
  if (done.outcome !== 'done' || done.promotion.status !== 'succeeded')
    throw new Error(`not executed: ${JSON.stringify(done.outcome)}`);
  const executeCalls = sim.requests.length - execBefore;

  const flows = subflowCount + 1;
  const updates = existing;
  // Reads: environments, both flow lists, one export of the source flow with its subflows, both
  // connector-instance lists, both variable lists, and each destination flow to update (its diff for
  // the approver, and whether it is unchanged). Writes: a backup export per update, a write and a
  // deploy per flow.
  const minimalPlan = 1 + 2 + 1 + 2 + 2 + updates;
  const minimalExecution = updates + flows + flows;
  report(
    `Promotion of a flow with ${subflowCount} subflows (${updates} already in the destination), PingOne latency ${latencyMs} ms`,
    [
      {
        step: 'plan (request)',
        'API calls': planCalls,
        'fewest needed': minimalPlan,
        'time ms': round(planMs, 0),
      },
      {
        step: 'execute (approve)',
        'API calls': executeCalls,
        'fewest needed': minimalExecution,
        'of which re-plan': executeCalls - minimalExecution,
        writes: sim.writes.length,
        'time ms': round(executeMs, 0),
      },
    ],
  );

  // Ten at once: into ten environments shaped like Production, then ten flows into Production alone.
  sim.writeLatencyMs = Number(values['write-latency']);
  const targets = Array.from({ length: 10 }, (_, i) => ({
    id: `f0f0f0f0-0000-4000-8000-0000000000${i + 10}`,
    name: `Production ${i + 1}`,
  }));
  for (const target of targets) {
    sim.data.environments.push({
      ...target,
      type: 'PRODUCTION',
      region: 'EU',
      products: ['PING_ONE_BASE', 'PING_ONE_DAVINCI'],
    });
    sim.data.collections[target.id] = JSON.parse(productionShape.replaceAll(production, target.id));
    sim.app().roleAssignments.push({
      id: randomUUID(),
      role: { id: '11111111-0000-4000-8000-0000000000a4' },
      scope: { id: target.id, type: 'ENVIRONMENT' },
    });
  }
  const singles = Array.from({ length: 10 }, (_, i) =>
    flow(hex(2000 + i), `Single ${i + 1}`, staging, graph()),
  );
  sim.data.collections[staging]?.flows?.push(...singles);
  const scenarios = [
    {
      name: 'ten into ten environments',
      requests: targets.map((target) => ({ flow: 'Main', to: target.name })),
    },
    {
      name: 'ten into one environment',
      requests: singles.map((single) => ({ flow: single.name, to: 'Production' })),
    },
  ];
  const concurrent: Record<string, unknown>[] = [];
  for (const scenario of scenarios) {
    const ids: string[] = [];
    for (const wanted of scenario.requests) {
      const planned = await services.promotions.request(
        { userId: user },
        {
          tenant: added.tenant,
          flow: wanted.flow,
          from: 'Staging',
          to: wanted.to,
          options: { asNew: false, withSubflows: true },
        },
      );
      if (planned.outcome !== 'planned') throw new Error(`not planned: ${planned.outcome}`);
      ids.push(planned.promotion.id);
    }
    const probes: number[] = [];
    let running = true;
    const probing = (async () => {
      while (running) {
        const at = performance.now();
        await db.pool.query('SELECT 1');
        probes.push(performance.now() - at);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    const begun = performance.now();
    const outcomes = await Promise.all(ids.map((id) => services.promotions.approve({ userId: user }, id)));
    const wallMs = performance.now() - begun;
    running = false;
    await probing;
    probes.sort((a, b) => a - b);
    const succeeded = outcomes.filter(
      (o) => o.outcome === 'done' && o.promotion.status === 'succeeded',
    ).length;
    concurrent.push({
      scenario: scenario.name,
      succeeded: `${succeeded} of ${ids.length}`,
      'wall time s': round(wallMs / 1000, 1),
      'query wait p50 ms': round(percentile(probes, 50)),
      'query wait p99 ms': round(percentile(probes, 99)),
      'query wait max ms': round(probes.at(-1) ?? 0),
    });
    if (succeeded !== ids.length)
      throw new Error(`${scenario.name}: only ${succeeded} of ${ids.length} succeeded`);
  }
  report(
    `Ten promotions approved at once, DaVinci writes ${values['write-latency']} ms, DATABASE_POOL_MAX ${values.pool}, ${database.kind} database`,
    concurrent,
  );
} finally {
  await db.close();
  await database.drop();
  await sim.stop();
}
