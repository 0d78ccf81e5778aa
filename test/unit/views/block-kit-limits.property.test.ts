import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { withAvailability } from '../../../src/commands/subcommands.js';
import type { CheckReport } from '../../../src/core/credentials/check.js';
import type {
  CertificateWarning,
  CredentialAlert,
  DriftWarning,
  PolicyDriftWarning,
  TenantHealth,
} from '../../../src/core/credentials/monitor.js';
import type { FlowDiff, PropertyChange } from '../../../src/core/davinci/flow-diff.js';
import { variableContexts } from '../../../src/core/davinci/flow-graph.js';
import type { EnvironmentMatch } from '../../../src/core/environment-match.js';
import type { EnvironmentSummary } from '../../../src/core/environments.js';
import {
  type ArtifactRow,
  artifactKindNames,
  artifactKinds,
  type Cell,
  type Column,
} from '../../../src/core/listing/artifact-kinds.js';
import type { ListPage } from '../../../src/core/listing/artifact-listing.js';
import type { Problem } from '../../../src/core/problem.js';
import type { PlannedReference } from '../../../src/core/promotion/plan/references.js';
import type {
  PlannedFlow,
  PlannedPolicyUse,
  PlannedVariable,
  PromotionPlan,
} from '../../../src/core/promotion/plan/types.js';
import type { Promotion, PromotionResult, Refusal } from '../../../src/core/promotion/service.js';
import { promotionStatuses } from '../../../src/core/promotion/state.js';
import type { Tenant } from '../../../src/core/tenants/service.js';
import { pingOneObjectKinds } from '../../../src/pingone/environment-objects.js';
import { dataChecks, mintChecks, pingOneErrorCodes } from '../../../src/pingone/errors.js';
import { authMethods, regions } from '../../../src/pingone/regions.js';
import {
  certificateWarningMessage,
  credentialAlertMessage,
  driftWarningMessage,
  policyDriftWarningMessage,
  recoveryReply,
} from '../../../src/slack/views/alert.js';
import {
  artifactListMessage,
  environmentNotMatchedMessage,
  listPageSize,
  noDavinciMessage,
} from '../../../src/slack/views/artifact-list.js';
import { auditMessage } from '../../../src/slack/views/audit.js';
import { credentialCheckMessage } from '../../../src/slack/views/credential-check.js';
import { environmentListMessage } from '../../../src/slack/views/environment-list.js';
import { helpMessage, notAvailableMessage } from '../../../src/slack/views/help.js';
import { homeView } from '../../../src/slack/views/home.js';
import { escapedShort, escapeMrkdwn } from '../../../src/slack/views/mrkdwn.js';
import { notice } from '../../../src/slack/views/notices.js';
import { problemBlocks, problemMessage } from '../../../src/slack/views/pingone-problem.js';
import { databaseUnavailableMessage, internalErrorMessage } from '../../../src/slack/views/problem.js';
import {
  alreadyText,
  compactPromotionMessage,
  type PromotionSurface,
  promotionListMessage,
  promotionMessage,
  refusalText,
} from '../../../src/slack/views/promotion.js';
import { noticeModal, tenantFormModal, testFailedModal } from '../../../src/slack/views/tenant-form.js';
import { tenantListMessage } from '../../../src/slack/views/tenant-list.js';
import { confirmRemoveMessage } from '../../../src/slack/views/tenant-remove.js';
import type { AuditEvent } from '../../../src/store/audit-events.js';
import { blockKitProblems, viewProblems } from '../../support/block-kit-rules.js';

/**
 * Every view builder, fed the largest and nastiest values PingOne, admins and requesters can produce:
 * names of hundreds of characters full of `&`, `<`, `<!channel>`, emoji and multi-byte text, lists of
 * hundreds of items, failure texts of thousands of characters. Slack refuses a payload over a limit
 * (`invalid_blocks`) instead of cutting it, so every result must pass the Block Kit rules the fake
 * Slack applies, its notification text must fit Slack's 40,000 characters, and nothing taken from
 * input may notify a whole channel.
 */

const now = new Date();
/** A Slack message timestamp of now (seconds, and a sequence in the second). */
const slackTs = (sequence: number) =>
  `${Math.floor(now.getTime() / 1000)}.${String(sequence).padStart(6, '0')}`;
const surfaces: PromotionSurface[] = ['approval', 'requester', 'copy'];
const catalog = withAvailability(() => true);

// ---------------------------------------------------------------------------------------------------
// What every result is checked against

type Json = Record<string, unknown>;

/** Slack's own limit on a message's `text`. */
const maxFallback = 40_000;
/** Special mentions that notify everyone: none of the app's own text says them, so any comes from input. */
const broadcast = /<!(channel|here|everyone)\b/;

/** Every mrkdwn text in a payload: where Slack would read `<!channel>` as a mention. */
function mrkdwnTexts(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) mrkdwnTexts(item, found);
  else if (value && typeof value === 'object') {
    const object = value as Json;
    if (object.type === 'mrkdwn' && typeof object.text === 'string') found.push(object.text);
    for (const child of Object.values(object)) mrkdwnTexts(child, found);
  }
  return found;
}

