-- Up Migration
-- A promotion across PingOne organizations (docs/promotions.md, "Across organizations"): the
-- destination environment belongs to another tenant, whose worker app writes into it. Null for a
-- promotion within one tenant. Like tenant_id, no foreign key: history outlives the tenant, and
-- removing either tenant is refused while one of its promotions waits or runs.
ALTER TABLE promotions ADD COLUMN to_tenant_id uuid, ADD COLUMN to_tenant_name text;
CREATE INDEX promotions_to_tenant ON promotions (to_tenant_id, status) WHERE to_tenant_id IS NOT NULL;

-- Down Migration
DROP INDEX promotions_to_tenant;
ALTER TABLE promotions DROP COLUMN to_tenant_id, DROP COLUMN to_tenant_name;
