-- Up Migration
-- A flow policy as it was before a policy promotion updated it in place: what its rollback puts back.
-- Written before the update, once per promotion and policy, like the flows' backups.
CREATE TABLE promotion_policy_backups (
  promotion_id    uuid        NOT NULL REFERENCES promotions (id) ON DELETE CASCADE,
  application_id  text        NOT NULL,
  policy_id       text        NOT NULL,
  policy_name     text        NOT NULL,
  body            jsonb       NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (promotion_id, policy_id)
);

-- Down Migration
DROP TABLE promotion_policy_backups;