/** Where a text says a broadcast, with a little around it: the whole text can be 40,000 characters. */
function broadcastIn(text: string): string | undefined {
  const at = text.search(broadcast);
  return at < 0 ? undefined : text.slice(Math.max(0, at - 40), at + 40);
}

function expectSafeMrkdwn(payload: unknown, what: string): void {
  for (const text of mrkdwnTexts(payload))
    expect(broadcastIn(text), `${what}: mrkdwn says a broadcast`).toBeUndefined();
}

function expectFallback(text: string, what: string): void {
  expect(typeof text, `${what}: text`).toBe('string');
  expect(text.length, `${what}: text length`).toBeLessThanOrEqual(maxFallback);
  expect(broadcastIn(text), `${what}: text says a broadcast`).toBeUndefined();
}

function expectMessage(message: { text: string; blocks?: unknown }, what: string): void {
  expect(blockKitProblems(message.blocks, 'message'), what).toEqual([]);
  expectFallback(message.text, what);
  expectSafeMrkdwn(message.blocks, what);
}

function expectView(view: unknown, surface: 'modal' | 'home', what: string): void {
  expect(viewProblems(view as Json, surface), what).toEqual([]);
  expectSafeMrkdwn(view, what);
}

// ---------------------------------------------------------------------------------------------------
// Inputs

const nasties = [
  '<!channel>',
  '<!here>',
  '<!everyone>',
  '<!channel|channel>',
  '&',
  '&amp;',
  '<',
  '>',
  '<@U0ADMIN0001>',
  '<https://evil.example|click>',
  '*',
  '_',
  '`',
  '~',
  '🛫',
  '👩‍👩‍👧‍👦',
  'é',
  'Ωμέγα',
  '漢字テスト',
  '\u202e',
  ' ',
  '\n',
];

/** Text of up to `max` characters: random, or built of the pieces that grow when escaped or notify. */
function text(max: number): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ maxLength: max }),
    fc.string({ unit: 'grapheme', maxLength: Math.min(max, 100) }),
    fc
      .array(fc.oneof(fc.constantFrom(...nasties), fc.string({ maxLength: 12 })), {
        maxLength: Math.ceil(max / 4),
      })
      .map((pieces) => pieces.join('').slice(0, max)),
    fc
      .tuple(fc.constantFrom('&', '<!channel>', '<', '🛫'), fc.integer({ min: 0, max }))
      .map(([piece, length]) => piece.repeat(Math.ceil(length / piece.length)).slice(0, length)),
  );
}

const name = text(500);
const longText = text(8000);
/** Never empty: the builders that take it are only ever given something to say. */
const saying = longText.filter((value) => value.trim().length > 0);
const sixYearsMs = 6 * 365 * 86_400_000;
/** Any time within six years either side of now. */
const date = fc.date({
  min: new Date(now.getTime() - sixYearsMs),
  max: new Date(now.getTime() + sixYearsMs),
  noInvalidDate: true,
});
const user = fc
  .integer({ min: 0, max: 36 ** 8 })
  .map((n) => `U${n.toString(36).toUpperCase().padStart(8, '0')}`);
const hex = (length: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });

/** A list of up to `max` items, often short, sometimes huge. */
function many<T>(item: fc.Arbitrary<T>, max: number): fc.Arbitrary<T[]> {
  return fc.oneof(fc.array(item, { maxLength: 3 }), fc.array(item, { maxLength: max }));
}

const problem: fc.Arbitrary<Problem> = fc.record({
  code: fc.constantFrom(...pingOneErrorCodes, 'secret_unavailable' as const),
  message: longText,
  // The checks are FlightIQ's own sentences (errors.ts), never PingOne's.
  checks: fc.subarray([...mintChecks, ...dataChecks]),
  correlationId: fc.option(name, { nil: undefined }),
});

const tenant: fc.Arbitrary<Tenant> = fc.record({
  id: fc.uuid(),
  name,
  region: fc.constantFrom(...regions),
  environmentId: fc.uuid(),
  clientId: fc.uuid(),
  authMethod: fc.constantFrom(...authMethods),
  secretBinding: fc.constantFrom(1 as const, 2 as const),
  secretFingerprint: fc.constantFrom('…abcd', '…', '…Zz9_'),
  lastTest: fc.option(
    fc.record({
      outcome: fc.constantFrom('passed' as const, 'failed' as const),
      summary: fc.option(longText),
      at: date,
    }),
  ),
  createdAt: date,
  createdBy: user,
  updatedAt: date,
  updatedBy: user,
  version: fc.nat(),
});

const environment: fc.Arbitrary<EnvironmentSummary> = fc.record({
  id: fc.uuid(),
  name,
  type: fc.oneof(fc.constantFrom('PRODUCTION', 'SANDBOX'), name),
  region: fc.oneof(fc.constantFrom('EU', 'NA', 'AP'), name),
  hasDavinci: fc.option(fc.boolean(), { nil: undefined }),
});

const plannedFlow: fc.Arbitrary<PlannedFlow> = fc.record({
  sourceId: hex(32),
  name,
  sourceVersion: fc.option(fc.nat()),
  role: fc.constantFrom('main' as const, 'subflow' as const),
  depth: fc.nat(20),
  action: fc.constantFrom('create' as const, 'update' as const, 'unchanged' as const),
  destinationId: fc.option(hex(32)),
  destinationName: name,
  destinationVersions: fc.option(fc.record({ current: fc.option(fc.nat()), published: fc.option(fc.nat()) })),
});

