/**
 * The time core decides by. One clock is made in the composition root and handed to every service, so
 * that a test moves time for the whole app at once instead of writing times into the database, and a
 * decision never depends on which module happened to read `Date.now()`.
 *
 * Which side of the line a decision sits on:
 * - Node, by this clock: approval expiry, the rollback window, certificate and key expiry marks and
 *   warnings, list snapshot expiry, when in its interval a tenant's check falls, how often certificates
 *   and drift are scanned. The stored times these read (`expires_at`, `finished_at`,
 *   `rollback_requested_at`, `expiry_scanned_at`, `drift_scanned_at`, a list's `expires_at`) are
 *   written from this clock too, and the SQL that compares them is given this clock's time.
 * - PostgreSQL, by its own `now()`: leases of running promotions, turn-taking, the alert-posting claim,
 *   per-person command slots, delivery retention, when pg-boss starts a job. Those compare only database times with database
 *   times, so a replica whose clock is off can never take another's lease.
 * No statement compares a time from one side with a time from the other.
 *
 * Durations (deadlines of PingOne calls, retry delays, timers) are not readings of the calendar and use
 * the process's own timers.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export const dayMs = 24 * 60 * 60 * 1000;
