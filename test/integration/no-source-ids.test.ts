import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idsIn } from '../../src/core/davinci/references.js';
import { rewrittenDefinition } from '../../src/core/promotion/plan/definition.js';
import { PromotionPlanner } from '../../src/core/promotion/plan/planner.js';
import { createLogger } from '../../src/logger.js';
import { PingOneClient, type WorkerCredentials } from '../../src/pingone/client.js';
import { PingOneSimulator } from '../support/pingone-simulator.js';
import { production, seedPromotionData, staging } from '../support/promotion-fixtures.js';
import { seedReferenceData } from '../support/reference-fixtures.js';

/**
 * Over every flow of every fixture: what a promotion would write into Production holds no ID that only
 * Staging has, unless the plan names it (a blocker, a warning, or a reference it could not map).
 */

let sim: PingOneSimulator;
const logger = createLogger({ level: 'silent', pretty: false });
const from = { id: staging, name: 'Staging', type: 'SANDBOX' };
const to = { id: production, name: 'Production', type: 'PRODUCTION' };

beforeAll(async () => {
  sim = await PingOneSimulator.start();
  // The simulator's own sample flows, beside the promotion fixtures that replace them.
  const samples = sim.data.collections[staging]?.flows ?? [];
  seedPromotionData(sim, { loop: true });
  seedReferenceData(sim);
  sim.data.collections[staging]?.flows?.push(...samples);
});
afterAll(() => sim.stop());

function credentials(): WorkerCredentials {
  const app = sim.app();
  return {
    cacheKey: 'no-source-ids',
    region: 'eu',
    environmentId: app.environmentId,
    clientId: app.clientId,
    authMethod: app.authMethod,
    secret: async () => app.clientSecret,
  };
}

/** Every ID Staging has (its objects and itself) that Production does not. */
function stagingOnlyIds(): Set<string> {
  const idsOf = (envId: string) =>
    new Set(
      Object.values(sim.data.collections[envId] ?? {}).flatMap((items) =>
        (items as { id?: unknown }[]).flatMap((item) =>
          typeof item.id === 'string' ? [item.id.toLowerCase()] : [],
        ),
      ),
    );
  const there = idsOf(production);
  return new Set([...idsOf(staging), staging].filter((id) => !there.has(id)));
}

describe('what a promotion writes', () => {
  const flows = () =>
    (sim.data.collections[staging]?.flows ?? []).map((flow) => flow as { id: string; name: string });

  it('covers every fixture flow', () => {
    expect(
      flows()
        .map((flow) => flow.name)
        .sort(),
    ).toEqual(
      [
        'Checkout',
        'Collect address',
        'MFA device',
        'Passwordless sign-on',
        'Password reset (draft)',
        'Registration',
        'Sign in',
        'Validate address',
      ].sort(),
    );
  });

  it('holds no ID only Staging has, unless the plan names it', async () => {
    const planner = new PromotionPlanner(
      new PingOneClient({ logger, overrides: { authBaseUrl: sim.url, apiBaseUrl: sim.url } }),
    );
    const sourceOnly = stagingOnlyIds();
    for (const flow of flows()) {
      const computed = await planner.plan(credentials(), from, to, flow.id, {
        asNew: false,
        withSubflows: true,
      });
      const { plan } = computed;
      // Flows the promotion creates get their IDs from PingOne: stand-ins here.
      const targets = new Map(
        plan.flows.map((entry, i) => [
          entry.sourceId,
          {
            id: entry.destinationId ?? `${String(i).padStart(2, '0')}${'e'.repeat(30)}`,
            name: entry.destinationName,
          },
        ]),
      );
      const named = `${JSON.stringify(plan.blockers)} ${JSON.stringify(plan.warnings)} ${JSON.stringify(
        (plan.references ?? []).filter((r) => r.status !== 'mapped'),
      )} ${JSON.stringify(plan.connectors.filter((c) => !c.destinationId))} ${JSON.stringify(plan.forms.filter((f) => !f.destinationId))}`.toLowerCase();
      for (const entry of plan.flows) {
        const source = computed.definitions.get(entry.sourceId);
        expect(source, entry.name).toBeDefined();
        if (!source) continue;
        const written = rewrittenDefinition(source, { flows: targets, ...computed.maps });
        const left = [...idsIn(written)].filter((id) => sourceOnly.has(id) && !named.includes(id));
        expect(left, `${flow.name} → ${entry.name}`).toEqual([]);
      }
    }
  });
});