const plannedVariable: fc.Arbitrary<PlannedVariable> = fc.record(
  {
    name,
    context: fc.constantFrom(...variableContexts),
    dataType: fc.oneof(fc.constantFrom('string', 'secret', 'number', 'boolean'), name),
    flow: fc.record({ sourceId: hex(32), name }),
    action: fc.constantFrom('exists' as const, 'create' as const, 'update' as const, 'blocked' as const),
    destinationId: fc.option(fc.uuid()),
    inDestination: fc.boolean(),
  },
  { requiredKeys: ['name', 'context', 'dataType', 'inDestination'] },
);

const plannedReference: fc.Arbitrary<PlannedReference> = fc.record({
  kind: fc.constantFrom(
    ...pingOneObjectKinds,
    'templateVariant' as const,
    'environment' as const,
    'unclassified' as const,
  ),
  sourceId: fc.oneof(fc.uuid(), name),
  name: fc.option(name),
  destinationId: fc.option(fc.uuid()),
  status: fc.constantFrom(
    'mapped' as const,
    'missing' as const,
    'ambiguous' as const,
    'not_in_source' as const,
    'unreadable' as const,
    'unclassified' as const,
  ),
  usedBy: many(name, 5),
});

const plannedPolicyUse: fc.Arbitrary<PlannedPolicyUse> = fc.record({
  flowName: name,
  policy: name,
  davinciApplication: name,
  status: fc.constantFrom('enabled', 'disabled'),
  pinnedVersion: fc.option(fc.nat()),
  weight: fc.nat({ max: 100 }),
  others: many(fc.record({ flowName: fc.option(name), weight: fc.nat({ max: 100 }) }), 5),
  usedBy: many(fc.record({ applicationName: name, priority: fc.nat() }), 5),
});

function plan(max: number): fc.Arbitrary<PromotionPlan> {
  const ref = fc.record({ id: fc.uuid(), name, type: fc.constantFrom('PRODUCTION', 'SANDBOX') });
  return fc.record({
    from: ref,
    to: ref,
    flows: many(plannedFlow, max),
    connectors: many(
      fc.record({ sourceId: hex(32), name, connector: name, destinationId: fc.option(hex(32)) }),
      max,
    ),
    forms: many(fc.record({ sourceId: fc.uuid(), name, destinationId: fc.option(fc.uuid()) }), max),
    references: many(plannedReference, max),
    policies: many(plannedPolicyUse, max),
    variables: many(plannedVariable, max),
    blockers: many(name, max),
    warnings: many(name, max),
    fingerprint: hex(16),
  });
}

function result(max: number): fc.Arbitrary<PromotionResult> {
  return fc.record(
    {
      flows: many(
        fc.record({
          name,
          action: fc.constantFrom('created' as const, 'updated' as const, 'restored' as const),
          destinationId: hex(32),
          version: fc.option(fc.nat()),
          deployedVersion: fc.option(fc.nat()),
        }),
        max,
      ),
      variables: many(
        fc.record(
          {
            name,
            context: fc.constantFrom(...variableContexts),
            flowName: name,
            action: fc.constantFrom(
              'created' as const,
              'updated' as const,
              'removed' as const,
              'restored' as const,
            ),
            destinationId: fc.uuid(),
          },
          { requiredKeys: ['name', 'context', 'action', 'destinationId'] },
        ),
        max,
      ),
      leftInPlace: many(name, max),
    },
    { requiredKeys: ['flows'] },
  );
}

const approval = fc.record({ userId: user, at: date.map((d) => d.toISOString()) });

function promotion(max: number): fc.Arbitrary<Promotion> {
  return fc.record({
    id: fc.uuid(),
    tenantId: fc.uuid(),
    tenantName: name,
    toTenantId: fc.option(fc.uuid()),
    toTenantName: fc.option(name),
    requestedBy: user,
    teamId: fc.constant('T0FAKE0001'),
    flowName: name,
    fromEnvId: fc.uuid(),
    fromEnvName: name,
    toEnvId: fc.uuid(),
    toEnvName: name,
    options: fc.record({ asNew: fc.boolean(), withSubflows: fc.boolean() }),
    protected: fc.boolean(),
    plan: plan(max),
    fingerprint: hex(16),
    status: fc.constantFrom(...promotionStatuses),
    channelId: fc.option(fc.constant('C0APPROVALS')),
    messageTs: fc.option(fc.constant(slackTs(100))),
    decidedBy: fc.option(user),
    decidedAt: fc.option(date),
    rolledBackBy: fc.option(user),
    outcome: fc.option(longText),
    result: fc.option(result(max)),
    createdAt: date,
    updatedAt: date,
    expiresAt: date,
    leaseOwner: fc.constant(null),
    writing: fc.boolean(),
    finishedAt: fc.option(date),
    approvals: many(approval, 50),
    rollbackRequestedBy: fc.option(user),
    rollbackRequestedAt: fc.option(date),
    rollbackApprovals: many(approval, 50),
    reason: fc.option(text(300)),
    steps: many(
      fc.record({
        id: fc.nat(),
        action: fc.constantFrom(
          'backup',
          'create',
          'update',
          'deploy',
          'restore',
          'create variable',
          'update variable',
          'remove variable',
          'restore variable',
        ),
        subject: name,
        destinationId: fc.option(hex(32)),
        version: fc.option(fc.nat()),
        status: fc.constantFrom('started' as const, 'done' as const, 'failed' as const),
        detail: fc.option(longText),
      }),
      max,
    ),
    requiredApprovals: fc.integer({ min: 1, max: 5 }),
    rollbackUntil: fc.option(date),
  });
}

