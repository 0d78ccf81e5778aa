import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { DestinationWriter } from '../../src/core/promotion/destination-writes.js';
import { createLogger } from '../../src/logger.js';
import { PingOneClient, type WorkerCredentials } from '../../src/pingone/client.js';
import { PingOneError } from '../../src/pingone/errors.js';
import { PingOneSimulator } from '../support/pingone-simulator.js';
import { graph, production, seedPromotionData } from '../support/promotion-fixtures.js';

/**
 * A DaVinci write can take longer than FlightIQ waits for its answer and still be made. These need real
 * sockets: the simulator answers late, after the client gave up, and then makes the change anyway.
 * Delays are well past the deadline because undici checks its timers about every half second.
 */

let sim: PingOneSimulator;
const logger = createLogger({ level: 'silent', pretty: false });

beforeAll(async () => {
  sim = await PingOneSimulator.start();
});
afterAll(() => sim.stop());
beforeEach(() => {
  sim.reset();
  seedPromotionData(sim, { loop: true });
});

function writer(): DestinationWriter {
  const app = sim.app();
  const credentials: WorkerCredentials = {
    cacheKey: `t-${Math.random()}`,
    region: 'eu',
    environmentId: app.environmentId,
    clientId: app.clientId,
    authMethod: app.authMethod,
    secret: async () => app.clientSecret,
  };
  const client = new PingOneClient({
    logger,
    overrides: { authBaseUrl: sim.url, apiBaseUrl: sim.url },
    writeDeadlines: { connectMs: 1_000, headersMs: 300, bodyMs: 300 },
  });
  return new DestinationWriter(client, credentials, production);
}

const flowsNamed = (name: string) =>
  (sim.data.collections[production]?.flows ?? []).filter((flow) => flow.name === name);

it('reads a timed-out create back, finds the flow PingOne went on to make, and never makes a second', async () => {
  sim.fail(/\/flows$/, { delayMs: 2_000 }, { method: 'POST' });
  const created = await writer().createFlow({ name: 'Late', graphData: graph() }, new Set());
  expect(created.readBack).toBe(true);
  expect(flowsNamed('Late')).toHaveLength(1);
  expect(created.value.id).toBe(flowsNamed('Late')[0]?.id);
});

it('calls a timed-out write failed only when reading back shows it was not made', async () => {
  sim.fail(/\/flows$/, { drop: true }, { method: 'POST' });
  const error = await writer()
    .createFlow({ name: 'Never', graphData: graph() }, new Set())
    .catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(PingOneError);
  expect((error as PingOneError).message).toMatch(/Reading back for 7\.5 s showed it was not made\.$/);
  expect((error as PingOneError).details.outcomeUnknown).toBe(false);
  expect(flowsNamed('Never')).toHaveLength(0);
}, 15_000);

it('reads back a timed-out replace by its content; sends a timed-out deploy again, which is harmless', async () => {
  const [existing] = sim.data.collections[production]?.flows ?? [];
  const id = String(existing?.id);
  sim.fail(new RegExp(`/flows/${id}$`), { delayMs: 2_000 }, { method: 'PUT' });
  const replaced = await writer().replaceFlow(id, { name: 'Collect address', graphData: graph() });
  expect(replaced).toMatchObject({ readBack: true, value: { version: 3 } });
  sim.fail(new RegExp(`/flows/${id}$`), { delayMs: 2_000 }, { method: 'POST' });
  const deployed = await writer().deploy(id, 'Collect address');
  expect(deployed.value).toEqual({ version: 3 });
  expect(sim.requests.filter((r) => r.method === 'POST' && r.path.endsWith(id))).toHaveLength(2);
});

it('calls a deploy PingOne answers 500 twice a refusal of the flow, after one retry, not an outage', async () => {
  const [existing] = sim.data.collections[production]?.flows ?? [];
  const id = String(existing?.id);
  sim.fail(new RegExp(`/flows/${id}$`), { status: 500 }, { method: 'POST', times: 5 });
  const before = sim.requests.length;
  const refused = await writer()
    .deploy(id, 'Collect address')
    .catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(PingOneError);
  expect((refused as PingOneError).code).toBe('refused_request');
  expect((refused as PingOneError).message).toContain(
    'PingOne refused to deploy Collect address (is the flow valid?',
  );
  expect(sim.requests.slice(before).filter((r) => r.method === 'POST' && r.path.endsWith(id))).toHaveLength(
    2,
  );
});

it("reads a timed-out revert back: the flow moved on to that version's content, and no second revert is sent", async () => {
  const flow = flowsNamed('Collect address')[0];
  if (!flow) throw new Error('no Collect address in Production');
  const v2 = structuredClone(flow.graphData);
  sim.editFlow(production, String(flow.id), { graphData: graph() }, { deploy: true });
  const expected = await writer().backup(String(flow.id), 2, 'Collect address');
  const writesBefore = sim.writes.length;
  sim.fail(/\/versions\/2$/, { delayMs: 2_000 }, { method: 'POST' });
  const reverted = await writer().revert(String(flow.id), 2, 3, expected);
  expect(reverted).toEqual({ value: { version: 4 }, readBack: true });
  expect(flowsNamed('Collect address')[0]?.graphData).toEqual(v2);
  // Writes of the tests before may still land late; only reverts are counted.
  const reverts = sim.writes.slice(writesBefore).filter((w) => w.contentType.endsWith('revert+json'));
  expect(reverts).toHaveLength(1);
});
