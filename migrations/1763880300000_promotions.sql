-- Up Migration
-- A promotion: one request to copy a flow (and its subflows) from one environment to another, with its
-- plan, the decision on it and what execution did. Status moves only forward, each move one conditional
-- UPDATE (… WHERE status = 'pending' …), which is what makes approval and execution happen once
-- whatever the clicks, retries or replicas.
CREATE TABLE promotions (
  id                  uuid        PRIMARY KEY,
  tenant_id           uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  tenant_name         text        NOT NULL,
  requested_by        text        NOT NULL,
  team_id             text,
  flow_name           text        NOT NULL,
  from_env_id         text        NOT NULL,
  from_env_name       text        NOT NULL,
  to_env_id           text        NOT NULL,
  to_env_name         text        NOT NULL,
  options             jsonb       NOT NULL,
  -- Needs an approver (destination is PRODUCTION or listed in FLIGHTIQ_PROTECTED_ENVS).
  protected           boolean     NOT NULL,
  plan                jsonb       NOT NULL,
  fingerprint         text        NOT NULL,
  status              text        NOT NULL CHECK (status IN (
                        'blocked', 'pending', 'rejected', 'expired', 'cancelled', 'running', 'succeeded',
                        'failed', 'interrupted', 'rolling_back', 'rolled_back', 'rollback_failed')),
  -- Where the plan message is (the approval channel), so it can be updated and linked to.
  channel_id          text,
  message_ts          text,
  decided_by          text,
  decided_at          timestamptz,
  rolled_back_by      text,
  outcome             text,
  result              jsonb,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  expires_at          timestamptz NOT NULL
);

CREATE INDEX promotions_status ON promotions (status, expires_at);
CREATE INDEX promotions_created_at ON promotions (created_at DESC);

-- Every write execution makes, recorded as started before it is sent and done after it answered, so an
-- interrupted promotion shows what happened and what may have happened.
CREATE TABLE promotion_steps (
  id              bigserial   PRIMARY KEY,
  promotion_id    uuid        NOT NULL REFERENCES promotions (id) ON DELETE CASCADE,
  action          text        NOT NULL,
  flow_name       text        NOT NULL,
  destination_id  text,
  version         integer,
  status          text        NOT NULL CHECK (status IN ('started', 'done', 'failed')),
  detail          text,
  started_at      timestamptz NOT NULL DEFAULT now(),
  finished_at     timestamptz
);

CREATE INDEX promotion_steps_promotion ON promotion_steps (promotion_id, id);

-- The destination flows a promotion overwrote, as exported before the first write: what rollback restores.
CREATE TABLE promotion_backups (
  promotion_id    uuid        NOT NULL REFERENCES promotions (id) ON DELETE CASCADE,
  flow_id         text        NOT NULL,
  flow_name       text        NOT NULL,
  version         integer     NOT NULL,
  definition      jsonb       NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (promotion_id, flow_id)
);

-- Down Migration
DROP TABLE promotion_backups;
DROP TABLE promotion_steps;
DROP TABLE promotions;
