-- Up Migration
-- One `/flightiq list` result, kept so that its Previous/Next and Download CSV buttons work on any
-- replica and after a restart, and show the same list the user first saw. Rows hold only what the list
-- shows (never a secret: the kinds in src/core/artifact-kinds.ts drop secret values before storing).
CREATE TABLE list_snapshots (
  id               uuid        PRIMARY KEY,
  -- The Slack user who ran the command: only they may page through or download it.
  owner_id         text        NOT NULL,
  team_id          text,
  tenant_id        uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  tenant_name      text        NOT NULL,
  kind             text        NOT NULL,
  environment_id   text        NOT NULL,
  environment_name text        NOT NULL,
  filter           text        NOT NULL DEFAULT '',
  total            integer     NOT NULL,
  -- True when PingOne had more pages than the client follows (its page cap).
  truncated        boolean     NOT NULL DEFAULT false,
  rows             jsonb       NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  expires_at       timestamptz NOT NULL
);

CREATE INDEX list_snapshots_expires_at ON list_snapshots (expires_at);

-- Down Migration
DROP TABLE list_snapshots;
