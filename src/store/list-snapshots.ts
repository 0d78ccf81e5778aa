import type { Queryable } from './queryable.js';

/** A listed item as core shapes it; the store keeps it as JSON without looking inside. */
export interface StoredRow {
  id: string;
  cells: Record<string, unknown>;
}

export interface ListSnapshotInput {
  id: string;
  ownerId: string;
  teamId?: string | undefined;
  tenantId: string;
  tenantName: string;
  kind: string;
  environmentId: string;
  environmentName: string;
  filter: string;
  truncated: boolean;
  rows: StoredRow[];
  /** Rows that matched but were not kept, because the list would have been larger than one may be. */
  leftOut: number;
  /** Both from core's clock, which decides when a list's buttons stop working. */
  createdAt: Date;
  expiresAt: Date;
}

export type ListSnapshot = Omit<ListSnapshotInput, 'rows'> & { total: number };

const meta = `id, owner_id, team_id, tenant_id, tenant_name, kind, environment_id, environment_name,
  filter, total, truncated, left_out, created_at, expires_at`;

/**
 * Stores a list, and in the same statement drops its owner's older lists beyond the newest `keep`
 * (this one included) or beyond `maxBytes` together: what one person can make FlightIQ hold is bounded
 * however many lists they run. `rowsJson` is `rows` as JSON, measured by the caller.
 */
export async function insertListSnapshot(
  db: Queryable,
  input: ListSnapshotInput,
  rowsJson: string,
  owned: { keep: number; maxBytes: number },
): Promise<void> {
  const bytes = Buffer.byteLength(rowsJson);
  await db.query(
    `WITH kept AS (
       INSERT INTO list_snapshots (id, owner_id, team_id, tenant_id, tenant_name, kind, environment_id,
         environment_name, filter, total, truncated, rows, created_at, expires_at, bytes, left_out)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
       RETURNING id),
     older AS (
       -- The statement sees the table as it was before this insert: the new list counts as the first.
       SELECT id, row_number() OVER newest AS n, sum(bytes) OVER newest AS running
         FROM list_snapshots WHERE owner_id = $2
       WINDOW newest AS (ORDER BY created_at DESC, id DESC))
     DELETE FROM list_snapshots
      WHERE id IN (SELECT id FROM older WHERE n + 1 > $17 OR running + $15 > $18)`,
    [
      input.id,
      input.ownerId,
      input.teamId ?? null,
      input.tenantId,
      input.tenantName,
      input.kind,
      input.environmentId,
      input.environmentName,
      input.filter,
      input.rows.length,
      input.truncated,
      rowsJson,
      input.createdAt,
      input.expiresAt,
      bytes,
      input.leftOut,
      owned.keep,
      owned.maxBytes,
    ],
  );
}

/** The snapshot and rows `offset` to `offset + limit` of it, read without loading the whole list. */
export async function readListSnapshotRows(
  db: Queryable,
  id: string,
  offset: number,
  limit: number,
): Promise<{ snapshot: ListSnapshot; rows: StoredRow[] } | null> {
  const { rows } = await db.query(
    `SELECT ${meta},
       COALESCE((SELECT jsonb_agg(e.value ORDER BY e.i)
                 FROM jsonb_array_elements(s.rows) WITH ORDINALITY AS e(value, i)
                 WHERE e.i > $2 AND e.i <= $3), '[]'::jsonb) AS page
     FROM list_snapshots s WHERE id = $1`,
    [id, offset, offset + limit],
  );
  const row = rows[0];
  return row ? { snapshot: toSnapshot(row), rows: row.page as StoredRow[] } : null;
}

export async function readAllListSnapshotRows(
  db: Queryable,
  id: string,
): Promise<{ snapshot: ListSnapshot; rows: StoredRow[] } | null> {
  const { rows } = await db.query(`SELECT ${meta}, rows FROM list_snapshots WHERE id = $1`, [id]);
  const row = rows[0];
  return row ? { snapshot: toSnapshot(row), rows: row.rows as StoredRow[] } : null;
}

/** Removes snapshots that expired; returns how many. */
export async function deleteExpiredListSnapshots(db: Queryable, now: Date): Promise<number> {
  const { rowCount } = await db.query('DELETE FROM list_snapshots WHERE expires_at < $1', [now]);
  return rowCount ?? 0;
}

function toSnapshot(row: Record<string, unknown>): ListSnapshot {
  return {
    id: row.id as string,
    ownerId: row.owner_id as string,
    teamId: (row.team_id as string | null) ?? undefined,
    tenantId: row.tenant_id as string,
    tenantName: row.tenant_name as string,
    kind: row.kind as string,
    environmentId: row.environment_id as string,
    environmentName: row.environment_name as string,
    filter: row.filter as string,
    total: row.total as number,
    truncated: row.truncated as boolean,
    leftOut: row.left_out as number,
    createdAt: row.created_at as Date,
    expiresAt: row.expires_at as Date,
  };
}
