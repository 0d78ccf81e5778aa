-- Up Migration
-- Refusals are the one audit event anyone can cause at will (a command they may not run, a button they
-- may not press). The first few each person causes in an hour go to audit_events one by one as before;
-- past that they are only counted here, by action, so a flood cannot push real events out of the trail
-- while the trail still says how many there were. audit_events stays insert-only; these counters are
-- the one thing updated. Hours are PostgreSQL's own now() in UTC, as audit_events.occurred_at is.
CREATE TABLE audit_refusal_counts (
  actor_id   text        NOT NULL,
  hour       timestamptz NOT NULL,
  team_id    text,
  refusals   integer     NOT NULL,
  by_action  jsonb       NOT NULL,
  last_at    timestamptz NOT NULL,
  PRIMARY KEY (actor_id, hour)
);

CREATE INDEX audit_refusal_counts_last_at_idx ON audit_refusal_counts (last_at DESC);

-- Down Migration
DROP TABLE audit_refusal_counts;
