import type { Queryable } from './queryable.js';

export const auditOutcomes = ['succeeded', 'refused', 'failed'] as const;
export type AuditOutcome = (typeof auditOutcomes)[number];

export interface AuditEventInput {
  actorId: string;
  teamId?: string | undefined;
  action: string;
  tenant?: string | undefined;
  outcome: AuditOutcome;
  /** Names and non-secret facts only (changed field names, counts); never a secret value. */
  details?: Record<string, unknown>;
}

export interface AuditEvent extends Required<Omit<AuditEventInput, 'teamId' | 'tenant'>> {
  id: number;
  occurredAt: Date;
  teamId: string | null;
  tenant: string | null;
}

export async function recordAuditEvent(db: Queryable, event: AuditEventInput): Promise<void> {
  await db.query(
    `INSERT INTO audit_events (actor_id, team_id, action, tenant, outcome, details)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [
      event.actorId,
      event.teamId ?? null,
      event.action,
      event.tenant === undefined ? null : storable(event.tenant).slice(0, 200),
      event.outcome,
      JSON.parse(storable(JSON.stringify(event.details ?? {}))),
    ],
  );
}

/**
 * What people typed can reach the audit trail (a tenant name that does not exist); Postgres refuses NUL
 * in text and JSON, so it is replaced, not allowed to lose the audit event.
 */
function storable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what must be found
  return text.replace(/\u0000|\\u0000/g, '\uFFFD');
}

export async function latestAuditEvents(db: Queryable, limit: number): Promise<AuditEvent[]> {
  const { rows } = await db.query(
    `SELECT id, occurred_at, actor_id, team_id, action, tenant, outcome, details
       FROM audit_events ORDER BY occurred_at DESC, id DESC LIMIT $1`,
    [limit],
  );
  return rows.map((row) => ({
    id: Number(row.id),
    occurredAt: row.occurred_at,
    actorId: row.actor_id,
    teamId: row.team_id,
    action: row.action,
    tenant: row.tenant,
    outcome: row.outcome,
    details: row.details,
  }));
}
