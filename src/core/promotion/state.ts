/**
 * A promotion's states and every way between them: the one place to read where a promotion's state
 * changes and who may change it. The store's SQL takes these transitions by name; Slack's buttons and
 * the console's commands are derived from `openDecisions`; the refusal rules are the table below, one
 * rule per row. Nothing here reads the database or the clock, so it is unit-tested on its own.
 */

export const promotionStatuses = [
  'blocked',
  'pending',
  'rejected',
  'expired',
  'cancelled',
  'running',
  'succeeded',
  'failed',
  'interrupted',
  'rolling_back',
  'rolled_back',
  'rollback_failed',
] as const;
export type PromotionStatus = (typeof promotionStatuses)[number];

/** A run that ended having written, or maybe written: what a rollback may undo. */
export const rollbackableStatuses = [
  'succeeded',
  'failed',
  'interrupted',
] as const satisfies readonly PromotionStatus[];

/** Where a process holds the promotion's lease and writes into the destination. */
export const runningStatuses = ['running', 'rolling_back'] as const satisfies readonly PromotionStatus[];

/** Waiting for someone, or running: what `promotions pending` lists. */
export const openStatuses = [
  'pending',
  'blocked',
  ...runningStatuses,
] as const satisfies readonly PromotionStatus[];

export interface Transition {
  from: readonly PromotionStatus[];
  to: PromotionStatus;
}

/**
 * Every move a promotion makes. Each is one conditional UPDATE (`WHERE status = ANY(from)`), so of two
 * clicks, retries or replicas making the same move, one wins and the other is told it already happened.
 */
export const transitions = {
  /** The last approval a protected promotion needs claims its run. */
  approve: { from: ['pending'], to: 'running' },
  /** The requester runs a promotion into an unprotected destination. */
  run: { from: ['pending'], to: 'running' },
  /** Its destination became protected before Run: it stays pending, now for approvers. */
  protect: { from: ['pending'], to: 'pending' },
  reject: { from: ['pending'], to: 'rejected' },
  /** The requester withdraws it; a blocked plan can only be withdrawn. */
  cancel: { from: ['pending', 'blocked'], to: 'cancelled' },
  /** Nobody decided within FLIGHTIQ_APPROVAL_TTL. */
  expire: { from: ['pending'], to: 'expired' },
  succeed: { from: ['running'], to: 'succeeded' },
  fail: { from: ['running'], to: 'failed' },
  /** Its process stopped (the lease ran out): shown, never re-run. */
  interrupt: { from: ['running'], to: 'interrupted' },
  /**
   * Approved (or, unprotected, clicked): the rollback claims its run. One refused at its start, because
   * the destination changed since, goes back to the status it came from (the store's `releaseRun`).
   */
  rollback: { from: rollbackableStatuses, to: 'rolling_back' },
  rolledBack: { from: ['rolling_back'], to: 'rolled_back' },
  rollbackFail: { from: ['rolling_back'], to: 'rollback_failed' },
  /** A rollback whose process stopped: what it put back is in its steps. */
  interruptRollback: { from: ['rolling_back'], to: 'rollback_failed' },
} as const satisfies Record<string, Transition>;

export type TransitionName = keyof typeof transitions;

/** What a run or a rollback writes, one step row each. */
export const stepActions = [
  'backup',
  'create',
  'update',
  'create variable',
  'update variable',
  'deploy',
  'verify',
  'enable',
  'disable',
  'restore',
  'remove variable',
  'restore variable',
  'alias',
  'revert',
  'create application',
  'create policy',
  'update policy',
  'restore policy',
] as const;
export type StepAction = (typeof stepActions)[number];

/**
 * Steps that leave a rollback nothing to undo: reads, and naming a version (the version stays in the
 * flow's history whatever runs).
 */
export const readOnlySteps: readonly StepAction[] = ['backup', 'verify', 'alias'];

/** What a person may decide on a promotion: Slack's buttons and the console's commands. */
export type Decision =
  | 'approve'
  | 'reject'
  | 'run'
  | 'cancel'
  | 'rollback'
  | 'approveRollback'
  | 'rejectRollback';

export interface DecisionState {
  status: PromotionStatus;
  protected: boolean;
  rollbackRequestedBy: string | null;
  /** Until when Rollback is offered; null when it is not (its window passed, or nothing to undo). */
  rollbackUntil: Date | null;
}

/**
 * The decisions a promotion's state leaves open, whoever looks at it. Who may take each is the
 * refusal table's business, checked at the click.
 */
