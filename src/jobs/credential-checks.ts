import { type JobWithMetadata, PgBoss } from 'pg-boss';
import type { CredentialMonitor } from '../core/credential-monitor.js';
import type { TenantService } from '../core/tenants.js';
import type { Database } from '../db/database.js';
import type { Logger } from '../logger.js';
import { jobLag } from '../metrics.js';

const tickQueue = 'credential-checks-tick';
const checkQueue = 'credential-check';

export interface CredentialChecks {
  /** Queues one check per tenant for the current interval (again in the same interval: nothing new). */
  enqueueAll(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Scheduled credential checks on pg-boss, a job queue in our own Postgres (embedded one too): a cron
 * tick every minute fans out one job per tenant, each keyed by tenant and interval slot, so however
 * many replicas tick, each tenant is checked once per FLIGHTIQ_CHECK_INTERVAL; a job whose worker
 * died is expired and retried by pg-boss rather than lost.
 */
export async function startCredentialChecks(deps: {
  database: Database;
  tenants: TenantService;
  monitor: CredentialMonitor;
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

  const enqueueAll = async (): Promise<number> => {
    let queued = 0;
    for (const tenant of await deps.tenants.list()) {
      const id = await boss.send(
        checkQueue,
        { tenantId: tenant.id },
        { singletonKey: tenant.id, singletonSeconds: slotSeconds },
      );
      if (id) queued++;
    }
    return queued;
  };

  await boss.work(tickQueue, { pollingIntervalSeconds: polling }, async () => {
    const queued = await enqueueAll();
    if (queued > 0) log.debug({ queued }, 'credential checks queued');
  });
  await boss.work<{ tenantId: string }>(
    checkQueue,
    { pollingIntervalSeconds: polling, includeMetadata: true },
    async (jobs) => {
      for (const job of jobs as JobWithMetadata<{ tenantId: string }>[]) {
        jobLag.set({ queue: checkQueue }, Math.max(0, (Date.now() - job.createdOn.getTime()) / 1000));
        await deps.monitor.checkTenant(job.data.tenantId);
      }
    },
  );
  await boss.schedule(tickQueue, '* * * * *');

  return {
    enqueueAll,
    async stop() {
      await boss.stop({ graceful: true, timeout: 10_000 });
    },
  };
}
