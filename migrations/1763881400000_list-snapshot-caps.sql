-- Up Migration
-- What one person's kept lists may hold (src/core/artifact-listing.ts): `bytes` is the size of `rows`
-- as stored, so the newest lists of a person can be kept within a byte budget without measuring them
-- again, and `left_out` counts the rows a list too large to keep whole lost (the list says so).
ALTER TABLE list_snapshots
  ADD COLUMN bytes    integer NOT NULL DEFAULT 0,
  ADD COLUMN left_out integer NOT NULL DEFAULT 0;

CREATE INDEX list_snapshots_owner ON list_snapshots (owner_id, created_at DESC);

-- Down Migration
DROP INDEX list_snapshots_owner;
ALTER TABLE list_snapshots DROP COLUMN bytes, DROP COLUMN left_out;
