import {
  type PromotionStatus,
  runningStatuses,
  type StepAction,
  type Transition,
  transitions,
} from '../core/promotion/state.js';
import type { Queryable } from './queryable.js';

export type { PromotionStatus };

/**
 * A status or a list of them written into a statement, as pg-boss writes its states: they are
 * constants of core's state table, never anything a person typed.
 */
const status = (name: PromotionStatus) => `'${name}'`;
const statuses = (names: readonly PromotionStatus[]) => `ARRAY[${names.map(status).join(', ')}]::text[]`;

export interface PromotionRecord {
  id: string;
  tenantId: string;
  tenantName: string;
  /** The destination's tenant, for a promotion across PingOne organizations; null within one. */
  toTenantId: string | null;
  toTenantName: string | null;
  requestedBy: string;
  teamId: string | null;
  flowName: string;
  fromEnvId: string;
  fromEnvName: string;
  toEnvId: string;
  toEnvName: string;
  options: {
    asNew: boolean;
    withSubflows: boolean;
    saved?: boolean;
    revertTo?: number;
    policy?: { application: string; policy: string };
    withPolicies?: boolean;
  };
  protected: boolean;
  /** The plan as shown (core's PromotionPlan); the store keeps it as JSON. */
  plan: unknown;
  fingerprint: string;
  status: PromotionStatus;
  channelId: string | null;
  messageTs: string | null;
  decidedBy: string | null;
  decidedAt: Date | null;
  rolledBackBy: string | null;
  outcome: string | null;
  result: unknown;
  createdAt: Date;
  updatedAt: Date;
  expiresAt: Date;
  /** Who runs it now (a process's lease), if it is running or rolling back. */
  leaseOwner: string | null;
  /** True while it writes into its destination (it waited its turn, if another one was writing). */
  writing: boolean;
  finishedAt: Date | null;
  approvals: Approval[];
  rollbackRequestedBy: string | null;
  rollbackRequestedAt: Date | null;
  rollbackApprovals: Approval[];
  /** Why it was asked for, in the requester's words (`--reason`). */
  reason: string | null;
}

export interface Approval {
  userId: string;
  at: string;
}

export interface PromotionStep {
  id: number;
  action: StepAction;
  /** What the step wrote: a flow's name, or a variable's ("smtpHost (company)"). */
  subject: string;
  destinationId: string | null;
  version: number | null;
  status: 'started' | 'done' | 'failed';
  detail: string | null;
}

export interface PromotionBackup {
  flowId: string;
  flowName: string;
  version: number;
  definition: unknown;
}

const columns = `id, tenant_id, tenant_name, requested_by, team_id, flow_name, from_env_id, from_env_name,
  to_env_id, to_env_name, options, protected, plan, fingerprint, status, channel_id, message_ts,
  decided_by, decided_at, rolled_back_by, outcome, result, created_at, updated_at, expires_at,
  lease_owner, writing, finished_at, approvals, rollback_requested_by, rollback_requested_at,
  rollback_approvals, reason, to_tenant_id, to_tenant_name`;

/** The same columns of `promotions p`, for statements that join another row source with an `id`. */
const columnsOfP = columns.replace(/(^|,\s*)(\w+)/g, '$1p.$2');

export type NewPromotion = Pick<
  PromotionRecord,
  | 'id'
  | 'tenantId'
  | 'tenantName'
  | 'toTenantId'
  | 'toTenantName'
  | 'requestedBy'
  | 'teamId'
  | 'flowName'
  | 'fromEnvId'
  | 'fromEnvName'
  | 'toEnvId'
  | 'toEnvName'
  | 'options'
  | 'protected'
  | 'plan'
  | 'fingerprint'
  | 'status'
  | 'expiresAt'
  | 'reason'
>;

