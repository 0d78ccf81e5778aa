-- Up Migration
-- Who did what, when, on which tenant, and how it ended. Rows are only ever inserted: an audit trail
-- that can be edited is not one. Values of secrets never appear here, only the names of changed fields.
CREATE TABLE audit_events (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  occurred_at timestamptz NOT NULL DEFAULT now(),
  actor_id    text        NOT NULL,          -- Slack user ID, or 'system' for background jobs
  team_id     text,                          -- Slack workspace of the actor, when known
  action      text        NOT NULL,          -- e.g. 'tenant.add', 'promotion.approve'
  tenant      text,                          -- tenant name at the time of the event
  outcome     text        NOT NULL CHECK (outcome IN ('succeeded', 'refused', 'failed')),
  details     jsonb       NOT NULL DEFAULT '{}'::jsonb
);

CREATE INDEX audit_events_occurred_at_idx ON audit_events (occurred_at DESC);
CREATE INDEX audit_events_tenant_idx ON audit_events (tenant, occurred_at DESC);

-- Down Migration
DROP TABLE audit_events;
