-- Up Migration
-- Slack deliveries already handled, by the id Slack gives each one (event_id for events, trigger_id
-- for commands and interactions): a delivery Slack sends again, to this replica or another, is
-- acknowledged and not acted on twice. Rows older than a day are removed by the sweeper.
CREATE TABLE slack_deliveries (
  delivery_id  text        PRIMARY KEY,
  received_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX slack_deliveries_received_at ON slack_deliveries (received_at);

-- Down Migration
DROP TABLE slack_deliveries;
