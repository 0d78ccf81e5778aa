import type { Queryable } from './queryable.js';

/** One pair of environments a mapping profile belongs to: a source and a destination, each in a tenant. */
export interface ProfilePair {
  fromTenantId: string;
  fromEnvId: string;
  toTenantId: string;
  toEnvId: string;
}

/** One entry of a mapping profile: which destination object stands for a source object. */
export interface MappingEntry {
  kind: string;
  sourceId: string;
  sourceName: string;
  destinationId: string;
  destinationName: string;
  setBy: string;
  setAt: Date;
}

const columns = `kind, source_id, source_name, destination_id, destination_name, set_by, set_at`;

/** A profile's entries, by kind and source name. */
export async function listMappingEntries(db: Queryable, pair: ProfilePair): Promise<MappingEntry[]> {
  const { rows } = await db.query(
    `SELECT ${columns} FROM mapping_entries
      WHERE from_tenant_id = $1 AND from_env_id = $2 AND to_tenant_id = $3 AND to_env_id = $4
      ORDER BY kind, lower(source_name), source_id`,
    [pair.fromTenantId, pair.fromEnvId, pair.toTenantId, pair.toEnvId],
  );
  return rows.map(entryOf);
}

/**
 * Sets an entry, replacing the one for the same source object. Returns the entry it replaced, read in
 * the same statement, so the audit's "before" is the row this write overwrote and no other.
 */
export async function putMappingEntry(
  db: Queryable,
  pair: ProfilePair,
  entry: MappingEntry,
): Promise<MappingEntry | null> {
  const { rows } = await db.query(
    `WITH before AS (
       SELECT ${columns} FROM mapping_entries
        WHERE from_tenant_id = $1 AND from_env_id = $2 AND to_tenant_id = $3 AND to_env_id = $4
          AND kind = $5 AND source_id = $6
        FOR UPDATE),
     written AS (
       INSERT INTO mapping_entries (from_tenant_id, from_env_id, to_tenant_id, to_env_id, ${columns})
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (from_tenant_id, from_env_id, to_tenant_id, to_env_id, kind, source_id) DO UPDATE
          SET source_name = EXCLUDED.source_name, destination_id = EXCLUDED.destination_id,
              destination_name = EXCLUDED.destination_name, set_by = EXCLUDED.set_by,
              set_at = EXCLUDED.set_at
       RETURNING 1)
     SELECT before.* FROM before, written`,
    [
      pair.fromTenantId,
      pair.fromEnvId,
      pair.toTenantId,
      pair.toEnvId,
      entry.kind,
      entry.sourceId,
      entry.sourceName,
      entry.destinationId,
      entry.destinationName,
      entry.setBy,
      entry.setAt,
    ],
  );
  return rows[0] ? entryOf(rows[0]) : null;
}

/** Removes the entries of one kind whose source name is this one (any case); returns what was removed. */
export async function removeMappingEntries(
  db: Queryable,
  pair: ProfilePair,
  kind: string,
  sourceName: string,
): Promise<MappingEntry[]> {
  const { rows } = await db.query(
    `DELETE FROM mapping_entries
      WHERE from_tenant_id = $1 AND from_env_id = $2 AND to_tenant_id = $3 AND to_env_id = $4
        AND kind = $5 AND (lower(source_name) = lower($6) OR source_id = $6)
      RETURNING ${columns}`,
    [pair.fromTenantId, pair.fromEnvId, pair.toTenantId, pair.toEnvId, kind, sourceName],
  );
  return rows.map(entryOf);
}

function entryOf(row: Record<string, unknown>): MappingEntry {
  return {
    kind: String(row.kind),
    sourceId: String(row.source_id),
    sourceName: String(row.source_name),
    destinationId: String(row.destination_id),
    destinationName: String(row.destination_name),
    setBy: String(row.set_by),
    setAt: row.set_at instanceof Date ? row.set_at : new Date(String(row.set_at)),
  };
}
