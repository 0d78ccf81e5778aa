-- Up Migration
-- Whether a tenant's stored credentials work, as the last check (scheduled or by a command) found,
-- and the alert that says so. One row per tenant; each change is a conditional UPDATE, so replicas
-- checking at once post one alert.
CREATE TABLE tenant_health (
  tenant_id        uuid        PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  state            text        NOT NULL CHECK (state IN ('healthy', 'failing')),
  cause_code       text,
  cause_message    text,
  failing_since    timestamptz,
  last_checked_at  timestamptz NOT NULL,
  -- The alert message in FLIGHTIQ_ALERT_CHANNEL; null while failing means "not posted yet".
  alert_channel    text,
  alert_ts         text,
  -- Who is posting the alert right now (a short claim, so two replicas do not both post it).
  alert_claimed_at timestamptz,
  updated_at       timestamptz NOT NULL DEFAULT now()
);

-- One warning per certificate and expiry date.
CREATE TABLE certificate_warnings (
  tenant_id       uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  certificate_id  text        NOT NULL,
  expires_at      timestamptz NOT NULL,
  environment_id  text        NOT NULL,
  name            text        NOT NULL,
  warned_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, certificate_id, expires_at)
);

-- Down Migration
DROP TABLE certificate_warnings;
DROP TABLE tenant_health;
