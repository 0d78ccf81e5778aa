-- Up Migration
-- A tenant is one PingOne worker app. Its client secret is stored only sealed (AES-256-GCM, the row's id
-- as associated data, see src/crypto/sealed-secret.ts); secret_fingerprint is its last four characters,
-- shown so an admin can tell which secret is stored without seeing it.
CREATE TABLE tenants (
  id                 uuid        PRIMARY KEY,
  name               text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 64),
  region             text        NOT NULL CHECK (region IN ('com', 'ca', 'eu', 'com.au', 'sg', 'asia')),
  environment_id     uuid        NOT NULL,
  client_id          uuid        NOT NULL,
  auth_method        text        NOT NULL CHECK (auth_method IN ('client_secret_basic', 'client_secret_post')),
  secret_key_id      text        NOT NULL,
  secret_ciphertext  bytea       NOT NULL,
  secret_fingerprint text        NOT NULL,
  last_test_outcome  text        CHECK (last_test_outcome IN ('passed', 'failed')),
  last_test_summary  text,
  last_tested_at     timestamptz,
  created_at         timestamptz NOT NULL DEFAULT now(),
  created_by         text        NOT NULL,
  updated_at         timestamptz NOT NULL DEFAULT now(),
  updated_by         text        NOT NULL,
  -- Bumped on every change; an edit made from a stale form is refused rather than silently overwriting.
  version            integer     NOT NULL DEFAULT 1
);

-- Names are what people type in commands, so "Acme" and "acme" must not be two tenants.
CREATE UNIQUE INDEX tenants_name_unique ON tenants (lower(name));

-- Down Migration
DROP TABLE tenants;
