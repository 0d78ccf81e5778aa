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
  /** Null for a summary of refusals that were counted, not listed (`refusalsSummaryAction`). */
  id: number | null;
  occurredAt: Date;
  teamId: string | null;
  tenant: string | null;
}

/**
 * Refusals each person gets listed one by one in an hour; past that they are counted by action in
 * audit_refusal_counts and shown as one summary (migrations/1763881300000_audit-refusal-counts.sql).
 */
export const listedRefusalsPerHour = 10;

export async function recordAuditEvent(db: Queryable, event: AuditEventInput): Promise<void> {
  const values = [
    event.actorId,
    event.teamId ?? null,
    event.action,
    event.tenant === undefined ? null : storable(event.tenant).slice(0, 200),
    event.outcome,
    JSON.parse(storable(JSON.stringify(event.details ?? {}))),
  ];
  if (event.outcome !== 'refused') {
    await db.query(
      `INSERT INTO audit_events (actor_id, team_id, action, tenant, outcome, details)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      values,
    );
    return;
  }
  // One statement: the count and the row it decides on cannot be split by a concurrent refusal.
  await db.query(
    `WITH counted AS (
       INSERT INTO audit_refusal_counts AS c (actor_id, hour, team_id, refusals, by_action, last_at)
       VALUES ($1, date_trunc('hour', now(), 'UTC'), $2, 1, jsonb_build_object($3::text, 1), now())
       ON CONFLICT (actor_id, hour) DO UPDATE
          SET refusals = c.refusals + 1,
              by_action = c.by_action || jsonb_build_object($3::text, COALESCE((c.by_action->>$3::text)::int, 0) + 1),
              last_at = now()
       RETURNING refusals)
     INSERT INTO audit_events (actor_id, team_id, action, tenant, outcome, details)
     SELECT $1, $2, $3, $4, $5, $6 FROM counted WHERE counted.refusals <= $7`,
    [...values, listedRefusalsPerHour],
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

/** Which events to read: an action or its family (`promotion` is every `promotion.…`), an outcome, an age range. */
export interface AuditFilter {
  action?: string | undefined;
  outcome?: AuditOutcome | undefined;
  /** Only events at most this many seconds old. */
  sinceSeconds?: number | undefined;
  /** Only events at least this many seconds old. */
  untilSeconds?: number | undefined;
}

/**
 * The latest events matching `filter`, newest first, with the refusals of a person's hour that were
 * counted rather than listed as one summary event each (at the time of the last of them). Ages are
 * measured with PostgreSQL's now(), the clock occurred_at was written with (src/core/clock.ts).
 */
export async function latestAuditEvents(
  db: Queryable,
  limit: number,
  filter: AuditFilter = {},
): Promise<AuditEvent[]> {
  const { rows } = await db.query(
    `SELECT * FROM (
       SELECT id, occurred_at, actor_id, team_id, action, tenant, outcome, details
         FROM audit_events e
        WHERE ($2::text IS NULL OR e.action = $2 OR starts_with(e.action, $2 || '.'))
          AND ($3::text IS NULL OR e.outcome = $3)
          AND ($4::double precision IS NULL OR e.occurred_at >= now() - make_interval(secs => $4))
          AND ($5::double precision IS NULL OR e.occurred_at <= now() - make_interval(secs => $5))
       UNION ALL
       SELECT NULL, c.last_at, c.actor_id, c.team_id, $6, NULL, 'refused',
              jsonb_build_object('notListed', c.refusals - $7, 'refusals', c.refusals, 'byAction', c.by_action,
                                 'from', c.hour, 'to', c.hour + interval '1 hour')
         FROM audit_refusal_counts c
        WHERE c.refusals > $7
          AND ($2::text IS NULL OR EXISTS (
                SELECT 1 FROM jsonb_object_keys(c.by_action) k WHERE k = $2 OR starts_with(k, $2 || '.')))
          AND ($3::text IS NULL OR $3 = 'refused')
          AND ($4::double precision IS NULL OR c.last_at >= now() - make_interval(secs => $4))
          AND ($5::double precision IS NULL OR c.hour <= now() - make_interval(secs => $5))
     ) events
     ORDER BY occurred_at DESC, id DESC NULLS FIRST LIMIT $1`,
    [
      limit,
      filter.action ?? null,
      filter.outcome ?? null,
      filter.sinceSeconds ?? null,
      filter.untilSeconds ?? null,
      refusalsSummaryAction,
      listedRefusalsPerHour,
    ],
  );
  return rows.map((row) => ({
    id: row.id === null ? null : Number(row.id),
    occurredAt: row.occurred_at,
    actorId: row.actor_id,
    teamId: row.team_id,
    action: row.action,
    tenant: row.tenant,
    outcome: row.outcome,
    details: row.details,
  }));
}

/** The action a summary of counted refusals is shown under. */
export const refusalsSummaryAction = 'audit.refusals_counted';
