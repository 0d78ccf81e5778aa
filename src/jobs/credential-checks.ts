import { createHash } from 'node:crypto';
import { type JobWithMetadata, PgBoss } from 'pg-boss';
import type { Clock } from '../core/clock.js';
import type { CredentialMonitor } from '../core/credentials/monitor.js';
import type { TenantService } from '../core/tenants/service.js';
import type { Database } from '../db/database.js';
import type { Logger } from '../logger.js';
import { jobLag } from '../metrics.js';

const tickQueue = 'credential-checks-tick';
const checkQueue = 'credential-check';
const tickMs = 60_000;
/** Checks one replica runs at once: enough to keep up with thousands of tenants, few enough to stay light. */
const checksAtOnce = 8;

export interface CredentialChecks {
  /** Queues one check per tenant now (again within the same interval: nothing new). */
  enqueueAll(): Promise<number>;
  /** Queues the checks that fall in the current minute of the interval; what the scheduled tick does. */
  enqueueDue(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Where in each interval a tenant's check falls: spread evenly by a hash of its ID, the same on every
 * replica, so a thousand tenants are checked a few at a time all through the interval, not all at once
 * at the top of it.
 */
export function checkOffsetMs(tenantId: string, intervalMs: number): number {
  const hash = createHash('sha256').update(tenantId).digest().readUInt32BE(0);
  return Math.floor((hash / 2 ** 32) * intervalMs);
}

/**
 * The checks due in the minute of the interval that `now` falls in, and when each is due. Minutes are
 * counted from the start of the interval, and the last one ends with it, so a check is never queued in
 * one interval for the next (where the once-per-interval guard would let it run twice).
 */
export function checksDue(
  tenantIds: readonly string[],
  intervalMs: number,
  now: Date,
): { tenantId: string; at: Date }[] {
  const slotStart = Math.floor(now.getTime() / intervalMs) * intervalMs;
  const from = Math.floor((now.getTime() - slotStart) / tickMs) * tickMs;
  const to = Math.min(from + tickMs, intervalMs);
  return tenantIds.flatMap((tenantId) => {
    const offset = checkOffsetMs(tenantId, intervalMs);
    return offset >= from && offset < to ? [{ tenantId, at: new Date(slotStart + offset) }] : [];
  });
}

/**
 * Scheduled credential checks on pg-boss, a job queue in our own Postgres (embedded one too): a cron
 * tick every minute queues the checks that fall in that minute, each keyed by tenant and interval, so
 * however many replicas tick, each tenant is checked once per FLIGHTIQ_CHECK_INTERVAL, at its own moment
 * in it; a job whose worker died is expired and retried by pg-boss rather than lost.
 */
export async function startCredentialChecks(deps: {
  database: Database;
  tenants: TenantService;
  monitor: CredentialMonitor;
  clock: Clock;
  logger: Logger;
  intervalMs: number;
  pollingIntervalSeconds?: number;
}): Promise<CredentialChecks> {
  const log = deps.logger.child({ component: 'jobs' });
  const boss = new PgBoss({
    db: { executeSql: (text, values) => deps.database.pool.query(text, values as unknown[]) },
    backend: deps.database.kind === 'embedded' ? 'pglite' : 'postgres',
    schedule: true,
    supervise: true,
    migrate: true,
  });
  boss.on('error', (error) => log.error({ err: error }, 'job queue error'));
  await boss.start();
  await boss.createQueue(tickQueue, { policy: 'stately', retryLimit: 0 });
  await boss.createQueue(checkQueue, {
    retryLimit: 3,
    retryDelay: 30,
    retryBackoff: true,
    expireInSeconds: 120,
  });
  const slotSeconds = Math.max(60, Math.round(deps.intervalMs / 1000));
  const polling = deps.pollingIntervalSeconds ?? 2;

  const enqueue = async (checks: { tenantId: string; at?: Date }[]): Promise<number> => {
    let queued = 0;
    const now = deps.clock.now().getTime();
    for (const { tenantId, at } of checks) {
      // pg-boss starts a job by the database's clock; a delay in seconds, not a time of ours, keeps
      // the two clocks from ever being compared.
      const delay = at ? Math.max(0, Math.round((at.getTime() - now) / 1000)) : 0;
      const id = await boss.send(
        checkQueue,
        { tenantId },
        {
          singletonKey: tenantId,
          singletonSeconds: slotSeconds,
          ...(delay > 0 ? { startAfter: delay } : {}),
        },
      );
      if (id) queued++;
    }
    return queued;
  };
  const enqueueAll = async () =>
    enqueue((await deps.tenants.list()).map((tenant) => ({ tenantId: tenant.id })));
  const enqueueDue = async () =>
    enqueue(
      checksDue(
        (await deps.tenants.list()).map((tenant) => tenant.id),
        deps.intervalMs,
        deps.clock.now(),
      ),
    );

  await boss.work(tickQueue, { pollingIntervalSeconds: polling }, async () => {
    const queued = await enqueueDue();
    if (queued > 0) log.debug({ queued }, 'credential checks queued');
  });
  // A fetch takes up to `batchSize` due checks and runs them together: one job per poll would cap a
  // replica at 30 checks a minute (measured by bench:checks), below a thousand tenants' 67 every 15 min.
  await boss.work<{ tenantId: string }>(
    checkQueue,
    { pollingIntervalSeconds: polling, includeMetadata: true, batchSize: checksAtOnce },
    async (jobs) => {
      await Promise.all(
        (jobs as JobWithMetadata<{ tenantId: string }>[]).map(async (job) => {
          // A metric, not a decision: pg-boss dates the job in the database's time, and a skew
          // between that clock and this process's shows in the lag, which is where it should show.
          const due = (job.startAfter ?? job.createdOn).getTime();
          jobLag.set({ queue: checkQueue }, Math.max(0, (Date.now() - due) / 1000));
          await deps.monitor.checkTenant(job.data.tenantId);
        }),
      );
    },
  );
  await boss.schedule(tickQueue, '* * * * *');

  return {
    enqueueAll,
    enqueueDue,
    async stop() {
      await boss.stop({ graceful: true, timeout: 10_000 });
    },
  };
}
