-- Up Migration
-- When a tenant's certificates and keys were last read for expiry. Credential checks run every few
-- minutes; expiry changes on the scale of days, so it is read every few hours, not at every check.
ALTER TABLE tenant_health ADD COLUMN expiry_scanned_at timestamptz;

-- Down Migration
ALTER TABLE tenant_health DROP COLUMN expiry_scanned_at;
