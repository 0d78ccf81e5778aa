-- Up Migration
-- A tenant's own approvers (docs/promotions.md, "Approvers of the destination"): who may approve a
-- promotion into one of its protected environments, instead of FLIGHTIQ_APPROVERS. Slack user and
-- user-group IDs. No row: FLIGHTIQ_APPROVERS. Goes with the tenant.
CREATE TABLE tenant_approvers (
  tenant_id     uuid        PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  approver_ids  text[]      NOT NULL CHECK (cardinality(approver_ids) BETWEEN 1 AND 100),
  set_by        text        NOT NULL,
  set_at        timestamptz NOT NULL
);

-- Down Migration
DROP TABLE tenant_approvers;
