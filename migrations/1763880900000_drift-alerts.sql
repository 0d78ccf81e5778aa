-- Up Migration
-- When a tenant's protected environments were last compared with what FlightIQ wrote into them, and the
-- drift already told: one message per flow and per version FlightIQ left it at, so a flow changed
-- outside FlightIQ is reported once, and again only after FlightIQ writes it anew and it drifts again.
ALTER TABLE tenant_health ADD COLUMN drift_scanned_at timestamptz;

CREATE TABLE drift_alerts (
  tenant_id        uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  environment_id   text        NOT NULL,
  flow_id          text        NOT NULL,
  written_version  integer     NOT NULL,
  current_version  integer,
  promotion_id     uuid        NOT NULL,
  posted_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, environment_id, flow_id, written_version)
);

-- Down Migration
DROP TABLE drift_alerts;
ALTER TABLE tenant_health DROP COLUMN drift_scanned_at;
