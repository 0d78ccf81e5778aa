import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rewrittenDefinition } from '../../src/core/promotion/plan/definition.js';
import { mappableReferences } from '../../src/core/promotion/plan/mappable.js';
import { PromotionPlanner } from '../../src/core/promotion/plan/planner.js';
import type { FlowDefinition, PlanOptions } from '../../src/core/promotion/plan/types.js';
import { createLogger } from '../../src/logger.js';
import { PingOneClient, type WorkerCredentials } from '../../src/pingone/client.js';
import type { MappingEntry } from '../../src/store/mapping-entries.js';
import { PingOneSimulator } from '../support/pingone-simulator.js';
import { ids, production, seedPromotionData, staging } from '../support/promotion-fixtures.js';
import { objects, refIds, seedReferenceData } from '../support/reference-fixtures.js';

/**
 * The planner and a pair's mapping profile (docs/promotions.md, "Mapping profiles"): an entry answers
 * only what names leave open, maps it when its destination object still exists, and blocks, naming the
 * entry, when it does not.
 */

let sim: PingOneSimulator;
let seed: string;
const logger = createLogger({ level: 'silent', pretty: false });
const from = { id: staging, name: 'Staging', type: 'SANDBOX' };
const to = { id: production, name: 'Production', type: 'PRODUCTION' };
const options: PlanOptions = { asNew: false, withSubflows: true };
const operator = 'U0OPERATOR1';

