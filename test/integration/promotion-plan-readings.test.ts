import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PromotionPlanner } from '../../src/core/promotion/plan/planner.js';
import type { PlanOptions } from '../../src/core/promotion/plan/types.js';
import { createLogger } from '../../src/logger.js';
import { PingOneClient, type WorkerCredentials } from '../../src/pingone/client.js';
import { defaultVariants, PingOneSimulator, type SimVariants } from '../support/pingone-simulator.js';
import { connection, ids, production, seedPromotionData, staging } from '../support/promotion-fixtures.js';

/**
 * The plan is the same whichever way PingOne tells it: where Ping's documents and Ping's own clients
 * disagree or say nothing, the simulator plays each reading, and the planner must not care.
 */

let sim: PingOneSimulator;
let seed: string;
const logger = createLogger({ level: 'silent', pretty: false });
const from = { id: staging, name: 'Staging', type: 'SANDBOX' };
const to = { id: production, name: 'Production', type: 'PRODUCTION' };
const options: PlanOptions = { asNew: false, withSubflows: true };
const readOnlyDavinci = '11111111-0000-4000-8000-0000000000a5';

beforeAll(async () => {
  sim = await PingOneSimulator.start();
  seed = JSON.stringify(sim.data);
});
afterAll(() => sim.stop());
beforeEach(() => {
  sim.data = JSON.parse(seed);
  sim.variants = { ...defaultVariants };
  sim.clearFaults();
  seedPromotionData(sim, { loop: true });
});

function credentials(): WorkerCredentials {
  const app = sim.app();
  return {
    cacheKey: `t-${Math.random()}`,
    region: 'eu',
    environmentId: app.environmentId,
    clientId: app.clientId,
    authMethod: app.authMethod,
    secret: async () => app.clientSecret,
  };
}

async function plan() {
  const planner = new PromotionPlanner(
    new PingOneClient({ logger, overrides: { authBaseUrl: sim.url, apiBaseUrl: sim.url } }),
  );
  const computed = await planner.plan(credentials(), from, to, ids.checkout, options);
  return computed;
}

/** What a person approves: flows and their actions, mappings, variables, blockers and warnings. */
function approved(computed: Awaited<ReturnType<typeof plan>>) {
  const { flows, connectors, forms, variables, blockers, warnings } = computed.plan;
  return {
    flows: flows.map(({ name, action, depth }) => ({ name, action, depth })),
    connectors,
    forms,
    variables,
    blockers,
    warnings,
  };
}

describe('the promotion plan, whatever reading of the documents PingOne plays', () => {
  const readings: [string, Partial<SimVariants>][] = [
    ["the export's variables in the legacy console shape", { exportVariables: 'legacy' }],
    ['an export without variables[]', { exportVariables: 'none' }],
    ['an export that leaves the subflows out', { exportSubflows: false }],
    ['an export answered with the version record only (no graph)', { exportAnswer: 'version-record' }],
  ];

  for (const [reading, variants] of readings) {
    it(`is the same with ${reading}`, async () => {
      const expected = approved(await plan());
      sim.variants = { ...defaultVariants, ...variants };
      expect(approved(await plan())).toEqual(expected);
    });
  }

  it('is the same when the worker may only read the source (no export: flow by flow)', async () => {
    const expected = approved(await plan());
    for (const assignment of sim.app().roleAssignments) {
      if (assignment.scope.id === staging) assignment.role.id = readOnlyDavinci;
    }
    const before = sim.requests.length;
    expect(approved(await plan())).toEqual(expected);
    const reads = sim.requests.slice(before).map((r) => `${r.method} ${r.path}`);
    expect(reads.filter((r) => r.startsWith(`GET /v1/environments/${staging}/flows/`))).toHaveLength(3);
  });

  it("uses variables only the export's variables[] names, in the platform and in the legacy shape", async () => {
    for (const shape of ['platform', 'legacy'] as const) {
      const listedOnly = {
        id: '33333333-0000-4000-8000-0000000000ee',
        context: 'company',
        ...(shape === 'platform'
          ? { name: 'riskThreshold', dataType: 'number', value: 70 }
          : { name: 'riskThreshold##SK##company', fields: { type: 'number', value: 70 } }),
      };
      const exported = await exportOf(ids.checkout, 3);
      sim.fail(new RegExp(`/flows/${ids.checkout}/versions/3$`), {
        status: 200,
        body: { ...exported, variables: [...(exported.variables as unknown[]), listedOnly] },
      });
      const computed = await plan();
      expect(computed.plan.variables).toContainEqual(
        expect.objectContaining({
          name: 'riskThreshold',
          context: 'company',
          dataType: 'number',
          action: 'create',
        }),
      );
      expect(
        computed.variables.get('company//riskThreshold')?.source,
        `${shape}: the source's value, to be copied`,
      ).toMatchObject({ value: 70 });
    }
  });
});

describe('what the plan reads', () => {
  it("reads none of the source's variables when the export carries the ones its flows use, and all of them when it does not", async () => {
    const sourceVariableReads = async () => {
      const before = sim.requests.length;
      await plan();
      return sim.requests
        .slice(before)
        .filter((r) => r.path.startsWith(`/v1/environments/${staging}/variables`)).length;
    };
    expect(await sourceVariableReads()).toBe(0);
    sim.variants = { ...defaultVariants, exportVariables: 'none' };
    expect(await sourceVariableReads()).toBeGreaterThan(0);
  });

  it('maps the core connectors that hold no credentials like the built-ins, listed or not', async () => {
    const checkout = sim.data.collections[staging]?.flows?.find((flow) => flow.id === ids.checkout);
    const graphData = structuredClone(checkout?.graphData) as { elements: { nodes: unknown[] } };
    graphData.elements.nodes.push(
      connection('teleport01', {
        connectorId: 'nodeConnector',
        connectionId: 'e7eae662d2ca276e4c6f097fc36a3bb1',
        name: 'Teleport',
        capabilityName: 'goToNode',
      }),
      connection('cookie0001', {
        connectorId: 'cookieConnector',
        connectionId: '5b3a1f5e0c7d4a6b9e8f7a6b5c4d3e2f',
        name: 'Cookie',
        capabilityName: 'setCookie',
      }),
    );
    sim.editFlow(staging, ids.checkout, { graphData }, { deploy: true });
    const { plan: computed } = await plan();
    expect(computed.connectors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          connector: 'nodeConnector',
          destinationId: 'e7eae662d2ca276e4c6f097fc36a3bb1',
        }),
        expect.objectContaining({
          connector: 'cookieConnector',
          destinationId: '5b3a1f5e0c7d4a6b9e8f7a6b5c4d3e2f',
        }),
      ]),
    );
    expect(computed.blockers.join('\n')).not.toMatch(/nodeConnector|cookieConnector/);
  });
});

/** The simulator's own export of a flow version, as the planner would get it. */
async function exportOf(flowId: string, version: number): Promise<Record<string, unknown>> {
  const client = new PingOneClient({ logger, overrides: { authBaseUrl: sim.url, apiBaseUrl: sim.url } });
  return (await client.send(credentials(), {
    method: 'POST',
    path: `/environments/${staging}/flows/${flowId}/versions/${version}`,
    contentType: 'application/vnd.pingidentity.flowversion.export+json',
    body: { includeSubFlows: true, includeVariableValues: true },
    repeatable: true,
  })) as Record<string, unknown>;
}
