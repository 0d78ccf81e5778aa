-- Up Migration
-- The commands and clicks that call PingOne each person has running, on every replica at once
-- (FLIGHTIQ_COMMANDS_PER_PERSON): one row a slot, held by one running command (holder) under a
-- lease its replica renews; a replica that stops leaves rows whose lease runs out and are taken again.
-- Leases are compared with PostgreSQL's own now() only (see src/core/clock.ts).
CREATE TABLE person_slots (
  user_id     text        NOT NULL,
  slot        smallint    NOT NULL,
  holder      uuid        NOT NULL,
  expires_at  timestamptz NOT NULL,
  PRIMARY KEY (user_id, slot)
);

CREATE INDEX person_slots_expires_at ON person_slots (expires_at);

-- Down Migration
DROP TABLE person_slots;