const health = (tenantId: string): fc.Arbitrary<TenantHealth> =>
  fc.record({
    tenantId: fc.constant(tenantId),
    state: fc.constantFrom('healthy' as const, 'failing' as const),
    causeCode: fc.option(fc.constantFrom(...pingOneErrorCodes)),
    causeMessage: fc.option(longText),
    failingSince: fc.option(date),
    lastCheckedAt: date,
    alertChannel: fc.option(fc.constant('C0ALERTS')),
    alertTs: fc.option(fc.constant(slackTs(200))),
  });

function cell(column: Column): fc.Arbitrary<Cell> {
  switch (column.format) {
    case 'flag':
      return fc.option(fc.boolean());
    case 'number':
      return fc.option(fc.integer());
    case 'date':
    case 'expiry':
      return fc.option(
        fc.oneof(
          date.map((d) => d.toISOString()),
          name,
        ),
      );
    case 'list':
      return fc.option(many(name, 50));
    default:
      return fc.option(
        fc.oneof(
          { weight: 4, arbitrary: name },
          fc.record({ withheld: fc.constantFrom('secret', 'masked by PingOne') }),
        ),
      );
  }
}

const listPage: fc.Arbitrary<ListPage> = fc.constantFrom(...artifactKindNames).chain((kindName) => {
  const kind = artifactKinds[kindName];
  const row: fc.Arbitrary<ArtifactRow> = fc.record({
    id: fc.uuid(),
    cells: fc.record(Object.fromEntries(kind.columns.map((column) => [column.key, cell(column)]))),
  });
  return fc
    .record({
      rows: many(row, 300),
      page: fc.nat(),
      tenantName: name,
      environmentName: name,
      filter: fc.oneof(fc.constant(''), name),
      truncated: fc.boolean(),
      leftOut: fc.nat(),
      createdAt: date,
    })
    .map(({ rows, page, tenantName, environmentName, filter, truncated, leftOut, createdAt }) => {
      const pageCount = Math.max(1, Math.ceil(rows.length / listPageSize));
      const shown = page % pageCount;
      return {
        snapshot: {
          id: '0e6a4b5c-1111-4222-8333-944455556666',
          ownerId: 'U0USER0001',
          teamId: 'T0FAKE0001',
          tenantId: '1e6a4b5c-1111-4222-8333-944455556666',
          tenantName,
          kind: kindName,
          environmentId: 'bb22bb22-0000-4000-8000-000000000002',
          environmentName,
          filter,
          truncated,
          leftOut,
          total: rows.length,
          createdAt,
          expiresAt: new Date(createdAt.getTime() + 86_400_000),
        },
        kind,
        rows: rows.slice(shown * listPageSize, (shown + 1) * listPageSize),
        page: shown,
        shownAt: now,
        pageCount,
      };
    });
});

const stepStatus = fc.constantFrom('passed' as const, 'failed' as const, 'not_checked' as const);

const checkReport: fc.Arbitrary<CheckReport> = fc.record(
  {
    tenant: name,
    passed: fc.boolean(),
    token: fc.record(
      { status: stepStatus, mintedInMs: fc.nat(100_000), expiresInSeconds: fc.nat(86_400) },
      { requiredKeys: ['status'] },
    ),
    roles: fc.record(
      { status: stepStatus, assignments: many(fc.record({ role: name, scope: name }), 300), note: longText },
      { requiredKeys: ['status', 'assignments'] },
    ),
    environments: fc.record({
      status: stepStatus,
      total: fc.nat(1000),
      checked: many(
        fc.record({
          id: fc.uuid(),
          name,
          type: fc.oneof(fc.constantFrom('PRODUCTION', 'SANDBOX'), name),
          davinciRead: fc.constantFrom(
            'passed' as const,
            'failed' as const,
            'not_checked' as const,
            'not_licensed' as const,
            'refused' as const,
          ),
          identityRead: stepStatus,
        }),
        300,
      ),
    }),
    problem,
  },
  { requiredKeys: ['tenant', 'passed', 'token', 'roles', 'environments'] },
);

const alert: fc.Arbitrary<CredentialAlert> = fc.record(
  {
    tenantId: fc.uuid(),
    tenantName: name,
    state: fc.constantFrom('failing' as const, 'healthy' as const),
    problem,
    failingSince: fc.option(date),
    lastCheckedAt: date,
    resolvedCause: fc.option(longText),
  },
  { requiredKeys: ['tenantId', 'tenantName', 'state', 'failingSince', 'lastCheckedAt'] },
);