export async function insertPromotion(db: Queryable, promotion: NewPromotion): Promise<PromotionRecord> {
  const { rows } = await db.query(
    `INSERT INTO promotions (id, tenant_id, tenant_name, requested_by, team_id, flow_name, from_env_id,
       from_env_name, to_env_id, to_env_name, options, protected, plan, fingerprint, status, expires_at,
       reason, to_tenant_id, to_tenant_name)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
     RETURNING ${columns}`,
    [
      promotion.id,
      promotion.tenantId,
      promotion.tenantName,
      promotion.requestedBy,
      promotion.teamId,
      promotion.flowName,
      promotion.fromEnvId,
      promotion.fromEnvName,
      promotion.toEnvId,
      promotion.toEnvName,
      JSON.stringify(promotion.options),
      promotion.protected,
      JSON.stringify(promotion.plan),
      promotion.fingerprint,
      promotion.status,
      promotion.expiresAt,
      promotion.reason,
      promotion.toTenantId,
      promotion.toTenantName,
    ],
  );
  return toRecord(rows[0]);
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function findPromotion(db: Queryable, id: string): Promise<PromotionRecord | null> {
  // A button value is only a lookup key, and may be forged: anything but an ID finds nothing.
  if (!uuid.test(id)) return null;
  const { rows } = await db.query(`SELECT ${columns} FROM promotions WHERE id = $1`, [id]);
  return rows[0] ? toRecord(rows[0]) : null;
}

export async function setPromotionMessage(
  db: Queryable,
  id: string,
  channelId: string,
  ts: string,
): Promise<void> {
  await db.query('UPDATE promotions SET channel_id = $2, message_ts = $3, updated_at = now() WHERE id = $1', [
    id,
    channelId,
    ts,
  ]);
}

/**
 * Makes one of core's transitions: moves a promotion from one of `from` to `to`, only if it is still in one of them (and, with
 * `unexpiredAt`, not expired at that time of core's clock): the single conditional write that decides
 * who acts. Null when it was not. Runs are claimed with `claimRun` instead, which also takes the lease.
 */
export async function transitionPromotion(
  db: Queryable,
  id: string,
  { from, to }: Transition,
  changes: { decidedBy?: string; outcome?: string; protected?: boolean } = {},
  { unexpiredAt }: { unexpiredAt?: Date } = {},
): Promise<PromotionRecord | null> {
  const { rows } = await db.query(
    `UPDATE promotions
        SET status = $3,
            decided_by = COALESCE($4, decided_by),
            decided_at = CASE WHEN $4::text IS NULL THEN decided_at ELSE now() END,
            outcome = COALESCE($5, outcome),
            protected = COALESCE($7, protected),
            updated_at = now()
      WHERE id = $1 AND status = ANY($2::text[]) AND ($6::timestamptz IS NULL OR expires_at > $6)
      RETURNING ${columns}`,
    [
      id,
      from,
      to,
      changes.decidedBy ?? null,
      changes.outcome ?? null,
      unexpiredAt ?? null,
      changes.protected ?? null,
    ],
  );
  return rows[0] ? toRecord(rows[0]) : null;
}

/**
 * Claims a run (`running`) or a rollback (`rolling_back`) for one process without approvers (an
 * unprotected destination): the conditional write that decides who runs it, and the lease that says the
 * process is alive. A pending promotion must not be expired at `now` (core's clock, which set its
 * expiry); the lease is in the database's time, like every comparison of leases.
 */
export async function claimRun(
  db: Queryable,
  id: string,
  claim: {
    transition: typeof transitions.run | typeof transitions.rollback;
    owner: string;
    leaseMs: number;
    now: Date;
    decidedBy?: string;
    rolledBackBy?: string;
  },
): Promise<PromotionRecord | null> {
  const { rows } = await db.query(
    `UPDATE promotions
        SET status = $3,
            decided_by = COALESCE($4, decided_by),
            decided_at = CASE WHEN $4::text IS NULL THEN decided_at ELSE now() END,
            rolled_back_by = COALESCE($5, rolled_back_by),
            lease_owner = $6,
            lease_expires_at = now() + make_interval(secs => $7 / 1000.0),
            queued_at = now(),
            outcome = NULL,
            updated_at = now()
      WHERE id = $1 AND status = ANY($2::text[])
        AND (status <> ${status('pending')} OR expires_at > $8)
      RETURNING ${columns}`,
    [
      id,
      claim.transition.from,
      claim.transition.to,
      claim.decidedBy ?? null,
      claim.rolledBackBy ?? null,
      claim.owner,
      claim.leaseMs,
      claim.now,
    ],
  );
  return rows[0] ? toRecord(rows[0]) : null;
}

/** Keeps a run's lease alive; false when the run is no longer this owner's (it was marked interrupted). */
export async function renewLease(
  db: Queryable,
  id: string,
  owner: string,
  leaseMs: number,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE promotions SET lease_expires_at = now() + make_interval(secs => $3 / 1000.0)
      WHERE id = $1 AND lease_owner = $2 AND status = ANY($4::text[])`,
    [id, owner, leaseMs, runningStatuses],
  );
  return (rowCount ?? 0) > 0;
}

/**
 * Takes the run's destination for writing: only when no other promotion writes there, and none waiting
 * for it (with a live lease) was claimed earlier. The unique index on writers settles a tie.
 */
export async function takeDestination(db: Queryable, id: string, owner: string): Promise<boolean> {
  try {
    const { rowCount } = await db.query(
      `UPDATE promotions p SET writing = true
        WHERE p.id = $1 AND p.lease_owner = $2 AND p.status = ANY($3::text[])
          AND NOT EXISTS (
            SELECT 1 FROM promotions o
             WHERE o.to_env_id = p.to_env_id AND o.id <> p.id AND o.status = ANY($3::text[])
               AND (o.writing OR (o.lease_expires_at > now() AND o.queued_at < p.queued_at)))`,
      [id, owner, runningStatuses],
    );
    return (rowCount ?? 0) > 0;
  } catch (error) {
    if ((error as { code?: string }).code === '23505') return false;
    throw error;
  }
}

/** The promotion writing into an environment now, if any. */
export async function writerOf(db: Queryable, environmentId: string): Promise<PromotionRecord | null> {
  const { rows } = await db.query(
    `SELECT ${columns} FROM promotions WHERE to_env_id = $1 AND writing LIMIT 1`,
    [environmentId],
  );
  return rows[0] ? toRecord(rows[0]) : null;
}

/**
 * Ends a run held by `owner`: its outcome, its destination freed, its lease given up. It ends at
 * `changes.at` of core's clock, which counts the rollback window from there. Null when the run was no
 * longer this owner's.
 */
export async function finishRun(
  db: Queryable,
  id: string,
  owner: string,
  { from, to }: Transition,
  changes: { outcome: string; result?: unknown; at: Date },
): Promise<PromotionRecord | null> {
  const { rows } = await db.query(
    `UPDATE promotions
        SET status = $3, outcome = $4, result = COALESCE($5::jsonb, result), writing = false,
            lease_owner = NULL, lease_expires_at = NULL, finished_at = $6,
            rollback_requested_by = NULL, rollback_requested_at = NULL, rollback_approvals = '[]',
            updated_at = now()
      WHERE id = $1 AND lease_owner = $2 AND status = ANY($7::text[])
      RETURNING ${columns}`,
    [
      id,
      owner,
      to,
      changes.outcome,
      changes.result === undefined ? null : JSON.stringify(changes.result),
      changes.at,
      from,
    ],
  );
  return rows[0] ? toRecord(rows[0]) : null;
}

/**
 * Gives a claimed run back without running it (a rollback found the destination changed): its status
 * and outcome as they were, its destination and lease freed. Its end and result are kept.
 */
export async function releaseRun(
  db: Queryable,
  id: string,
  owner: string,
  to: PromotionStatus,
  outcome: string | null,
): Promise<void> {
  await db.query(
    `UPDATE promotions
        SET status = $3, outcome = $4, writing = false, lease_owner = NULL, lease_expires_at = NULL,
            rollback_requested_by = NULL, rollback_requested_at = NULL, rollback_approvals = '[]',
            updated_at = now()
      WHERE id = $1 AND lease_owner = $2 AND status = ${status(transitions.rollback.to)}`,
    [id, owner, to, outcome],
  );
}

/**
 * Runs whose process stopped (their lease ran out, in the database's time), marked so once: a run as
 * interrupted, a rollback as failed, ended at `at` of core's clock. What they wrote is in their steps;
 * nothing is re-run on its own.
 */
export async function interruptStoppedRuns(
  db: Queryable,
  outcome: string,
  at: Date,
): Promise<PromotionRecord[]> {
  const { rows } = await db.query(
    `UPDATE promotions
        SET status = CASE status WHEN ${status(transitions.interrupt.from[0])} THEN ${status(transitions.interrupt.to)}
                                 ELSE ${status(transitions.interruptRollback.to)} END,
            outcome = $2, writing = false, lease_owner = NULL, lease_expires_at = NULL,
            finished_at = $3, updated_at = now()
      WHERE status = ANY($1::text[]) AND lease_expires_at < now()
      RETURNING ${columns}`,
    [runningStatuses, outcome, at],
  );
  return rows.map(toRecord);
}

/**
 * Counts an approver's approval of a promotion pending and unexpired at `run.now` (core's clock), each
 * approver once. The approval that makes `required` also claims the run for `owner` in the same write,
 * so exactly one approval starts it however many arrive at once. Null when it was not counted (not
 * pending, expired, or this approver had approved already).
 */
export async function approve(
  db: Queryable,
  id: string,
  userId: string,
  run: { required: number; owner: string; leaseMs: number; now: Date },
): Promise<PromotionRecord | null> {
  const { rows } = await db.query(
    `WITH counted AS (
       SELECT id, jsonb_array_length(approvals) + 1 >= $3 AS enough FROM promotions
        WHERE id = $1 AND status = ANY(${statuses(transitions.approve.from)}) AND expires_at > $6
          AND NOT approvals @> jsonb_build_array(jsonb_build_object('userId', $2::text))
        FOR UPDATE)
     UPDATE promotions p
        SET approvals = p.approvals || jsonb_build_array(jsonb_build_object('userId', $2::text, 'at', $6::timestamptz)),
            status = CASE WHEN counted.enough THEN ${status(transitions.approve.to)} ELSE p.status END,
            decided_by = CASE WHEN counted.enough THEN $2 ELSE p.decided_by END,
            decided_at = CASE WHEN counted.enough THEN now() ELSE p.decided_at END,
            lease_owner = CASE WHEN counted.enough THEN $4 ELSE NULL END,
            lease_expires_at = CASE WHEN counted.enough THEN now() + make_interval(secs => $5 / 1000.0) END,
            queued_at = CASE WHEN counted.enough THEN now() END,
            updated_at = now()
       FROM counted WHERE p.id = counted.id
     RETURNING ${columnsOfP}`,
    [id, userId, run.required, run.owner, run.leaseMs, run.now],
  );
  return rows[0] ? toRecord(rows[0]) : null;
}

/**
 * Takes approvals back out of a promotion (`approvals`) or of its rollback request (`rollbackApprovals`)
 * while it still waits for them: an approval counts only from someone who is an approver when the count
 * is reached. The record as it is now, or null when it no longer waits.
 */
export async function dropApprovals(
  db: Queryable,
  id: string,
  userIds: readonly string[],
  which: 'approvals' | 'rollbackApprovals',
): Promise<PromotionRecord | null> {
  const column = which === 'approvals' ? 'approvals' : 'rollback_approvals';
  const waiting =
    which === 'approvals'
      ? `status = ANY(${statuses(transitions.approve.from)})`
      : `rollback_requested_by IS NOT NULL AND status = ANY(${statuses(transitions.rollback.from)})`;
  const { rows } = await db.query(
    `UPDATE promotions
        SET ${column} = COALESCE(
              (SELECT jsonb_agg(a) FROM jsonb_array_elements(${column}) a WHERE NOT (a->>'userId' = ANY($2::text[]))),
              '[]'::jsonb),
            updated_at = now()
      WHERE id = $1 AND ${waiting}
      RETURNING ${columns}`,
    [id, userIds],
  );
  return rows[0] ? toRecord(rows[0]) : null;
}

/**
 * Records that someone asks for a promotion's rollback (one request at a time), at `at` of core's
 * clock, from which the request's time to be approved runs.
 */
export async function requestRollback(
  db: Queryable,
  id: string,
  userId: string,
  at: Date,
): Promise<PromotionRecord | null> {
  const { from } = transitions.rollback;
  const { rows } = await db.query(
    `UPDATE promotions
        SET rollback_requested_by = $2, rollback_requested_at = $4, rollback_approvals = '[]',
            updated_at = now()
      WHERE id = $1 AND status = ANY($3::text[]) AND rollback_requested_by IS NULL
      RETURNING ${columns}`,
    [id, userId, from, at],
  );
  return rows[0] ? toRecord(rows[0]) : null;
}

/**
 * Counts an approver's approval of a rollback someone else asked for; the one that makes `required`
 * claims the rollback for `owner` in the same write. Null when it was not counted.
 */
export async function approveRollback(
  db: Queryable,
  id: string,
  userId: string,
  run: { required: number; owner: string; leaseMs: number; now: Date },
): Promise<PromotionRecord | null> {
  const { rows } = await db.query(
    `WITH counted AS (
       SELECT id, jsonb_array_length(rollback_approvals) + 1 >= $3 AS enough FROM promotions
        WHERE id = $1 AND status = ANY(${statuses(transitions.rollback.from)}) AND rollback_requested_by IS NOT NULL
          AND rollback_requested_by <> $2
          AND NOT rollback_approvals @> jsonb_build_array(jsonb_build_object('userId', $2::text))
        FOR UPDATE)
     UPDATE promotions p
        SET rollback_approvals = p.rollback_approvals || jsonb_build_array(jsonb_build_object('userId', $2::text, 'at', $6::timestamptz)),
            status = CASE WHEN counted.enough THEN ${status(transitions.rollback.to)} ELSE p.status END,
            rolled_back_by = CASE WHEN counted.enough THEN $2 ELSE p.rolled_back_by END,
            lease_owner = CASE WHEN counted.enough THEN $4 ELSE NULL END,
            lease_expires_at = CASE WHEN counted.enough THEN now() + make_interval(secs => $5 / 1000.0) END,
            queued_at = CASE WHEN counted.enough THEN now() END,
            updated_at = now()
       FROM counted WHERE p.id = counted.id
     RETURNING ${columnsOfP}`,
    [id, userId, run.required, run.owner, run.leaseMs, run.now],
  );
  return rows[0] ? toRecord(rows[0]) : null;
}

/** Withdraws a rollback request (rejected, or expired); the record, or null when there was none. */
export async function dropRollbackRequest(db: Queryable, id: string): Promise<PromotionRecord | null> {
  const { rows } = await db.query(
    `UPDATE promotions SET rollback_requested_by = NULL, rollback_requested_at = NULL,
            rollback_approvals = '[]', updated_at = now()
      WHERE id = $1 AND rollback_requested_by IS NOT NULL
      RETURNING ${columns}`,
    [id],
  );
  return rows[0] ? toRecord(rows[0]) : null;
}

/** Pending promotions whose time ran out by `now` (core's clock), marked expired; each returned once. */
export async function expirePromotions(db: Queryable, now: Date): Promise<PromotionRecord[]> {
  const { rows } = await db.query(
    `UPDATE promotions SET status = ${status(transitions.expire.to)}, updated_at = now()
      WHERE status = ANY(${statuses(transitions.expire.from)}) AND expires_at <= $1
      RETURNING ${columns}`,
    [now],
  );
  return rows.map(toRecord);
}

/**
 * A tenant's promotions that wait or run (pending, running, rolling back), locked until the caller's
 * transaction ends: a tenant is not removed from under one of them.
 */
export async function activePromotionsOf(db: Queryable, tenantId: string): Promise<PromotionRecord[]> {
  const { rows } = await db.query(
    `SELECT ${columns} FROM promotions
      WHERE (tenant_id = $1 OR to_tenant_id = $1) AND status = ANY($2::text[])
      ORDER BY created_at FOR UPDATE`,
    [tenantId, [...transitions.approve.from, ...runningStatuses]],
  );
  return rows.map(toRecord);
}

/** How many promotions a tenant has in its history. */
export async function countPromotionsOf(db: Queryable, tenantId: string): Promise<number> {
  const { rows } = await db.query('SELECT count(*)::int AS n FROM promotions WHERE tenant_id = $1', [
    tenantId,
  ]);
  return Number(rows[0]?.n ?? 0);
}

export async function promotionsInStatus(
  db: Queryable,
  statuses: readonly PromotionStatus[],
  limit = 50,
): Promise<PromotionRecord[]> {
  const { rows } = await db.query(
    `SELECT ${columns} FROM promotions WHERE status = ANY($1::text[]) ORDER BY created_at DESC LIMIT $2`,
    [statuses, limit],
  );
  return rows.map(toRecord);
}

export async function recentPromotions(
  db: Queryable,
  limit: number,
  requestedBy?: string,
): Promise<PromotionRecord[]> {
  const { rows } = await db.query(
    `SELECT ${columns} FROM promotions WHERE ($2::text IS NULL OR requested_by = $2)
      ORDER BY created_at DESC LIMIT $1`,
    [limit, requestedBy ?? null],
  );
  return rows.map(toRecord);
}

/**
 * Records a write as started, only while `owner` still holds the run: a process that lost its lease
 * (it was taken for stopped) must not write on. Null when it no longer holds it.
 */
export async function startStep(
  db: Queryable,
  promotionId: string,
  owner: string,
  step: { action: StepAction; subject: string; destinationId?: string | null },
): Promise<number | null> {
  const { rows } = await db.query(
    `INSERT INTO promotion_steps (promotion_id, action, subject, destination_id, status)
     SELECT $1, $2, $3, $4, 'started' FROM promotions
      WHERE id = $1 AND lease_owner = $5 AND status = ANY($6::text[])
     RETURNING id`,
    [promotionId, step.action, step.subject, step.destinationId ?? null, owner, runningStatuses],
  );
  return rows[0] ? Number(rows[0].id) : null;
}

export async function finishStep(
  db: Queryable,
  stepId: number,
  outcome: {
    status: 'done' | 'failed';
    destinationId?: string | null;
    version?: number | null;
    detail?: string;
  },
): Promise<void> {
  await db.query(
    `UPDATE promotion_steps
        SET status = $2, destination_id = COALESCE($3, destination_id), version = $4, detail = $5, finished_at = now()
      WHERE id = $1`,
    [stepId, outcome.status, outcome.destinationId ?? null, outcome.version ?? null, outcome.detail ?? null],
  );
}

export async function stepsOf(db: Queryable, promotionId: string): Promise<PromotionStep[]> {
  const { rows } = await db.query(
    `SELECT id, action, subject, destination_id, version, status, detail
       FROM promotion_steps WHERE promotion_id = $1 ORDER BY id`,
    [promotionId],
  );
  return rows.map((row) => ({
    id: Number(row.id),
    action: row.action,
    subject: row.subject,
    destinationId: row.destination_id,
    version: row.version,
    status: row.status,
    detail: row.detail,
  }));
}

export async function saveBackup(db: Queryable, promotionId: string, backup: PromotionBackup): Promise<void> {
  await db.query(
    `INSERT INTO promotion_backups (promotion_id, flow_id, flow_name, version, definition)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (promotion_id, flow_id) DO NOTHING`,
    [promotionId, backup.flowId, backup.flowName, backup.version, JSON.stringify(backup.definition)],
  );
}

export async function backupsOf(db: Queryable, promotionId: string): Promise<PromotionBackup[]> {
  const { rows } = await db.query(
    `SELECT flow_id, flow_name, version, definition FROM promotion_backups WHERE promotion_id = $1 ORDER BY created_at, flow_id`,
    [promotionId],
  );
  return rows.map((row) => ({
    flowId: row.flow_id,
    flowName: row.flow_name,
    version: row.version,
    definition: row.definition,
  }));
}

/** A flow policy as it was before a policy promotion updated it: its replace request's body. */
export interface PolicyBackup {
  applicationId: string;
  policyId: string;
  policyName: string;
  body: unknown;
}

export async function savePolicyBackup(
  db: Queryable,
  promotionId: string,
  backup: PolicyBackup,
): Promise<void> {
  await db.query(
    `INSERT INTO promotion_policy_backups (promotion_id, application_id, policy_id, policy_name, body)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (promotion_id, policy_id) DO NOTHING`,
    [promotionId, backup.applicationId, backup.policyId, backup.policyName, JSON.stringify(backup.body)],
  );
}

export async function policyBackupsOf(db: Queryable, promotionId: string): Promise<PolicyBackup[]> {
  const { rows } = await db.query(
    `SELECT application_id, policy_id, policy_name, body FROM promotion_policy_backups
      WHERE promotion_id = $1 ORDER BY created_at, policy_id`,
    [promotionId],
  );
  return rows.map((row) => ({
    applicationId: row.application_id,
    policyId: row.policy_id,
    policyName: row.policy_name,
    body: row.body,
  }));
}

/** A variable a promotion created or changed in the destination: what a rollback undoes. */
export interface PromotionVariableChange {
  variableId: string;
  name: string;
  context: string;
  /** For flow variables: the destination flow they belong to. */
  flowId: string | null;
  change: 'created' | 'updated';
  /** The variable as it was before (for `updated`), as a replace request would send it. */
  before: Record<string, unknown> | null;
  /** What the promotion wrote, to tell whether someone changed it since. */
  after: Record<string, unknown> | null;
}

export async function saveVariableChange(
  db: Queryable,
  promotionId: string,
  change: PromotionVariableChange,
): Promise<void> {
  await db.query(
    `INSERT INTO promotion_variable_changes (promotion_id, variable_id, name, context, flow_id, change, before, after)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (promotion_id, variable_id) DO NOTHING`,
    [
      promotionId,
      change.variableId,
      change.name,
      change.context,
      change.flowId,
      change.change,
      change.before === null ? null : JSON.stringify(change.before),
      change.after === null ? null : JSON.stringify(change.after),
    ],
  );
}

export async function variableChangesOf(
  db: Queryable,
  promotionId: string,
): Promise<PromotionVariableChange[]> {
  const { rows } = await db.query(
    `SELECT variable_id, name, context, flow_id, change, before, after FROM promotion_variable_changes
      WHERE promotion_id = $1 ORDER BY created_at, variable_id`,
    [promotionId],
  );
  return rows.map((row) => ({
    variableId: row.variable_id,
    name: row.name,
    context: row.context,
    flowId: row.flow_id,
    change: row.change,
    before: row.before,
    after: row.after,
  }));
}

function toRecord(row: Record<string, unknown>): PromotionRecord {
  return {
    id: row.id as string,
    tenantId: row.tenant_id as string,
    tenantName: row.tenant_name as string,
    toTenantId: (row.to_tenant_id as string | null) ?? null,
    toTenantName: (row.to_tenant_name as string | null) ?? null,
    requestedBy: row.requested_by as string,
    teamId: row.team_id as string | null,
    flowName: row.flow_name as string,
    fromEnvId: row.from_env_id as string,
    fromEnvName: row.from_env_name as string,
    toEnvId: row.to_env_id as string,
    toEnvName: row.to_env_name as string,
    options: row.options as PromotionRecord['options'],
    protected: row.protected as boolean,
    plan: row.plan,
    fingerprint: row.fingerprint as string,
    status: row.status as PromotionStatus,
    channelId: row.channel_id as string | null,
    messageTs: row.message_ts as string | null,
    decidedBy: row.decided_by as string | null,
    decidedAt: row.decided_at as Date | null,
    rolledBackBy: row.rolled_back_by as string | null,
    outcome: row.outcome as string | null,
    result: row.result,
    createdAt: row.created_at as Date,
    updatedAt: row.updated_at as Date,
    expiresAt: row.expires_at as Date,
    leaseOwner: row.lease_owner as string | null,
    writing: row.writing as boolean,
    finishedAt: row.finished_at as Date | null,
    approvals: (row.approvals as Approval[] | null) ?? [],
    rollbackRequestedBy: row.rollback_requested_by as string | null,
    rollbackRequestedAt: row.rollback_requested_at as Date | null,
    rollbackApprovals: (row.rollback_approvals as Approval[] | null) ?? [],
    reason: (row.reason as string | null) ?? null,
  };
}

/** Environment IDs remembered for names in FLIGHTIQ_PROTECTED_ENVS, with the name each was listed as. */
export async function rememberedProtectedEnvironments(db: Queryable): Promise<Map<string, string>> {
  const { rows } = await db.query('SELECT environment_id, listed_as FROM protected_environments');
  return new Map(rows.map((row) => [row.environment_id as string, row.listed_as as string]));
}

export async function rememberProtectedEnvironment(
  db: Queryable,
  environmentId: string,
  listedAs: string,
): Promise<void> {
  await db.query(
    `INSERT INTO protected_environments (environment_id, listed_as) VALUES ($1, $2)
     ON CONFLICT (environment_id) DO UPDATE SET listed_as = $2, seen_at = now()`,
    [environmentId, listedAs],
  );
}

export async function countPromotionsByStatus(db: Queryable): Promise<Map<PromotionStatus, number>> {
  const { rows } = await db.query('SELECT status, count(*)::int AS n FROM promotions GROUP BY status');
  return new Map(rows.map((row) => [row.status as PromotionStatus, Number(row.n)]));
}

/** The version FlightIQ last left a destination flow at, and by which promotion. */
export interface FlowWrite {
  flowId: string;
  version: number;
  promotionId: string;
  flowName: string;
  fromEnvName: string;
  /** When that write finished, by PostgreSQL's clock: PingOne's audit is read from here on. */
  writtenAt: Date;
}

/**
 * For each flow FlightIQ has written in an environment (created, updated, restored or deployed), the
 * version its last write left it at. A flow whose version differs now was changed outside FlightIQ.
 */
export async function lastFlowWrites(
  db: Queryable,
  tenantId: string,
  environmentId: string,
): Promise<Map<string, FlowWrite>> {
  const { rows } = await db.query(
    `SELECT DISTINCT ON (s.destination_id)
            s.destination_id, s.version, s.promotion_id, s.subject, s.finished_at, p.from_env_name
       FROM promotion_steps s JOIN promotions p ON p.id = s.promotion_id
      WHERE COALESCE(p.to_tenant_id, p.tenant_id) = $1 AND p.to_env_id = $2 AND s.status = 'done'
        AND s.action = ANY($3::text[]) AND s.destination_id IS NOT NULL AND s.version IS NOT NULL
      ORDER BY s.destination_id, s.finished_at DESC, s.id DESC`,
    [tenantId, environmentId, ['create', 'update', 'revert', 'restore', 'deploy']],
  );
  return new Map(
    rows.map((row) => [
      row.destination_id as string,
      {
        flowId: row.destination_id,
        version: Number(row.version),
        promotionId: row.promotion_id,
        flowName: row.subject,
        fromEnvName: row.from_env_name,
        writtenAt: row.finished_at,
      },
    ]),
  );
}

/** A flow policy FlightIQ last wrote in an environment: what it left there, and when. */
export interface PolicyWrite {
  policyId: string;
  applicationId: string;
  application: string;
  name: string;
  /** The replace request's body FlightIQ left: the promoted one, or after a rollback the backup. */
  body: unknown;
  promotionId: string;
  fromEnvName: string;
  writtenAt: Date;
}

/**
 * For each flow policy FlightIQ has written in an environment (a policy promotion's, or one a flow
 * promotion carried), what its last promotion left there: a policy that routes differently now was
 * changed outside FlightIQ. A rollback leaves the backup it put back.
 */
export async function lastPolicyWrites(
  db: Queryable,
  tenantId: string,
  environmentId: string,
): Promise<PolicyWrite[]> {
  const { rows } = await db.query(
    `SELECT DISTINCT ON (w.policy->>'policyId')
            w.policy, p.id, p.from_env_name, p.finished_at, b.body AS backup
       FROM promotions p
       CROSS JOIN LATERAL (
         SELECT p.result->'policy' AS policy WHERE jsonb_typeof(p.result->'policy') = 'object'
         UNION ALL
         SELECT jsonb_array_elements(p.result->'policies') WHERE jsonb_typeof(p.result->'policies') = 'array'
       ) w
       LEFT JOIN promotion_policy_backups b ON b.promotion_id = p.id AND b.policy_id = w.policy->>'policyId'
      WHERE COALESCE(p.to_tenant_id, p.tenant_id) = $1 AND p.to_env_id = $2 AND p.finished_at IS NOT NULL
        AND w.policy->>'policyId' IS NOT NULL AND w.policy ? 'body'
      ORDER BY w.policy->>'policyId', p.finished_at DESC`,
    [tenantId, environmentId],
  );
  return rows.map((row) => {
    const policy = row.policy as Record<string, unknown>;
    // A rollback of a created policy leaves it as the promotion wrote it; of an update, the backup.
    const restored = policy.action === 'restored' && row.backup;
    return {
      policyId: String(policy.policyId),
      applicationId: String(policy.applicationId),
      application: String(policy.application),
      name: String(policy.name),
      body: restored ? row.backup : policy.body,
      promotionId: row.id,
      fromEnvName: row.from_env_name,
      writtenAt: row.finished_at,
    };
  });
}

/** A version of a flow FlightIQ saved: by which promotion, from where, and how. */
export interface VersionWrite {
  version: number;
  promotionId: string;
  fromEnvName: string;
  /** `restore`: a rollback put a backup back; `revert`: PingOne's revert made it, asked by FlightIQ. */
  action: 'create' | 'update' | 'revert' | 'restore';
}

/** The versions of one destination flow that FlightIQ saved, by version (the latest write of each). */
export async function versionsWritten(
  db: Queryable,
  tenantId: string,
  environmentId: string,
  flowId: string,
): Promise<Map<number, VersionWrite>> {
  const { rows } = await db.query(
    `SELECT DISTINCT ON (s.version) s.version, s.promotion_id, s.action, p.from_env_name
       FROM promotion_steps s JOIN promotions p ON p.id = s.promotion_id
      WHERE COALESCE(p.to_tenant_id, p.tenant_id) = $1 AND p.to_env_id = $2 AND s.destination_id = $3 AND s.status = 'done'
        AND s.action = ANY($4::text[]) AND s.version IS NOT NULL
      ORDER BY s.version, s.finished_at DESC, s.id DESC`,
    [tenantId, environmentId, flowId, ['create', 'update', 'revert', 'restore']],
  );
  return new Map(
    rows.map((row) => [
      Number(row.version),
      {
        version: Number(row.version),
        promotionId: row.promotion_id,
        fromEnvName: row.from_env_name,
        action: row.action,
      },
    ]),
  );
}

/**
 * Environments of a tenant FlightIQ has written flows or flow policies into, with the protection they
 * had. A promotion across organizations wrote into its destination tenant's environment (here and in
 * the queries above).
 */
export async function environmentsWrittenTo(
  db: Queryable,
  tenantId: string,
): Promise<{ id: string; name: string; protected: boolean }[]> {
  const { rows } = await db.query(
    `SELECT DISTINCT ON (p.to_env_id) p.to_env_id, p.to_env_name, p.protected
       FROM promotions p
      WHERE COALESCE(p.to_tenant_id, p.tenant_id) = $1
        AND EXISTS (SELECT 1 FROM promotion_steps s
                     WHERE s.promotion_id = p.id AND s.status = 'done'
                       AND (s.version IS NOT NULL OR s.action IN ('create policy', 'update policy')))
      ORDER BY p.to_env_id, p.created_at DESC`,
    [tenantId],
  );
  return rows.map((row) => ({ id: row.to_env_id, name: row.to_env_name, protected: row.protected }));
}
