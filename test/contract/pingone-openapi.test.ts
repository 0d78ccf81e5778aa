import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import type { RecordedExchange } from '../support/exchange-recorder.js';
import { FakeSlack } from '../support/fake-slack.js';
import { formatViolation, pingOneContract, type Violation } from '../support/openapi-contract.js';
import { defaultVariants, PingOneSimulator } from '../support/pingone-simulator.js';
import { flow, graph, ids, production, seedPromotionData, staging } from '../support/promotion-fixtures.js';
import { seedReferenceData } from '../support/reference-fixtures.js';
import { addSimulatorTenant } from '../support/simulator-tenant.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TestClock } from '../support/test-clock.js';

/**
 * Everything FlightIQ says to PingOne, and everything the simulator answers, checked against Ping's
 * own OpenAPI documents. The real app is driven through every PingOne operation it uses; the simulator
 * records each exchange, and each is held against the operation it matches.
 */

const admin = 'U0ADMIN0001';
const operator = 'U0OPERATOR1';
const approver = 'U0APPROVER1';
const approvals = 'C0APPROVALS';
const alerts = 'C0ALERTS01';

/** The operations FlightIQ uses, by the documents' operationIds: one that stops being exercised fails. */
const usedOperations = [
  // pingone-platform-davinci.openapi.yaml
  'getEnvironments',
  'getFlows',
  'getFlowById',
  'createFlow',
  'replaceFlowById',
  'deployFlowByIdAsDeployJson',
  'updateEnabledByFlowId',
  'exportVersionByIdUsingFlowIdAsExportJson',
  'getDetailsByFlowIdAndVersionId',
  // A flow's versions (`versions`), and the alias every version FlightIQ writes gets.
  'getVersionsByFlowId',
  'replaceAliasByFlowIdAndVersionId',
  'getVariables',
  'getVariableById',
  'createVariable',
  'replaceVariableById',
  'deleteVariableById',
  'getConnectorInstances',
  'getDavinciApplications',
  'getFlowPoliciesByDavinciApplicationId',
  // Promoting a flow policy: the DaVinci application created where missing, the policy created, then
  // updated in place and read back.
  'createDavinciApplication',
  'createFlowPolicyByDavinciApplicationId',
  'replaceFlowPolicyByIdUsingDavinciApplicationId',
  'getFlowPolicyByIdUsingDavinciApplicationId',
  // How often the destination's policies ran a flow a plan updates (the card's blast radius).
  'getEventsByDavinciApplicationIdAndFlowPolicyId',
  // pingone-management.openapi.yaml
  'readApplicationRoleAssignments',
  'readAllRoles',
  'readAllForms',
  'readAllTemplates',
  'readAllSchemas',
  'readAllSchemaAttributes',
  'getCertificates',
  'getKeys',
  // The PingOne objects flows name by ID, read to map them by name (core/davinci/references.ts).
  'readAllPopulations',
  'readAllNotificationsPolicies',
  'readAllApplications',
  'readAllIdentityProviders',
  'readAllAgreements',
  'readAllTemplateContents',
  // Which PingOne applications run which flow policy (`list policies`).
  'readAllFlowPolicyAssignments',
  // Who changed a flow outside FlightIQ (drift alerts); the document gives it no operationId.
  'GET /environments/{environmentID}/activities',
];

/**
 * Reads that belong to PingOne MFA's and PingOne Verify's own APIs, whose documents are not kept in
 * test/contract/openapi: held against nothing here, and named so that nothing else slips past.
 */
const outsideTheDocuments = [/\/deviceAuthenticationPolicies$/, /\/verifyPolicies$/];

const listedKinds = [
  'flows',
  'variables',
  'connectors',
  'apps',
  'forms',
  'templates',
  'attributes',
  'certificates',
];

let fakeSlack: FakeSlack;
let database: TestDatabase;
let sim: PingOneSimulator;
let app: TestApp;
let exchanges: RecordedExchange[];
const clock = new TestClock();
let tenantId: string;

