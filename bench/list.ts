/**
 * bench/list: how long `/flightiq list variables` takes for 5,000 variables that PingOne serves 500 to a
 * page with 50 ms latency, against the sequential lower bound. Cursor paging cannot be parallelised
 * (each page names the next), so the bound is round trips × latency; the ratio shows our own overhead.
 *
 *   npm run bench:list                 # Postgres on 127.0.0.1:5432 when it answers, else embedded
 *   BENCH_DATABASE_URL=postgres://… npm run bench:list -- --runs 10
 */
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { AccessPolicy, noWorkspaceDirectory } from '../src/core/access.js';
import { systemClock } from '../src/core/clock.js';
import { EnvironmentDirectory } from '../src/core/environments.js';
import { artifactKinds } from '../src/core/listing/artifact-kinds.js';
import { ArtifactListing } from '../src/core/listing/artifact-listing.js';
import { TenantService } from '../src/core/tenants/service.js';
import { generateKeyEntry, parseKeyRing } from '../src/crypto/key-ring.js';
import { openDatabase } from '../src/db/database.js';
import { PingOneClient } from '../src/pingone/client.js';
import { PingOneSimulator } from '../test/support/pingone-simulator.js';
import { benchDatabaseEnv, report } from './support.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    items: { type: 'string', default: '5000' },
    latency: { type: 'string', default: '50' },
  },
});
const runs = Number(values.runs);
const itemCount = Number(values.items);
const latencyMs = Number(values.latency);
const pageSize = 500;
const staging = 'bb22bb22-0000-4000-8000-000000000002';
const admin = 'UBENCHADMIN';

const logger = pino({ level: 'warn' });
const sim = await PingOneSimulator.start();
sim.data.collections[staging] = {
  ...sim.data.collections[staging],
  variables: Array.from({ length: itemCount }, (_, i) => ({
    id: `33333333-0000-4000-8000-${String(i).padStart(12, '0')}`,
    name: `var${i}`,
    context: 'company',
    dataType: 'string',
    value: `value-${i}`,
    mutable: true,
    environment: { id: staging },
  })),
};

const databaseEnv = await benchDatabaseEnv();
const database = await openDatabase(
  {
    url: databaseEnv.env.DATABASE_URL,
    poolMax: 4,
    dataDir: databaseEnv.env.FLIGHTIQ_DATA_DIR ?? '.flightiq',
  },
  logger,
);
try {
  const access = new AccessPolicy({ admins: [admin], directory: noWorkspaceDirectory, teamId: 'TBENCH' });
  const pingone = new PingOneClient({
    overrides: { authBaseUrl: sim.url, apiBaseUrl: sim.url },
    logger,
  });
  const keys = parseKeyRing(generateKeyEntry());
  const tenants = new TenantService({ pool: database.pool, keys, access, logger });
  const worker = sim.app();
  const added = await tenants.add(
    { userId: admin },
    {
      name: 'Bench',
      region: 'eu',
      environmentId: worker.environmentId,
      clientId: worker.clientId,
      clientSecret: worker.clientSecret,
      authMethod: worker.authMethod,
    },
  );
  if (added.outcome !== 'saved') throw new Error(`could not add the bench tenant: ${added.outcome}`);
  const tenant = added.tenant;
  const environments = new EnvironmentDirectory({ pingone, tenants });
  const listing = new ArtifactListing({
    pool: database.pool,
    pingone,
    tenants,
    environments,
    access,
    clock: systemClock,
  });
  const credentials = tenants.credentialsOf(tenant);
  await pingone.token(credentials); // Tokens are cached for an hour; a list normally finds one.

  sim.latencyMs = latencyMs;
  const pages = Math.ceil(itemCount / pageSize);
  const collectTimes: number[] = [];
  const listTimes: number[] = [];
  for (let run = 0; run < runs; run++) {
    let started = performance.now();
    const collected = await pingone.collect(
      credentials,
      `/environments/${staging}/variables?limit=${pageSize}`,
      'variables',
      artifactKinds.variables.item,
    );
    collectTimes.push(performance.now() - started);
    if (collected.items.length !== itemCount) throw new Error(`read ${collected.items.length} variables`);

    started = performance.now();
    const listed = await listing.list({
      actor: { userId: admin },
      tenant,
      kind: artifactKinds.variables,
      environment: 'Staging',
      filterWords: [],
      pageSize: 50,
    });
    listTimes.push(performance.now() - started);
    if (listed.outcome !== 'listed' || listed.page.snapshot.total !== itemCount) {
      throw new Error(`listing failed: ${listed.outcome}`);
    }
  }

  const rows = [
    row('PingOne pages only (client.collect)', pages, collectTimes),
    // One more round trip: the environment list that resolves --env Staging.
    row('whole list (env lookup, pages, sort, stored)', pages + 1, listTimes),
  ];
  report(
    `/flightiq list: ${itemCount} variables, ${pageSize} a page (${pages} pages), ${latencyMs} ms latency per request, ${runs} runs, ${database.kind} database`,
    rows,
  );
} finally {
  await database.close();
  await databaseEnv.drop();
  await sim.stop();
}

function row(what: string, roundTrips: number, times: number[]) {
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  const bound = roundTrips * latencyMs;
  return {
    what,
    'round trips': roundTrips,
    'lower bound ms': bound,
    'min ms': Math.round(sorted[0] ?? 0),
    'median ms': Math.round(median),
    'max ms': Math.round(sorted.at(-1) ?? 0),
    'median / bound': (median / bound).toFixed(2),
  };
}