const certificateWarning: fc.Arbitrary<CertificateWarning> = fc.record({
  kind: fc.constantFrom('certificate' as const, 'key' as const),
  usageType: fc.option(fc.oneof(fc.constantFrom('SIGNING', 'ENCRYPTION'), name), { nil: undefined }),
  tenantName: name,
  environmentName: name,
  name,
  subject: fc.option(longText, { nil: undefined }),
  expiresAt: date,
  checkedAt: fc.constant(now),
});

const nodeRef = fc.record({ id: hex(10), label: name, kind: name });
const propertyChange: fc.Arbitrary<PropertyChange> = fc.record(
  {
    path: name,
    before: longText,
    after: longText,
    hidden: fc.constant(true as const),
    // FlightIQ's own words, never PingOne's.
    warning: fc.constant('a secret in code: worth a look'),
  },
  { requiredKeys: ['path'] },
);
const flowDiff: fc.Arbitrary<FlowDiff> = fc.record({
  flow: name,
  verdict: fc.constantFrom('new' as const, 'same' as const, 'layout_only' as const, 'changed' as const),
  nodes: fc.record({
    added: many(nodeRef, 50),
    removed: many(nodeRef, 50),
    changed: many(fc.record({ id: hex(10), label: name, kind: name, changes: many(propertyChange, 20) }), 50),
  }),
  links: fc.record({ added: fc.nat(), removed: fc.nat() }),
  flowChanges: many(propertyChange, 30),
  uses: fc.record({ variables: many(name, 20), connectors: many(name, 20) }),
});
const driftAuthor = fc.oneof(
  fc.record({ kind: fc.constantFrom('person' as const, 'app' as const), name, id: name, at: date }),
  fc.record(
    { kind: fc.constant('someone' as const), reason: longText, missingRole: name },
    { requiredKeys: ['kind', 'reason'] },
  ),
);
const policyDriftWarning: fc.Arbitrary<PolicyDriftWarning> = fc.record(
  {
    tenantName: name,
    environmentName: name,
    application: name,
    policyName: name,
    promotionId: fc.uuid(),
    sourceEnvironmentName: name,
    deleted: fc.boolean(),
    changes: many(
      fc.record({
        what: fc.constantFrom('name' as const, 'status' as const, 'flows' as const),
        before: longText,
        after: longText,
      }),
      3,
    ),
    changedBy: driftAuthor,
    changedAt: date,
    checkedAt: date,
  },
  {
    requiredKeys: [
      'tenantName',
      'environmentName',
      'application',
      'policyName',
      'promotionId',
      'sourceEnvironmentName',
      'deleted',
      'changes',
      'changedBy',
      'checkedAt',
    ],
  },
);
const driftWarning: fc.Arbitrary<DriftWarning> = fc.record(
  {
    tenantName: name,
    environmentName: name,
    flowName: name,
    writtenVersion: fc.nat(),
    promotionId: fc.uuid(),
    sourceEnvironmentName: name,
    currentVersion: fc.option(fc.nat()),
    changedBy: driftAuthor,
    changedAt: date,
    change: fc.oneof(fc.record({ diff: flowDiff }), fc.record({ unread: longText })),
    checkedAt: date,
  },
  {
    requiredKeys: [
      'tenantName',
      'environmentName',
      'flowName',
      'writtenVersion',
      'promotionId',
      'sourceEnvironmentName',
      'currentVersion',
      'changedBy',
      'checkedAt',
    ],
  },
);

const auditEvent: fc.Arbitrary<AuditEvent> = fc.record({
  id: fc.nat(),
  occurredAt: date,
  actorId: user,
  teamId: fc.option(fc.constant('T0FAKE0001')),
  action: fc.oneof(fc.constantFrom('tenant.add', 'promotion.approve', 'promotion.rollback'), name),
  tenant: fc.option(name),
  outcome: fc.constantFrom('succeeded' as const, 'refused' as const, 'failed' as const),
  details: fc.dictionary(
    fc.string({ maxLength: 20 }),
    fc.oneof(name, fc.integer(), fc.array(name, { maxLength: 10 })),
    { maxKeys: 10 },
  ),
});

// ---------------------------------------------------------------------------------------------------
// Hand-picked worst cases

const ampersands = '&'.repeat(6000);
const widest = `${'<!channel> & '.repeat(40)}🛫`.slice(0, 500);

