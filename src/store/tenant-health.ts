import type pg from 'pg';
import { inTransaction, type Queryable } from './queryable.js';

export interface TenantHealth {
  tenantId: string;
  state: 'healthy' | 'failing';
  causeCode: string | null;
  causeMessage: string | null;
  failingSince: Date | null;
  lastCheckedAt: Date;
  alertChannel: string | null;
  alertTs: string | null;
}

export type Observation = { healthy: true } | { healthy: false; causeCode: string; causeMessage: string };

/** What an observation changed, which decides what to tell the alert channel. */
export type HealthChange =
  /** The tenant was edited (or removed) after what was seen: nothing was recorded. */
  | { change: 'stale' }
  | { change: 'none'; health: TenantHealth }
  | { change: 'started_failing'; health: TenantHealth }
  | { change: 'still_failing'; health: TenantHealth; causeChanged: boolean }
  | { change: 'recovered'; health: TenantHealth; previous: TenantHealth };

const columns = `tenant_id, state, cause_code, cause_message, failing_since, last_checked_at, alert_channel, alert_ts`;

/**
 * Records what a check saw, under a row lock so that two checks of the same tenant at once (a
 * scheduled one and a command) see each other's result and only one of them sees the transition.
 */
export async function recordObservation(
  pool: pg.Pool,
  tested: { id: string; version: number },
  seen: Observation,
): Promise<HealthChange> {
  const tenantId = tested.id;
  return inTransaction(pool, async (db) => {
    // What was seen is about the credentials at `version`; an edit since (which this lock waits for, or
    // holds off until the observation is stored) makes it say nothing about the tenant as it is now.
    const current = await db.query('SELECT version FROM tenants WHERE id = $1 FOR SHARE', [tenantId]);
    if (current.rows[0]?.version !== tested.version) return { change: 'stale' };
    await db.query(
      `INSERT INTO tenant_health (tenant_id, state, last_checked_at) VALUES ($1, 'healthy', now())
       ON CONFLICT (tenant_id) DO NOTHING`,
      [tenantId],
    );
    const { rows } = await db.query(`SELECT ${columns} FROM tenant_health WHERE tenant_id = $1 FOR UPDATE`, [
      tenantId,
    ]);
    const previous = toHealth(rows[0]);
    if (seen.healthy) {
      const updated = await update(
        db,
        tenantId,
        `state = 'healthy', cause_code = NULL, cause_message = NULL, failing_since = NULL,
         alert_channel = NULL, alert_ts = NULL, alert_claimed_at = NULL`,
        [],
      );
      return previous.state === 'failing'
        ? { change: 'recovered', health: updated, previous }
        : { change: 'none', health: updated };
    }
    const updated = await update(
      db,
      tenantId,
      `state = 'failing', cause_code = $2, cause_message = $3, failing_since = COALESCE(failing_since, now())`,
      [seen.causeCode, seen.causeMessage.slice(0, 1000)],
    );
    return previous.state === 'healthy'
      ? { change: 'started_failing', health: updated }
      : { change: 'still_failing', health: updated, causeChanged: previous.causeCode !== seen.causeCode };
  });
}

async function update(
  db: Queryable,
  tenantId: string,
  set: string,
  values: unknown[],
): Promise<TenantHealth> {
  const { rows } = await db.query(
    `UPDATE tenant_health SET ${set}, last_checked_at = now(), updated_at = now() WHERE tenant_id = $1 RETURNING ${columns}`,
    [tenantId, ...values],
  );
  return toHealth(rows[0]);
}

/**
 * Claims the posting of a failing tenant's alert: true for exactly one caller while no alert is posted
 * (a claim older than two minutes is taken to have died with its process).
 */
