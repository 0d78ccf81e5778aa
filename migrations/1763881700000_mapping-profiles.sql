-- Up Migration
-- Mapping profiles (docs/promotions.md, "Mapping profiles"): for one pair of environments, which
-- destination object stands for a source object whose name finds none, or several, in the destination.
-- One row an entry, keyed by the source object's ID (a rename in the source keeps its entry); the names
-- are as they were when the entry was set, to show and to audit. Nothing secret is held here.
CREATE TABLE mapping_entries (
  from_tenant_id    uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  from_env_id       text        NOT NULL,
  to_tenant_id      uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  to_env_id         text        NOT NULL,
  kind              text        NOT NULL,
  source_id         text        NOT NULL,
  source_name       text        NOT NULL,
  destination_id    text        NOT NULL,
  destination_name  text        NOT NULL,
  set_by            text        NOT NULL,
  set_at            timestamptz NOT NULL,
  PRIMARY KEY (from_tenant_id, from_env_id, to_tenant_id, to_env_id, kind, source_id)
);

-- Down Migration
DROP TABLE mapping_entries;