beforeAll(async () => {
  sim = await PingOneSimulator.start();
  seed = JSON.stringify(sim.data);
});
afterAll(() => sim.stop());
beforeEach(() => {
  sim.data = JSON.parse(seed);
  sim.clearFaults();
  seedPromotionData(sim);
  seedReferenceData(sim);
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

async function plan(flowId: string, profile: MappingEntry[]) {
  const planner = new PromotionPlanner(
    new PingOneClient({ logger, overrides: { authBaseUrl: sim.url, apiBaseUrl: sim.url } }),
  );
  return planner.plan(credentials(), from, to, flowId, options, { profile });
}

function entry(
  kind: string,
  sourceId: string,
  sourceName: string,
  destinationId: string,
  destinationName: string,
): MappingEntry {
  return { kind, sourceId, sourceName, destinationId, destinationName, setBy: operator, setAt: new Date() };
}

const productionData = () => sim.data.collections[production] ?? {};
const customers = () =>
  entry(
    'population',
    objects.population.staging,
    'Customers',
    objects.population.production,
    'Customer accounts',
  );

describe('a plan and the mapping profile of its pair of environments', () => {
  it('maps a population Production has under another name by the profile, and records it', async () => {
    const population = productionData().populations?.find((p) => p.id === objects.population.production);
    if (population) population.name = 'Customer accounts';
    const without = await plan(refIds.signOn, []);
    expect(without.plan.blockers.join('\n')).toContain('Production has no population named "Customers"');

    const { plan: planned, maps } = await plan(refIds.signOn, [customers()]);
    expect(planned.blockers.filter((b) => b.includes('population'))).toEqual([]);
    expect(maps.objects?.get(objects.population.staging)).toBe(objects.population.production);
    expect(planned.mappedByProfile).toEqual([
      {
        kind: 'population',
        sourceId: objects.population.staging,
        sourceName: 'Customers',
        destinationId: objects.population.production,
        destinationName: 'Customer accounts',
        setBy: operator,
      },
    ]);
    expect(planned.references?.find((r) => r.kind === 'population')).toMatchObject({
      status: 'mapped',
      destinationName: 'Customer accounts',
    });
  });

  it('answers two objects of one name by the profile', async () => {
    const populations = productionData().populations ?? [];
    const twin = 'b8f00d35-6928-44d5-b9ad-a7fdaf54aaaa';
    populations.push({ ...populations[0], id: twin });
    const { plan: planned, maps } = await plan(refIds.signOn, [
      entry('population', objects.population.staging, 'Customers', twin, 'Customers'),
    ]);
    expect(planned.blockers.filter((b) => b.includes('population'))).toEqual([]);
    expect(maps.objects?.get(objects.population.staging)).toBe(twin);
    expect(planned.mappedByProfile?.map((m) => m.destinationId)).toEqual([twin]);
  });

  it('never asks the profile where the name settles it', async () => {
    const { plan: planned, maps } = await plan(refIds.signOn, [customers()]);
    expect(maps.objects?.get(objects.population.staging)).toBe(objects.population.production);
    expect(planned.mappedByProfile).toBeUndefined();
  });

  it('blocks on an entry whose destination object is gone, naming the entry', async () => {
    const data = productionData();
    data.populations = (data.populations ?? []).filter((p) => p.id !== objects.population.production);
    const { plan: planned } = await plan(refIds.signOn, [customers()]);
    expect(planned.blockers.join('\n')).toContain(
      'The mapping profile from Staging to Production maps the population "Customers" to "Customer accounts", which Production no longer has.',
    );
    expect(planned.blockers.join('\n')).not.toContain('Production has no population named');
    expect(planned.mappedByProfile).toBeUndefined();
  });

  it('maps a form and a connector instance with other names by the profile', async () => {
    const data = productionData();
    const form = data.forms?.find((f) => f.id === ids.productionForm);
    if (form) form.name = 'Log in';
    const http = data.connectorInstances?.find((i) => i.id === ids.productionHttp);
    if (http) http.name = 'HTTP calls';
    const blocked = await plan(ids.checkout, []);
    expect(blocked.plan.blockers).toContain(
      'Production has no form named "Sign On". Create it there, then request again.',
    );
    const { plan: planned, maps } = await plan(ids.checkout, [
      entry('form', ids.stagingForm, 'Sign On', ids.productionForm, 'Log in'),
      entry('connectorInstance', ids.stagingHttp, 'HTTP', ids.productionHttp, 'HTTP calls'),
    ]);
    expect(planned.blockers.filter((b) => /form|HTTP/.test(b))).toEqual([]);
    expect(maps.forms.get(ids.stagingForm)).toBe(ids.productionForm);
    expect(maps.connections.get(ids.stagingHttp)).toBe(ids.productionHttp);
    expect(planned.mappedByProfile?.map((m) => [m.kind, m.destinationName])).toEqual([
      ['connectorInstance', 'HTTP calls'],
      ['form', 'Log in'],
    ]);
  });

  it('has another fingerprint when an entry the plan used is set again by someone else', async () => {
    const population = productionData().populations?.find((p) => p.id === objects.population.production);
    if (population) population.name = 'Customer accounts';
    const first = await plan(refIds.signOn, [customers()]);
    const again = await plan(refIds.signOn, [customers()]);
    const other = await plan(refIds.signOn, [{ ...customers(), setBy: 'U0ADMIN0001' }]);
    expect(again.plan.fingerprint).toBe(first.plan.fingerprint);
    expect(other.plan.fingerprint).not.toBe(first.plan.fingerprint);
  });

  describe('a company variable Production calls otherwise', () => {
    const stagingSecret = '33333333-0000-4000-8000-000000000012';
    const productionSecret = '33333333-0000-4000-8000-100000000003';
    beforeEach(() => {
      const secret = productionData().variables?.find((v) => v.id === productionSecret);
      if (secret) secret.name = 'mailPassword';
    });
    const mailPassword = () =>
      entry('variable', stagingSecret, 'smtpPassword', productionSecret, 'mailPassword');
    const checkout = (planned: Awaited<ReturnType<typeof plan>>) =>
      JSON.stringify(
        rewrittenDefinition(planned.definitions.get(ids.checkout) as FlowDefinition, {
          flows: new Map(),
          ...planned.maps,
        }),
      );

    it('is a blocker for a secret without an entry, and renamed in every flow written with one', async () => {
      const blocked = await plan(ids.checkout, []);
      expect(blocked.plan.blockers.join('\n')).toContain(
        'The secret variable "smtpPassword" (company) does not exist in Production',
      );
      expect(mappableReferences(blocked.plan)).toContainEqual({
        kind: 'variable',
        sourceId: 'smtpPassword',
        name: 'smtpPassword',
      });

      const mapped = await plan(ids.checkout, [mailPassword()]);
      expect(mapped.plan.blockers.filter((b) => b.includes('smtpPassword'))).toEqual([]);
      expect(mapped.plan.variables.find((v) => v.name === 'smtpPassword')).toMatchObject({
        context: 'company',
        action: 'exists',
        destinationId: productionSecret,
        destinationName: 'mailPassword',
      });
      expect(mapped.plan.mappedByProfile).toEqual([
        expect.objectContaining({
          kind: 'variable',
          sourceName: 'smtpPassword',
          destinationName: 'mailPassword',
        }),
      ]);
      expect(checkout(mapped)).toContain('{{global.company.variables.mailPassword}}');
      expect(checkout(mapped)).not.toContain('global.company.variables.smtpPassword');
    });

    it("matches the entry by the variable's name when the IDs differ", async () => {
      const { plan: planned } = await plan(ids.checkout, [
        { ...mailPassword(), sourceId: '33333333-0000-4000-8000-0000000000ff' },
      ]);
      expect(planned.variables.find((v) => v.name === 'smtpPassword')?.destinationName).toBe('mailPassword');
    });

    it('warns when the variable it maps to is of another type', async () => {
      const secret = productionData().variables?.find((v) => v.id === productionSecret);
      if (secret) secret.dataType = 'string';
      const { plan: planned } = await plan(ids.checkout, [mailPassword()]);
      expect(planned.warnings).toContain(
        'The company variable "smtpPassword" (secret) is mapped by profile to "mailPassword", a string: check that the flows read it as such.',
      );
    });

    it('never asks the profile for a variable Production has by its name', async () => {
      const secret = productionData().variables?.find((v) => v.id === productionSecret);
      if (secret) secret.name = 'smtpPassword';
      const planned = await plan(ids.checkout, [mailPassword()]);
      expect(planned.plan.mappedByProfile).toBeUndefined();
      expect(checkout(planned)).toContain('{{global.company.variables.smtpPassword}}');
    });

    it('blocks, naming the entry, when the variable it maps to is gone', async () => {
      const data = productionData();
      data.variables = (data.variables ?? []).filter((v) => v.id !== productionSecret);
      const { plan: planned } = await plan(ids.checkout, [mailPassword()]);
      expect(planned.blockers).toContain(
        'The mapping profile from Staging to Production maps the company variable "smtpPassword" to "mailPassword", which Production no longer has. Set the entry again (`mappings Staging Production set variable smtpPassword = <name>`) or remove it, then request again.',
      );
    });
  });
});
