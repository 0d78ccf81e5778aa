import type { PlannedFlow, PromotionPlan } from '../../src/core/promotion/plan/types.js';
import type { Promotion } from '../../src/core/promotion/service.js';

/** A plan of one flow, Checkout, updated in place from Staging into Production: change what a test is about. */
export function aPlan(changes: Partial<PromotionPlan> = {}): PromotionPlan {
  const checkout: PlannedFlow = {
    sourceId: 'a'.repeat(32),
    name: 'Checkout',
    sourceVersion: 3,
    role: 'main',
    depth: 0,
    action: 'update',
    destinationId: 'b'.repeat(32),
    destinationName: 'Checkout',
    destinationVersions: { current: 2, published: 2 },
  };
  return {
    from: { id: '11111111-0000-4000-8000-000000000001', name: 'Staging', type: 'SANDBOX' },
    to: { id: '22222222-0000-4000-8000-000000000002', name: 'Production', type: 'PRODUCTION' },
    flows: [checkout],
    connectors: [],
    forms: [],
    variables: [],
    blockers: [],
    warnings: [],
    fingerprint: '0123456789abcdef'.repeat(4),
    ...changes,
  };
}

/**
 * A promotion of Checkout into protected Production, pending, requested by U0REQUESTER at `at`:
 * change what a test is about. Times are relative to `at`, never a calendar date.
 */
export function aPromotion(changes: Partial<Promotion> = {}, at = new Date()): Promotion {
  const plan = changes.plan ?? aPlan();
  return {
    id: '10000000-0000-4000-8000-000000000001',
    tenantId: '20000000-0000-4000-8000-000000000002',
    tenantName: 'Acme',
    toTenantId: null,
    toTenantName: null,
    requestedBy: 'U0REQUESTER',
    teamId: 'T0FAKE0001',
    flowName: 'Checkout',
    fromEnvId: plan.from.id,
    fromEnvName: plan.from.name,
    toEnvId: plan.to.id,
    toEnvName: plan.to.name,
    options: { asNew: false, withSubflows: true },
    protected: true,
    plan,
    fingerprint: plan.fingerprint,
    status: 'pending',
    channelId: 'C0APPROVALS',
    messageTs: '1000.0001',
    decidedBy: null,
    decidedAt: null,
    rolledBackBy: null,
    outcome: null,
    result: null,
    createdAt: at,
    updatedAt: at,
    expiresAt: new Date(at.getTime() + 24 * 3_600_000),
    leaseOwner: null,
    writing: false,
    finishedAt: null,
    approvals: [],
    rollbackRequestedBy: null,
    rollbackRequestedAt: null,
    rollbackApprovals: [],
    reason: null,
    steps: [],
    requiredApprovals: 1,
    rollbackUntil: null,
    ...changes,
  };
}