function bigPromotion(overrides: Partial<Promotion> = {}): Promotion {
  const flows = Array.from(
    { length: 200 },
    (_, i): PlannedFlow => ({
      sourceId: `${i}`.padStart(32, 'a'),
      name: `${i} ${widest}`,
      sourceVersion: i,
      role: i === 0 ? 'main' : 'subflow',
      depth: i === 0 ? 0 : 1 + (i % 5),
      action: i % 2 === 0 ? 'create' : 'update',
      destinationId: i % 2 === 0 ? null : `${i}`.padStart(32, 'b'),
      destinationName: `${widest} ${i}`,
      destinationVersions: i % 2 === 0 ? null : { current: i, published: null },
    }),
  );
  return {
    id: '10000000-0000-4000-8000-000000000001',
    tenantId: '20000000-0000-4000-8000-000000000002',
    tenantName: widest,
    toTenantId: '30000000-0000-4000-8000-000000000003',
    toTenantName: widest,
    requestedBy: 'U0REQUESTER',
    teamId: 'T0FAKE0001',
    flowName: widest,
    fromEnvId: 'bb22bb22-0000-4000-8000-000000000002',
    fromEnvName: widest,
    toEnvId: 'cc33cc33-0000-4000-8000-000000000003',
    toEnvName: widest,
    options: { asNew: false, withSubflows: true },
    protected: true,
    plan: {
      from: { id: 'bb22bb22-0000-4000-8000-000000000002', name: widest, type: 'SANDBOX' },
      to: { id: 'cc33cc33-0000-4000-8000-000000000003', name: widest, type: 'PRODUCTION' },
      flows,
      connectors: flows.map((f) => ({
        sourceId: f.sourceId,
        name: widest,
        connector: widest,
        destinationId: null,
      })),
      forms: flows.map((f) => ({ sourceId: f.sourceId, name: widest, destinationId: null })),
      references: flows.map((f) => ({
        kind: 'population',
        sourceId: f.sourceId,
        name: widest,
        destinationId: null,
        status: 'ambiguous',
        usedBy: [widest],
      })),
      variables: flows.map((f) => ({
        name: widest,
        context: 'flow',
        dataType: 'secret',
        flow: { sourceId: f.sourceId, name: widest },
        action: 'blocked',
        inDestination: false,
      })),
      policies: flows.map(() => ({
        flowName: widest,
        policy: widest,
        davinciApplication: widest,
        status: widest,
        pinnedVersion: 7,
        weight: 70,
        others: [{ flowName: widest, weight: 30 }],
        usedBy: [{ applicationName: widest, priority: 1 }],
      })),
      blockers: flows.map(() => widest),
      warnings: flows.map(() => widest),
      fingerprint: '0123456789abcdef',
    },
    fingerprint: '0123456789abcdef',
    status: 'failed',
    channelId: 'C0APPROVALS',
    messageTs: slackTs(100),
    decidedBy: 'U0APPROVER1',
    decidedAt: now,
    rolledBackBy: null,
    outcome: ampersands,
    result: {
      flows: flows.map((f) => ({
        name: f.destinationName,
        action: 'created',
        destinationId: f.sourceId,
        version: 1,
        deployedVersion: 1,
      })),
      variables: flows.map((f) => ({
        name: widest,
        context: 'flow',
        flowName: widest,
        action: 'created',
        destinationId: f.sourceId,
      })),
      leftInPlace: flows.map((f) => f.destinationName),
    },
    createdAt: now,
    updatedAt: now,
    expiresAt: now,
    leaseOwner: null,
    writing: false,
    finishedAt: now,
    approvals: [{ userId: 'U0APPROVER1', at: now.toISOString() }],
    rollbackRequestedBy: null,
    rollbackRequestedAt: null,
    rollbackApprovals: [],
    reason: [...widest].slice(0, 300).join(''),
    steps: flows.map((f, i) => ({
      id: i,
      action: i % 3 === 0 ? 'backup' : 'create',
      subject: f.destinationName,
      destinationId: f.destinationId,
      version: i,
      status: i === 199 ? 'failed' : 'done',
      detail: i === 199 ? ampersands : null,
    })),
    requiredApprovals: 2,
    rollbackUntil: new Date(now.getTime() + 86_400_000),
    ...overrides,
  };
}

/** Every promotion card the app can send for one promotion: all surfaces, all statuses, waiting or not. */
function expectPromotionCards(p: Promotion, waiting: string | undefined, what: string): void {
  for (const status of promotionStatuses) {
    const shown = { ...p, status };
    for (const surface of surfaces) {
      const at = `${what}, ${status} on ${surface}`;
      const full = promotionMessage(shown, surface, waiting);
      expectMessage(full, at);
      const json = JSON.stringify(full.blocks);
      // What happened matters more than the plan once it ran: the cap on blocks never cuts it away.
      const shows = (heading: string) => expect(json.includes(heading), `${at}: shows ${heading}`).toBe(true);
      if (p.steps.length > 0) shows('*Steps*');
      if (p.result && p.result.flows.length > 0) shows('*Result*');
      if (p.result?.variables && p.result.variables.length > 0) shows('*Variables written*');
      if (p.result?.leftInPlace && p.result.leftInPlace.length > 0) shows('*Left in place*');
      expectMessage(compactPromotionMessage(shown, surface, waiting), `${at} (compact)`);
    }
  }
}

// ---------------------------------------------------------------------------------------------------

