import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import type pg from 'pg';
import type { Logger } from '../logger.js';

export const migrationsDir = fileURLToPath(new URL('../../migrations', import.meta.url));

/**
 * Applies every pending migration. node-pg-migrate holds an advisory lock while it runs; replicas that
 * start together wait for it (its default is to fail the second one) and then find nothing left to do.
 */
export async function migrate(pool: pg.Pool, logger: Logger): Promise<void> {
  const client = await pool.connect();
  try {
    const applied = await runner({
      dbClient: client,
      dir: migrationsDir,
      direction: 'up',
      migrationsTable: 'pgmigrations',
      count: Number.POSITIVE_INFINITY,
      checkOrder: true,
      advisoryLockMode: 'wait',
      verbose: false,
      logger: {
        debug: () => {},
        info: (message: string) => logger.debug(message),
        warn: (message: string) => logger.warn(message),
        error: (message: string) => logger.error(message),
      },
    });
    if (applied.length > 0) logger.info({ migrations: applied.map((m) => m.name) }, 'database migrated');
  } finally {
    client.release();
  }
}
