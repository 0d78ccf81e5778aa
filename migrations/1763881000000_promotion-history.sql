-- Up Migration
-- Promotion history outlives the tenant it was made with: removing a tenant used to delete (by
-- cascade) its promotions, their steps, backups and variable changes, even mid-run, leaving a
-- half-written environment with no record of what was written and nothing to roll back to. A
-- promotion keeps its tenant's ID and name; the tenant itself may go (core/tenants.ts refuses while a
-- promotion of it waits or runs).
ALTER TABLE promotions DROP CONSTRAINT promotions_tenant_id_fkey;
CREATE INDEX promotions_tenant ON promotions (tenant_id, status);

-- Down Migration
DROP INDEX promotions_tenant;
DELETE FROM promotions p WHERE NOT EXISTS (SELECT 1 FROM tenants t WHERE t.id = p.tenant_id);
ALTER TABLE promotions
  ADD CONSTRAINT promotions_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE;
