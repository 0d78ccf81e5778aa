import type { Queryable } from './queryable.js';

/** A tenant's own approvers, and who set them when. */
export interface TenantApproverList {
  ids: string[];
  setBy: string;
  setAt: Date;
}

export async function tenantApproverList(
  db: Queryable,
  tenantId: string,
): Promise<TenantApproverList | null> {
  const { rows } = await db.query(
    'SELECT approver_ids, set_by, set_at FROM tenant_approvers WHERE tenant_id = $1',
    [tenantId],
  );
  const row = rows[0];
  return row
    ? { ids: row.approver_ids as string[], setBy: row.set_by as string, setAt: row.set_at as Date }
    : null;
}

/**
 * Sets a tenant's approvers, or (with no list) goes back to FLIGHTIQ_APPROVERS. Returns the list it
 * replaced, read in the same statement, so the audit's "before" is what this write overwrote.
 */
export async function replaceTenantApprovers(
  db: Queryable,
  tenantId: string,
  next: TenantApproverList | null,
): Promise<string[] | null> {
  const before = `before AS (SELECT approver_ids FROM tenant_approvers WHERE tenant_id = $1 FOR UPDATE)`;
  const { rows } = next
    ? await db.query(
        `WITH ${before},
         written AS (
           INSERT INTO tenant_approvers (tenant_id, approver_ids, set_by, set_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT (tenant_id) DO UPDATE
              SET approver_ids = EXCLUDED.approver_ids, set_by = EXCLUDED.set_by, set_at = EXCLUDED.set_at
           RETURNING 1)
         SELECT (SELECT approver_ids FROM before) AS approver_ids FROM written`,
        [tenantId, next.ids, next.setBy, next.setAt],
      )
    : await db.query(
        `WITH ${before}, gone AS (DELETE FROM tenant_approvers WHERE tenant_id = $1 RETURNING 1)
         SELECT approver_ids FROM before`,
        [tenantId],
      );
  return (rows[0]?.approver_ids as string[] | undefined) ?? null;
}
