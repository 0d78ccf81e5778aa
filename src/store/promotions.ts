import type { Queryable } from './queryable.js';

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

export interface PromotionRecord {
  id: string;
  tenantId: string;
  tenantName: string;
  requestedBy: string;
  teamId: string | null;
  flowName: string;
  fromEnvId: string;
  fromEnvName: string;
  toEnvId: string;
  toEnvName: string;
  options: { asNew: boolean; withSubflows: boolean };
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
}

export interface PromotionStep {
  id: number;
  action: string;
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
  decided_by, decided_at, rolled_back_by, outcome, result, created_at, updated_at, expires_at`;

export type NewPromotion = Omit<
  PromotionRecord,
  | 'channelId'
  | 'messageTs'
  | 'decidedBy'
  | 'decidedAt'
  | 'rolledBackBy'
  | 'outcome'
  | 'result'
  | 'createdAt'
  | 'updatedAt'
>;

export async function insertPromotion(db: Queryable, promotion: NewPromotion): Promise<PromotionRecord> {
  const { rows } = await db.query(
    `INSERT INTO promotions (id, tenant_id, tenant_name, requested_by, team_id, flow_name, from_env_id,
       from_env_name, to_env_id, to_env_name, options, protected, plan, fingerprint, status, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
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
 * Moves a promotion from one of `from` to `to`, only if it is still in one of them (and, for a
 * pending one, not expired): the single conditional write that decides who acts. Null when it was not.
 */
export async function transitionPromotion(
  db: Queryable,
  id: string,
  from: readonly PromotionStatus[],
  to: PromotionStatus,
  changes: { decidedBy?: string; rolledBackBy?: string; outcome?: string; result?: unknown } = {},
  { unexpiredOnly = false } = {},
): Promise<PromotionRecord | null> {
  const { rows } = await db.query(
    `UPDATE promotions
        SET status = $3,
            decided_by = COALESCE($4, decided_by),
            decided_at = CASE WHEN $4::text IS NULL THEN decided_at ELSE now() END,
            rolled_back_by = COALESCE($5, rolled_back_by),
            outcome = COALESCE($6, outcome),
            result = COALESCE($7::jsonb, result),
            updated_at = now()
      WHERE id = $1 AND status = ANY($2::text[]) AND (NOT $8 OR expires_at > now())
      RETURNING ${columns}`,
    [
      id,
      from,
      to,
      changes.decidedBy ?? null,
      changes.rolledBackBy ?? null,
      changes.outcome ?? null,
      changes.result === undefined ? null : JSON.stringify(changes.result),
      unexpiredOnly,
    ],
  );
  return rows[0] ? toRecord(rows[0]) : null;
}

/** Pending promotions whose time ran out, marked expired; returns them (each exactly once). */
export async function expirePromotions(db: Queryable): Promise<PromotionRecord[]> {
  const { rows } = await db.query(
    `UPDATE promotions SET status = 'expired', updated_at = now()
      WHERE status = 'pending' AND expires_at <= now()
      RETURNING ${columns}`,
  );
  return rows.map(toRecord);
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

export async function startStep(
  db: Queryable,
  promotionId: string,
  step: { action: string; subject: string; destinationId?: string | null },
): Promise<number> {
  const { rows } = await db.query(
    `INSERT INTO promotion_steps (promotion_id, action, subject, destination_id, status)
     VALUES ($1, $2, $3, $4, 'started') RETURNING id`,
    [promotionId, step.action, step.subject, step.destinationId ?? null],
  );
  return Number(rows[0].id);
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
}

export async function saveVariableChange(
  db: Queryable,
  promotionId: string,
  change: PromotionVariableChange,
): Promise<void> {
  await db.query(
    `INSERT INTO promotion_variable_changes (promotion_id, variable_id, name, context, flow_id, change, before)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (promotion_id, variable_id) DO NOTHING`,
    [
      promotionId,
      change.variableId,
      change.name,
      change.context,
      change.flowId,
      change.change,
      change.before === null ? null : JSON.stringify(change.before),
    ],
  );
}

export async function variableChangesOf(
  db: Queryable,
  promotionId: string,
): Promise<PromotionVariableChange[]> {
  const { rows } = await db.query(
    `SELECT variable_id, name, context, flow_id, change, before FROM promotion_variable_changes
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
  }));
}

function toRecord(row: Record<string, unknown>): PromotionRecord {
  return {
    id: row.id as string,
    tenantId: row.tenant_id as string,
    tenantName: row.tenant_name as string,
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
  };
}

/**
 * A session-level advisory lock on one promotion, held by whoever runs it for the whole run: it goes
 * away with the connection, so a run whose process died is recognisable. True when taken.
 */
export async function tryLockPromotion(client: Queryable, id: string): Promise<boolean> {
  const { rows } = await client.query('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked', [id]);
  return Boolean(rows[0]?.locked);
}

export async function unlockPromotion(client: Queryable, id: string): Promise<void> {
  await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [id]);
}

export async function countPromotionsByStatus(db: Queryable): Promise<Map<PromotionStatus, number>> {
  const { rows } = await db.query('SELECT status, count(*)::int AS n FROM promotions GROUP BY status');
  return new Map(rows.map((row) => [row.status as PromotionStatus, Number(row.n)]));
}