export async function claimAlertPosting(db: Queryable, tenantId: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE tenant_health SET alert_claimed_at = now()
      WHERE tenant_id = $1 AND state = 'failing' AND alert_ts IS NULL
        AND (alert_claimed_at IS NULL OR alert_claimed_at < now() - interval '2 minutes')`,
    [tenantId],
  );
  return (rowCount ?? 0) > 0;
}

export async function setAlertMessage(
  db: Queryable,
  tenantId: string,
  channel: string | null,
  ts: string | null,
): Promise<void> {
  await db.query(
    'UPDATE tenant_health SET alert_channel = $2, alert_ts = $3, alert_claimed_at = NULL WHERE tenant_id = $1',
    [tenantId, channel, ts],
  );
}

export async function listTenantHealth(db: Queryable): Promise<TenantHealth[]> {
  const { rows } = await db.query(`SELECT ${columns} FROM tenant_health`);
  return rows.map(toHealth);
}

/**
 * Claims a tenant's certificate and key expiry scan when the last one is older than `everyMs` at `now`
 * (core's clock, which also dates the claim): true for one caller per period, whatever the replicas.
 */
export async function claimExpiryScan(
  db: Queryable,
  tenantId: string,
  everyMs: number,
  now: Date,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE tenant_health SET expiry_scanned_at = $3
      WHERE tenant_id = $1
        AND (expiry_scanned_at IS NULL OR expiry_scanned_at < $3::timestamptz - make_interval(secs => $2 / 1000.0))`,
    [tenantId, everyMs, now],
  );
  return (rowCount ?? 0) > 0;
}

/** Lets the next check scan again, where a scan could not say all it found (a warning that failed to post). */
export async function releaseExpiryScan(db: Queryable, tenantId: string): Promise<void> {
  await db.query('UPDATE tenant_health SET expiry_scanned_at = NULL WHERE tenant_id = $1', [tenantId]);
}

/** Records a certificate warning; true only for the first caller, so each certificate is warned about once. */
export async function claimCertificateWarning(
  db: Queryable,
  warning: { tenantId: string; certificateId: string; expiresAt: Date; environmentId: string; name: string },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO certificate_warnings (tenant_id, certificate_id, expires_at, environment_id, name)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
    [warning.tenantId, warning.certificateId, warning.expiresAt, warning.environmentId, warning.name],
  );
  return (rowCount ?? 0) > 0;
}

/** Forgets a warning that could not be posted, so the next check tries again. */
export async function dropCertificateWarning(
  db: Queryable,
  tenantId: string,
  certificateId: string,
  expiresAt: Date,
): Promise<void> {
  await db.query(
    'DELETE FROM certificate_warnings WHERE tenant_id = $1 AND certificate_id = $2 AND expires_at = $3',
    [tenantId, certificateId, expiresAt],
  );
}

function toHealth(row: Record<string, unknown>): TenantHealth {
  return {
    tenantId: row.tenant_id as string,
    state: row.state as TenantHealth['state'],
    causeCode: row.cause_code as string | null,
    causeMessage: row.cause_message as string | null,
    failingSince: row.failing_since as Date | null,
    lastCheckedAt: row.last_checked_at as Date,
    alertChannel: row.alert_channel as string | null,
    alertTs: row.alert_ts as string | null,
  };
}

export async function countFailingTenants(db: Queryable): Promise<number> {
  const { rows } = await db.query("SELECT count(*)::int AS n FROM tenant_health WHERE state = 'failing'");
  return Number(rows[0]?.n ?? 0);
}

/**
 * Claims this tenant's drift comparison if none ran within `everyMs` before `now` (core's clock, which
 * also dates the claim); false when another did.
 */
export async function claimDriftScan(
  db: Queryable,
  tenantId: string,
  everyMs: number,
  now: Date,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE tenant_health SET drift_scanned_at = $3
      WHERE tenant_id = $1
        AND (drift_scanned_at IS NULL OR drift_scanned_at < $3::timestamptz - make_interval(secs => $2 / 1000.0))`,
    [tenantId, everyMs, now],
  );
  return (rowCount ?? 0) > 0;
}

export interface DriftKey {
  tenantId: string;
  environmentId: string;
  flowId: string;
  writtenVersion: number;
}

/** Records a drift message; true only for the first caller, so each drift is told once. */
export async function claimDriftAlert(
  db: Queryable,
  drift: DriftKey & { currentVersion: number | null; promotionId: string },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO drift_alerts (tenant_id, environment_id, flow_id, written_version, current_version, promotion_id)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
    [
      drift.tenantId,
      drift.environmentId,
      drift.flowId,
      drift.writtenVersion,
      drift.currentVersion,
      drift.promotionId,
    ],
  );
  return (rowCount ?? 0) > 0;
}

/** Forgets a drift message that could not be posted, so the next comparison tries again. */
export async function dropDriftAlert(db: Queryable, drift: DriftKey): Promise<void> {
  await db.query(
    `DELETE FROM drift_alerts
      WHERE tenant_id = $1 AND environment_id = $2 AND flow_id = $3 AND written_version = $4`,
    [drift.tenantId, drift.environmentId, drift.flowId, drift.writtenVersion],
  );
}