export function openDecisions(promotion: DecisionState): Decision[] {
  const open: Decision[] = [];
  if (promotion.status === 'pending')
    open.push(...(promotion.protected ? (['approve', 'reject'] as const) : (['run', 'cancel'] as const)));
  if (promotion.status === 'blocked') open.push('cancel');
  const ended = (rollbackableStatuses as readonly PromotionStatus[]).includes(promotion.status);
  if (ended && promotion.rollbackRequestedBy) open.push('approveRollback', 'rejectRollback');
  else if (ended && promotion.rollbackUntil) open.push('rollback');
  return open;
}

export type Refusal =
  | 'not_approver'
  | 'own_request'
  | 'own_rollback_request'
  | 'already_approved'
  | 'not_requester'
  | 'not_allowed'
  /** The requester is no longer an operator, or no longer a full member of the workspace. */
  | 'no_longer_allowed'
  | 'too_late'
  | 'nothing_to_undo'
  | 'changed_since';

/** What is true of the person deciding, as the workspace and the configuration say at the click. */
export interface DeciderFacts {
  /** The destination needs approvers (as the promotion recorded it). */
  protected: boolean;
  /** They requested the promotion. */
  requester: boolean;
  /** They asked for the rollback waiting for approval. */
  rollbackAsker: boolean;
  /** A local console's one person, whose own requests need nobody else. */
  singleUser: boolean;
  approver: boolean;
  admin: boolean;
  /** May request promotions now: an operator, approver or admin, and a full member of the workspace. */
  canPromote: boolean;
  /** Their approval of the promotion is counted already. */
  approved: boolean;
  /** Their approval of the rollback is counted already. */
  approvedRollback: boolean;
}

export interface RefusalRule {
  refusal: Refusal;
  /** Refused when this holds; the first rule that holds wins. */
  when(facts: DeciderFacts): boolean;
}

/**
 * Who may not take a decision, one rule per row, in the order they are checked. Every refusal is
 * audited with its name and told in the words of `refusalText`. What someone may do is decided by who
 * they are at the click, not by who they were at the request.
 */
export const refusalRules: Record<Decision, readonly RefusalRule[]> = {
  approve: [
    { refusal: 'not_allowed', when: (f) => !f.protected },
    { refusal: 'own_request', when: (f) => f.requester && !f.singleUser },
    { refusal: 'not_approver', when: (f) => !f.approver },
    { refusal: 'already_approved', when: (f) => f.approved },
  ],
  // A promotion into an unprotected destination is the requester's to run, while still allowed to promote.
  run: [
    { refusal: 'not_allowed', when: (f) => f.protected },
    { refusal: 'not_requester', when: (f) => !f.requester },
    { refusal: 'no_longer_allowed', when: (f) => !f.canPromote },
  ],
  // The requester may withdraw (Cancel); rejecting is an approver's decision on someone else's request.
  reject: [
    { refusal: 'not_allowed', when: (f) => !f.protected },
    { refusal: 'own_request', when: (f) => f.requester },
    { refusal: 'not_approver', when: (f) => !f.approver },
  ],
  cancel: [
    { refusal: 'not_requester', when: (f) => !f.requester },
    { refusal: 'no_longer_allowed', when: (f) => !f.canPromote },
  ],
  // Approvers and admins may roll back; the requester too, while still allowed to promote.
  rollback: [
    { refusal: 'no_longer_allowed', when: (f) => !f.approver && !f.admin && f.requester && !f.canPromote },
    { refusal: 'not_requester', when: (f) => !f.approver && !f.admin && !f.requester },
  ],
  approveRollback: [
    { refusal: 'not_approver', when: (f) => !f.approver },
    { refusal: 'own_rollback_request', when: (f) => f.rollbackAsker && !f.singleUser },
    { refusal: 'already_approved', when: (f) => f.approvedRollback },
  ],
  // An approver says no, or the person who asked withdraws while still allowed to promote.
  rejectRollback: [
    { refusal: 'not_approver', when: (f) => !f.approver && !(f.rollbackAsker && f.canPromote) },
  ],
};

export function refusalOf(decision: Decision, facts: DeciderFacts): Refusal | undefined {
  return refusalRules[decision].find((rule) => rule.when(facts))?.refusal;
}

/** The audit action each decision is recorded under, taken or refused. */
export const decisionAuditActions: Record<Decision, string> = {
  approve: 'promotion.approve',
  reject: 'promotion.reject',
  run: 'promotion.run',
  cancel: 'promotion.cancel',
  rollback: 'promotion.rollback',
  approveRollback: 'promotion.rollback.approve',
  rejectRollback: 'promotion.rollback.reject',
};