beforeAll(async () => {
  fakeSlack = await FakeSlack.start();
  for (const user of [operator, approver]) fakeSlack.users.set(user, { id: user });
  sim = await PingOneSimulator.start();
  exchanges = sim.recordExchanges();
  seedPromotionData(sim);
  seedReferenceData(sim);
  // Staging's application (from the reference data) runs the seed's sign-in flow policy.
  const stagingData = sim.data.collections[staging];
  const application = stagingData?.applications?.[0];
  if (!stagingData || !application) throw new Error('no application in Staging to assign a policy to');
  stagingData.flowPolicyAssignments = [
    {
      id: '7e570000-0000-4000-8000-000000000001',
      application: { id: application.id },
      environment: { id: staging },
      flowPolicy: { id: 'fp000000000000000000000000000001' },
      priority: 1,
    },
  ];
  database = await createTestDatabase();
  app = await startTestApp({
    fakeSlack,
    database,
    env: {
      FLIGHTIQ_ADMINS: admin,
      FLIGHTIQ_OPERATORS: operator,
      FLIGHTIQ_APPROVERS: approver,
      FLIGHTIQ_APPROVAL_CHANNEL: approvals,
      // The sample flows log at Debug, as Ping's exports often do; the lint gate has its own tests.
      FLIGHTIQ_LINT: 'warn',
      FLIGHTIQ_ALERT_CHANNEL: alerts,
      ...sim.env,
    },
    clock,
  });
  ({ id: tenantId } = await addSimulatorTenant(app.service.services, sim, { name: 'Acme', admin }));
  await driveEveryOperation();
}, 180_000);

afterAll(async () => {
  await app?.stop();
  await database?.drop();
  await sim?.stop();
  await fakeSlack?.stop();
});

/** Runs a command and waits for the answer that contains `expected`; returns it as text. */
async function run(text: string, expected: string, user = operator): Promise<string> {
  const reply = await app.slack.command(text, { user });
  expect(reply.status).toBe(200);
  return fakeSlack.waitFor(() => {
    const shown = fakeSlack.responsesTo(reply.responseUrl).map((response) => JSON.stringify(response));
    return shown.find((answer) => answer.includes(expected));
  }, 20_000);
}

async function click(actionId: string, promotionId: string, user: string): Promise<void> {
  const reply = await app.slack.blockAction(
    { action_id: actionId, value: promotionId },
    { user, channel: approvals },
  );
  expect(reply.status).toBe(200);
}

async function latestPromotionId(): Promise<string> {
  const { rows } = await app.service.database.pool.query(
    'SELECT id FROM promotions ORDER BY created_at DESC LIMIT 1',
  );
  return (rows[0] as { id: string }).id;
}

