-- Up Migration
-- Why a promotion was asked for (`--reason`), as the requester typed it: shown on the card, kept with
-- the promotion and in the audit. Core keeps it to 300 characters; the check is the last line of defence.
ALTER TABLE promotions ADD COLUMN reason text CHECK (char_length(reason) <= 300);

-- Down Migration
ALTER TABLE promotions DROP COLUMN reason;
