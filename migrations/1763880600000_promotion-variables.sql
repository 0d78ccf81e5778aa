-- Up Migration
-- A promotion now writes variables as well as flows, so a step names what it wrote ("smtpHost
-- (company)" as well as a flow name).
ALTER TABLE promotion_steps RENAME COLUMN flow_name TO subject;

-- The variables a promotion created or changed in the destination, so a rollback can remove what it
-- created and put back what it changed. `before` is the variable as it was (null for one created).
CREATE TABLE promotion_variable_changes (
  promotion_id    uuid        NOT NULL REFERENCES promotions (id) ON DELETE CASCADE,
  variable_id     text        NOT NULL,
  name            text        NOT NULL,
  context         text        NOT NULL,
  -- For flow variables: the destination flow they belong to.
  flow_id         text,
  change          text        NOT NULL CHECK (change IN ('created', 'updated')),
  before          jsonb,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (promotion_id, variable_id)
);

-- Down Migration
DROP TABLE promotion_variable_changes;
ALTER TABLE promotion_steps RENAME COLUMN subject TO flow_name;
