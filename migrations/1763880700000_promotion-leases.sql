-- Up Migration
-- Who runs a promotion (or its rollback) and until when. The running process renews its lease every
-- few seconds; a lease found expired means that process stopped. This replaces a session advisory lock,
-- which held a pool connection for a whole run while the run's own steps waited for another one.
ALTER TABLE promotions
  ADD COLUMN lease_owner text,
  ADD COLUMN lease_expires_at timestamptz,
  -- True while it writes into its destination: one writer per destination environment at a time.
  ADD COLUMN writing boolean NOT NULL DEFAULT false,
  -- When its run was claimed: runs waiting for the same destination go first come, first served.
  ADD COLUMN queued_at timestamptz,
  -- When it ended (succeeded, failed, interrupted, rolled back): Rollback is offered for a window after.
  ADD COLUMN finished_at timestamptz,
  -- Approvers so far ([{"userId": "U…", "at": "…"}]); it runs once enough distinct ones agree.
  ADD COLUMN approvals jsonb NOT NULL DEFAULT '[]',
  -- A rollback asked for on a protected destination, waiting for approvers of its own.
  ADD COLUMN rollback_requested_by text,
  ADD COLUMN rollback_requested_at timestamptz,
  ADD COLUMN rollback_approvals jsonb NOT NULL DEFAULT '[]';

CREATE UNIQUE INDEX promotions_one_writer ON promotions (to_env_id) WHERE writing;
CREATE INDEX promotions_leases ON promotions (lease_expires_at) WHERE lease_owner IS NOT NULL;

UPDATE promotions SET finished_at = updated_at
 WHERE status IN ('succeeded', 'failed', 'interrupted', 'rolled_back', 'rollback_failed');
UPDATE promotions SET approvals = jsonb_build_array(jsonb_build_object('userId', decided_by, 'at', decided_at))
 WHERE protected AND decided_by IS NOT NULL AND status NOT IN ('rejected', 'cancelled');

-- What a promotion wrote into each variable, so a rollback can tell whether someone changed it since.
ALTER TABLE promotion_variable_changes ADD COLUMN after jsonb;

-- Environments FLIGHTIQ_PROTECTED_ENVS names by name, remembered by ID, so that renaming an environment
-- does not take its protection away.
CREATE TABLE protected_environments (
  environment_id text        PRIMARY KEY,
  listed_as      text        NOT NULL,
  seen_at        timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE protected_environments;
ALTER TABLE promotion_variable_changes DROP COLUMN after;
DROP INDEX promotions_leases;
DROP INDEX promotions_one_writer;
ALTER TABLE promotions
  DROP COLUMN lease_owner, DROP COLUMN lease_expires_at, DROP COLUMN writing, DROP COLUMN queued_at,
  DROP COLUMN finished_at, DROP COLUMN approvals, DROP COLUMN rollback_requested_by,
  DROP COLUMN rollback_requested_at, DROP COLUMN rollback_approvals;
