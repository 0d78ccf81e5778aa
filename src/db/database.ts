import pg from 'pg';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { embeddedMaxConnections, startEmbeddedPostgres } from './embedded.js';
import { migrate } from './migrate.js';

export interface Database {
  pool: pg.Pool;
  kind: 'postgres' | 'embedded';
  /** Resolves when the database answers a trivial query within `timeoutMs`. */
  ping(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

// No call may wait forever on the database: a Slack request has 3 s, a background job has minutes.
const poolTimeouts = {
  connectionTimeoutMillis: 5_000,
  idleTimeoutMillis: 30_000,
  query_timeout: 20_000,
  statement_timeout: 15_000,
  idle_in_transaction_session_timeout: 30_000,
  application_name: 'flightiq',
} satisfies pg.PoolConfig;

/** Opens the configured database (PostgreSQL, or the embedded default) and brings its schema up to date. */
export async function openDatabase(config: Config['database'], logger: Logger): Promise<Database> {
  const log = logger.child({ component: 'db' });
  if (config.url) {
    const pool = createPool({ connectionString: config.url, max: config.poolMax }, log);
    return await ready({ pool, kind: 'postgres', stopServer: async () => {} }, log);
  }
  const embedded = await startEmbeddedPostgres(config.dataDir, log);
  const pool = createPool(
    { ...embedded.connection, max: Math.min(config.poolMax, embeddedMaxConnections) },
    log,
  );
  return await ready({ pool, kind: 'embedded', stopServer: embedded.stop }, log);
}

function createPool(settings: pg.PoolConfig, log: Logger): pg.Pool {
  const pool = new pg.Pool({ ...poolTimeouts, ...settings });
  // An idle client whose server goes away emits 'error' on the pool; unhandled, that kills the process.
  pool.on('error', (error) => log.warn({ err: error }, 'idle database connection lost'));
  return pool;
}

async function ready(
  parts: { pool: pg.Pool; kind: Database['kind']; stopServer: () => Promise<void> },
  log: Logger,
): Promise<Database> {
  const { pool, kind, stopServer } = parts;
  let closed = false;
  const database: Database = {
    pool,
    kind,
    async ping(timeoutMs = 2_000) {
      await pool.query({ text: 'SELECT 1', query_timeout: timeoutMs } as pg.QueryConfig);
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
      await stopServer();
    },
  };
  try {
    await migrate(pool, log);
  } catch (error) {
    await database.close().catch(() => undefined);
    throw error;
  }
  return database;
}