async function waitForStatus(id: string, status: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { rows } = await app.service.database.pool.query('SELECT status FROM promotions WHERE id = $1', [
      id,
    ]);
    if (rows[0]?.status === status) return;
    if (Date.now() > deadline) throw new Error(`promotion ${id} stayed ${rows[0]?.status}, never ${status}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

const missingFlowId = 'deadbeefdeadbeefdeadbeefdeadbeef';
/** The built-in DaVinci Admin Read Only role of the simulator's seed. */
const readOnlyDavinci = '11111111-0000-4000-8000-0000000000a5';

/** A node that starts the subflow `id` (docs/pingone-facts.md, "Subflow nodes"). */
function startSubflowOf(id: string) {
  return {
    data: {
      id: 'd1',
      nodeType: 'CONNECTION',
      connectorId: 'flowConnector',
      capabilityName: 'startUiSubFlow',
      properties: { subFlowId: { value: { label: 'Gone', value: id } }, subFlowVersionId: { value: -1 } },
    },
    position: { x: 0, y: 0 },
    group: 'nodes',
    removed: false,
    selected: false,
    selectable: true,
    locked: false,
    grabbable: true,
    pannable: false,
  };
}

async function driveEveryOperation(): Promise<void> {
  await run('test', '*Passed.*');
  await run('envs', 'Staging');
  for (const kind of listedKinds) await run(`list ${kind} --env Staging`, 'in Staging');
  await run('list policies --env Staging', '(priority 1)');

  // Into Production: an approver runs it (backup export, create, replace, deploy); the requester asks
  // for a rollback, which the approver approves.
  await run('promote Checkout --from Staging --to Production', 'is waiting for an approver');
  const promotion = await latestPromotionId();
  await click('promotion_approve', promotion, approver);
  await waitForStatus(promotion, 'succeeded');
  await click('promotion_rollback', promotion, operator);
  await fakeSlack.waitFor(
    () => JSON.stringify(fakeSlack.callsOf('chat.update').at(-1)?.args.blocks).includes('Rollback asked for'),
    20_000,
  );
  await click('promotion_rollback_approve', promotion, approver);
  await waitForStatus(promotion, 'rolled_back');
  await run('versions Collect address --env Production', 'written by FlightIQ');
  // Changed in Production's console: the drift comparison reads the audit for who did it, and both
  // versions' details for what changed. Each comparison comes an hour after the last.
  const restored = sim.data.collections[production]?.flows?.find((f) => f.name === 'Collect address');
  if (!restored) throw new Error('the promotion left no Collect address in Production');
  sim.editFlow(production, String(restored.id), { description: 'Hotfix' }, { by: { name: 'Dana Admin' } });
  clock.advance(2 * 60 * 60_000);
  await app.service.services.monitor.checkTenant(tenantId);
  await fakeSlack.waitFor(
    () => fakeSlack.callsOf('chat.postMessage').find((call) => String(call.args.text).includes('Dana Admin')),
    20_000,
  );

  // A flow policy into Production: its DaVinci application and the policy created; then, changed in
  // Staging, promoted again, which updates it in place.
  const signIn = sim.data.collections[staging]?.flowPolicies?.find((p) => p.name === 'Sign in policy');
  if (!signIn) throw new Error('no Sign in policy in Staging');
  signIn.flowDistributions = [{ id: ids.checkout, version: -1, weight: 100 }];
  for (const status of ['enabled', 'disabled']) {
    signIn.status = status;
    await run(
      'promote policy Customer portal/Sign in policy --from Staging --to Production',
      'is waiting for an approver',
    );
    const policyPromotion = await latestPromotionId();
    await click('promotion_approve', policyPromotion, approver);
    await waitForStatus(policyPromotion, 'succeeded');
  }
  // Production's new policy has run Checkout: planning a changed Checkout again reads its events.
  sim.editFlow(staging, ids.checkout, { description: 'Consent text v2' }, { deploy: true });
  const production_ = sim.data.collections[production];
  const promotedPolicy = production_?.flowPolicies?.find((p) => p.name === 'Sign in policy');
  const checkout = production_?.flows?.find((f) => f.name === 'Checkout');
  if (!production_ || !promotedPolicy || !checkout) throw new Error('the policy promotion left no policy');
  production_.flowPolicyEvents = [
    {
      policyId: promotedPolicy.id,
      flow: { id: checkout.id, version: 1 },
      totalCount: 3,
      successCount: 2,
      events: [{ id: 'e1', timestamp: new Date(Date.now() - 3_600_000).toISOString() }],
    },
  ];
  await run('promote Checkout --from Staging --to Production', 'is waiting for an approver');

  // Flows that name PingOne objects: planning reads each kind's list in both environments.
  await run('promote "Passwordless sign-on" --from Staging --to Production', 'is waiting for an approver');

  // Into QA with a read-only role on the source (no export: flows are read one by one), run by the
  // requester; then again, with the simulator playing the other readings of the documents, where every
  // flow is found unchanged (which reads the destination's flows).
  const worker = sim.app();
  const roles = structuredClone(worker.roleAssignments);
  for (const assignment of worker.roleAssignments) {
    if (assignment.scope.id === staging) assignment.role.id = readOnlyDavinci;
  }
  // A saved draft of a subflow: its deployed version is read from the version's details. It is
  // disabled in Staging, so it is disabled in QA after its deploy.
  sim.editFlow(staging, ids.validate, { description: 'A draft nobody deployed' });
  const validate = sim.data.collections[staging]?.flows?.find((candidate) => candidate.id === ids.validate);
  if (validate) validate.enabled = false;
  await run('promote Checkout --from Staging --to QA', 'promotion_run');
  const intoQa = await latestPromotionId();
  await click('promotion_run', intoQa, operator);
  await waitForStatus(intoQa, 'succeeded');
  worker.roleAssignments = structuredClone(roles);
  sim.variants = { ...sim.variants, billOfMaterials: 'top-level', exportVariables: 'legacy' };
  await run('envs', 'Staging');
  await run('promote Checkout --from Staging --to QA', 'unchanged');
  sim.variants = { ...defaultVariants };

  // PingOne's own refusals. A missing role: the simulator answers 403 as PingOne does.
  worker.roleAssignments = roles.filter((assignment) => assignment.scope.id !== staging);
  await run('list variables --env Staging', 'The worker app is missing a role');
  worker.roleAssignments = roles;
  // A subflow that is not there: reading it by ID is a 404.
  sim.data.collections[staging]?.flows?.push(
    flow('c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0ff', 'Dangling', staging, graph(startSubflowOf(missingFlowId))),
  );
  await run('promote Dangling --from Staging --to QA', 'PingOne found nothing');
  // A rate limit comes only from an injected fault; it is recorded but not held against the documents.
  sim.fail(/\/variables$/, { status: 429, retryAfter: '0' }, { times: 1 });
  await run('list variables --env Staging', 'in Staging');
}

function isToken(exchange: RecordedExchange): boolean {
  return exchange.path.split('?')[0]?.endsWith('/as/token') ?? false;
}

/** Every violation, grouped by operation, a line per kind of violation with how often it occurred. */
function report(checked: { exchange: RecordedExchange; violations: Violation[] }[]): string {
  const byOperation = new Map<string, { failing: Set<RecordedExchange>; lines: Map<string, number> }>();
  for (const { exchange, violations } of checked) {
    for (const violation of violations) {
      const key = violation.operationId ?? '(no operation)';
      const group = byOperation.get(key) ?? { failing: new Set(), lines: new Map() };
      byOperation.set(key, group);
      group.failing.add(exchange);
      // Array positions differ from item to item; the same fault in every item is one line.
      const line = formatViolation({ ...violation, operationId: undefined })
        .replace(/^\(no operation\) /, '')
        .replace(/\[\d+\]/g, '[*]');
      group.lines.set(line, (group.lines.get(line) ?? 0) + 1);
    }
  }
  const sections = [...byOperation.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([operationId, { failing, lines }]) => {
      const example = [...failing][0];
      const heading = `${operationId}: ${failing.size} exchange(s), e.g. ${example?.method} ${example?.path} → ${example?.status}`;
      const body = [...lines.entries()].map(([line, times]) => `  ${line}${times > 1 ? ` (×${times})` : ''}`);
      return [heading, ...body].join('\n');
    });
  return sections.join('\n\n');
}

describe("PingOne exchanges against Ping's OpenAPI documents", () => {
  it('records the exchanges, marking the injected faults', () => {
    expect(exchanges.length).toBeGreaterThan(50);
    expect(exchanges.some((exchange) => exchange.fault && exchange.status === 429)).toBe(true);
    expect(exchanges.every((exchange) => exchange.path.startsWith('/v1/') || isToken(exchange))).toBe(true);
  });

  it('every request FlightIQ sent and every answer the simulator gave is what the documents describe', () => {
    const contract = pingOneContract();
    const checked = exchanges
      .filter(
        (exchange) =>
          !exchange.fault &&
          !isToken(exchange) &&
          !outsideTheDocuments.some((path) => path.test(exchange.path)),
      )
      .map((exchange) => ({ exchange, violations: contract.check(exchange) }));
    const failing = checked.filter(({ violations }) => violations.length > 0);
    const message = `${failing.length} of ${checked.length} exchange(s) differ from Ping's OpenAPI documents:\n\n${report(failing)}\n`;
    expect(failing.length, message).toBe(0);
  });

  it("asks for tokens as the documents' OAuth 2 scheme says: the client credentials grant at its token URL", () => {
    const document = parse(
      readFileSync(resolve(import.meta.dirname, 'openapi/pingone-platform-davinci.openapi.yaml'), 'utf8'),
    ) as {
      components: { securitySchemes: { oauth2: { flows: { clientCredentials: { tokenUrl: string } } } } };
    };
    const { tokenUrl } = document.components.securitySchemes.oauth2.flows.clientCredentials;
    const tokens = exchanges.filter(isToken).filter((exchange) => !exchange.fault);
    expect(tokens.length).toBeGreaterThan(0);
    for (const exchange of tokens) {
      expect(exchange.method).toBe('POST');
      expect(exchange.path.split('?')[0]).toMatch(
        new RegExp(`^/[0-9a-f-]{36}${tokenUrl.replace(/\//g, '\\/')}$`),
      );
      expect(exchange.requestContentType).toBe('application/x-www-form-urlencoded');
      expect(new URLSearchParams(String(exchange.requestBody)).get('grant_type')).toBe('client_credentials');
      // RFC 6749 §5.1, which an oauth2 scheme's token URL answers by.
      if (exchange.status === 200) {
        expect(exchange.responseContentType).toBe('application/json');
        expect(exchange.responseBody).toEqual({
          access_token: expect.any(String),
          token_type: expect.stringMatching(/^bearer$/i),
          expires_in: expect.any(Number),
        });
      }
    }
  });

  it('exercises every PingOne operation FlightIQ uses, each with a successful answer', () => {
    const contract = pingOneContract();
    for (const operationId of usedOperations) expect(contract.has(operationId), operationId).toBe(true);
    const covered = new Set(
      exchanges
        .filter((exchange) => !exchange.fault && !isToken(exchange) && exchange.status < 300)
        .map((exchange) => contract.operationOf(exchange)),
    );
    expect(usedOperations.filter((operationId) => !covered.has(operationId))).toEqual([]);
  });
});