describe('Block Kit limits of every view, whatever the input', () => {
  it('credential alerts, recoveries and certificate warnings', () => {
    fc.assert(
      fc.property(alert, certificateWarning, (a, warning) => {
        expectMessage(credentialAlertMessage(a), `alert (${a.state})`);
        expectMessage(credentialAlertMessage({ ...a, state: 'healthy' }), 'alert (healthy)');
        expectMessage(credentialAlertMessage({ ...a, state: 'failing' }), 'alert (failing)');
        expectFallback(recoveryReply(a).text, 'recovery');
        expectMessage(certificateWarningMessage(warning), 'certificate warning');
      }),
      { numRuns: 60 },
    );
  });

  it('drift warnings: who, when and what changed', () => {
    fc.assert(
      fc.property(driftWarning, policyDriftWarning, (warning, policy) => {
        expectMessage(driftWarningMessage(warning), 'drift warning');
        expectMessage(policyDriftWarningMessage(policy), 'policy drift warning');
      }),
      { numRuns: 60 },
    );
  });

  it('artifact lists, unmatched environments and environments without DaVinci', () => {
    fc.assert(
      fc.property(
        listPage,
        fc.constantFrom('unknown' as const, 'ambiguous' as const),
        longText,
        many(environment, 300),
        (page, reason, asked, candidates) => {
          expectMessage(artifactListMessage(page), `${page.kind.name} list`);
          const match: Extract<EnvironmentMatch, { ok: false }> = { ok: false, reason, asked, candidates };
          expectMessage(environmentNotMatchedMessage(match), 'environment not matched');
          for (const env of candidates.slice(0, 3))
            expectMessage(noDavinciMessage(env, page.kind), 'no DaVinci');
        },
      ),
      { numRuns: 40 },
    );
  });

  it('the audit trail', () => {
    fc.assert(
      fc.property(many(auditEvent, 300), (events) => expectMessage(auditMessage(events), 'audit')),
      { numRuns: 40 },
    );
  });

  it('credential checks and PingOne problems', () => {
    fc.assert(
      fc.property(checkReport, problem, (report, p) => {
        expectMessage(credentialCheckMessage(report), 'credential check');
        expectMessage(problemMessage(p), 'problem');
        expectMessage({ text: 'problem', blocks: problemBlocks(p) }, 'problem blocks');
        expectView(testFailedModal(p), 'modal', 'test failed modal');
      }),
      { numRuns: 60 },
    );
  });

  it('environment lists', () => {
    fc.assert(
      fc.property(name, many(environment, 500), fc.boolean(), (tenantName, environments, truncated) =>
        expectMessage(environmentListMessage(tenantName, environments, truncated), 'environment list'),
      ),
      { numRuns: 40 },
    );
  });

  it('help, not available, and internal failures', () => {
    fc.assert(
      fc.property(
        fc.func(fc.boolean()),
        fc.option(longText, { nil: undefined }),
        hex(12),
        (available, typed, reference) => {
          const subcommands = withAvailability((sub) => available(sub));
          // Callers quote what people typed, escaped, in the introduction.
          const intro = typed === undefined ? undefined : `:thinking_face: ${escapeMrkdwn(typed)}`;
          expectMessage(helpMessage(subcommands, intro), 'help');
          for (const sub of subcommands) expectMessage(notAvailableMessage(sub), 'not available');
          expectMessage(internalErrorMessage(reference), 'internal error');
          expectMessage(databaseUnavailableMessage(reference), 'database unavailable');
        },
      ),
      { numRuns: 40 },
    );
  });

  it('the App Home tab', () => {
    const contents = fc
      .record({
        isAdmin: fc.boolean(),
        tenants: fc.uniqueArray(tenant, { maxLength: 300, selector: (t) => t.id }),
        actionable: fc.uniqueArray(promotion(20), { maxLength: 50, selector: (p) => p.id }),
        mine: fc.uniqueArray(promotion(20), { maxLength: 50, selector: (p) => p.id }),
      })
      .chain((c) =>
        fc.tuple(...c.tenants.map((t) => fc.option(health(t.id), { nil: undefined }))).map((seen) => ({
          ...c,
          health: new Map(
            seen.flatMap((h) => (h ? [[h.tenantId, h] as const] : [])) as [string, TenantHealth][],
          ),
        })),
      );
    fc.assert(
      fc.property(contents, (c) => {
        expectView(homeView(catalog, { ...c, mayRead: true }), 'home', 'home');
        expectView(homeView(catalog), 'home', 'home without contents');
      }),
      { numRuns: 30 },
    );
  });

  it('notices and notice modals quoting what people typed', () => {
    const titles = fc.oneof(
      fc.constantFrom('FlightIQ', 'Unknown tenant', 'Form expired', 'Not allowed', 'Testing credentials'),
      fc.string({ minLength: 1, maxLength: 100 }).filter((t) => t.trim().length > 0),
    );
    fc.assert(
      fc.property(titles, saying, many(name, 300), (title, typed, names) => {
        // As the tenant command answers a name it does not know: what was typed, and every tenant.
        const said = `There is no tenant named "${escapedShort(typed, 100)}". Tenants: ${names.map((n) => `\`${escapeMrkdwn(n)}\``).join(', ')}.`;
        expectMessage(notice(said), 'notice');
        expectMessage(notice(escapeMrkdwn(typed)), 'notice of typed text');
        expectView(noticeModal(title, said), 'modal', 'notice modal');
      }),
      { numRuns: 60 },
    );
  });

  it('tenant forms, lists and removal', () => {
    fc.assert(
      fc.property(many(tenant, 300), (tenants) => {
        expectMessage(tenantListMessage(tenants), 'tenant list');
        expectView(tenantFormModal(), 'modal', 'add form');
        for (const t of tenants.slice(0, 5)) {
          expectView(tenantFormModal(t), 'modal', 'edit form');
          expectMessage(confirmRemoveMessage(t), 'remove');
        }
      }),
      { numRuns: 40 },
    );
  });

  it('promotion cards for every surface and status, and what they answer', () => {
    fc.assert(
      fc.property(
        promotion(300),
        fc.option(longText, { nil: undefined }),
        many(longText, 20),
        (p, waiting, details) => {
          expectPromotionCards(p, waiting, 'random promotion');
          const reasons: Refusal[] = [
            'own_request',
            'own_rollback_request',
            'already_approved',
            'not_approver',
            'not_requester',
            'not_allowed',
            'no_longer_allowed',
            'too_late',
            'nothing_to_undo',
            'changed_since',
          ];
          // What changed since a promotion names PingOne's flows, as they are named there.
          for (const reason of reasons)
            expectMessage(notice(refusalText(reason, details)), `refusal ${reason}`);
          expectMessage(notice(alreadyText(p)), 'already');
        },
      ),
      { numRuns: 30 },
    );
  });

  it('promotion lists', () => {
    fc.assert(
      fc.property(
        many(promotion(3), 300),
        fc.constantFrom('pending' as const, 'recent' as const),
        fc.option(fc.constantFrom('https://acme.slack.com', 'https://acme.slack.com/'), { nil: undefined }),
        (promotions, which, workspaceUrl) =>
          expectMessage(promotionListMessage(promotions, which, workspaceUrl), 'promotion list'),
      ),
      { numRuns: 30 },
    );
  });
});

describe('Block Kit limits: the cases that were reported', () => {
  it('help quoting 8,000 typed ampersands keeps its notification text within 40,000 characters', () => {
    // Found by the property above: escaped, 8,000 "&" are 40,000 characters before the colon.
    const intro = `:thinking_face: ${escapeMrkdwn('&'.repeat(8000))}`;
    expectMessage(
      helpMessage(
        withAvailability(() => true),
        intro,
      ),
      'help of 8,000 &',
    );
  });

  it('a rollback leaving 60 created flows in place stays within the limits', () => {
    const flows = Array.from({ length: 60 }, (_, i) => `${i} ${widest}`);
    const rolledBack = bigPromotion({
      status: 'rolled_back',
      rolledBackBy: 'U0APPROVER1',
      result: {
        flows: [],
        variables: [],
        leftInPlace: flows,
      },
    });
    expectPromotionCards(rolledBack, undefined, 'rollback with 60 left in place');
    const json = JSON.stringify(promotionMessage(rolledBack, 'approval').blocks);
    expect(json.includes('*Left in place*'), '*Left in place*').toBe(true);
    expect(json.includes('…and 20 more'), '…and 20 more').toBe(true);
  });

  it('a failure text escaped after shortening stays within 3,000 characters a section', () => {
    const failing = bigPromotion({ outcome: ampersands, steps: [], result: null });
    expectPromotionCards(failing, ampersands, 'outcome of 6,000 &');
    const p: Problem = {
      code: 'unexpected_response',
      message: ampersands,
      checks: mintChecks,
      correlationId: widest,
    };
    expectMessage(problemMessage(p), 'problem of 6,000 &');
    expectView(testFailedModal(p), 'modal', 'test failed of 6,000 &');
    const a: CredentialAlert = {
      tenantId: '20000000-0000-4000-8000-000000000002',
      tenantName: widest,
      state: 'failing',
      problem: p,
      failingSince: now,
      lastCheckedAt: now,
      resolvedCause: ampersands,
    };
    expectMessage(credentialAlertMessage(a), 'alert of 6,000 &');
    expectMessage(credentialAlertMessage({ ...a, state: 'healthy' }), 'resolved alert of 6,000 &');
    expectMessage(
      certificateWarningMessage({
        kind: 'key',
        usageType: widest,
        tenantName: widest,
        environmentName: widest,
        name: ampersands,
        subject: ampersands,
        expiresAt: now,
        checkedAt: now,
      }),
      'certificate of 6,000 &',
    );
    for (const section of mrkdwnTexts(promotionMessage(failing, 'approval', ampersands).blocks))
      expect(section.length).toBeLessThanOrEqual(3000);
  });

  it('a promotion of 200 flows with 200 steps and a result still shows its Steps and Result', () => {
    const big = bigPromotion();
    expectPromotionCards(big, ampersands, '200 flows, 200 steps');
    const json = JSON.stringify(promotionMessage(big, 'approval').blocks);
    expect(json.includes('*Steps*'), '*Steps*').toBe(true);
    expect(json.includes('*Result*'), '*Result*').toBe(true);
    expect(
      json.includes('Slack cannot show all of it in one message'),
      'Slack cannot show all of it in one message',
    ).toBe(true);
  });

  it('names that say <!channel> never notify anyone', () => {
    const big = bigPromotion({ flowName: '<!channel>', tenantName: '<!here>', toEnvName: '<!everyone>' });
    const message = promotionMessage(big, 'approval');
    expect(message.text.includes('&lt;!channel&gt;'), '&lt;!channel&gt;').toBe(true);
    // Headers are plain text, which Slack never reads as a mention; every mrkdwn text is escaped.
    expectMessage(message, '<!channel> names');
    expect(JSON.stringify(mrkdwnTexts(message.blocks)).includes('&lt;!here&gt;'), '&lt;!here&gt;').toBe(true);
  });
});
