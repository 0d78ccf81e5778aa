-- Up Migration
-- What a sealed client secret is bound to. 1: the tenant's id alone, as first sealed. 2: the id and
-- everything that says where the secret is sent (region, environment, client ID, auth method), so a
-- secret cannot be opened for a tenant whose region or client was changed in the database behind
-- FlightIQ's back. Secrets move to 2 when next sealed (an edit, or npm run rotate-keys).
ALTER TABLE tenants ADD COLUMN secret_binding smallint NOT NULL DEFAULT 1 CHECK (secret_binding IN (1, 2));

-- Down Migration
ALTER TABLE tenants DROP COLUMN secret_binding;
