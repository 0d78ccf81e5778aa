import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import type { Logger } from '../logger.js';

/** How many `pg` connections the embedded server multiplexes onto its single PGlite session. */
export const embeddedMaxConnections = 8;

export interface EmbeddedPostgres {
  /** `pg` connection settings that reach the embedded server. */
  connection: { host: string; port: number; user: string; database: string };
  stop(): Promise<void>;
}

/**
 * Starts PGlite in `dataDir` and serves it over the Postgres wire protocol, so the rest of the app uses
 * the same `pg` pool and SQL as with a real server. The socket is a Unix socket inside the data
 * directory (mode 0700): a loopback TCP port would let any local user in without a password.
 */
export async function startEmbeddedPostgres(dataDir: string, logger: Logger): Promise<EmbeddedPostgres> {
  const dir = resolve(dataDir);
  const createdHere = !existsSync(dir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const lockFile = join(dir, 'flightiq.pid');
  await takeLock(lockFile);

  let db: PGlite | undefined;
  try {
    db = await PGlite.create(join(dir, 'pgdata'));
    const socketPath = join(dir, '.s.PGSQL.5432');
    // Unix socket paths are limited to about 107 bytes; a deep data directory falls back to loopback TCP.
    const useSocket = Buffer.byteLength(socketPath) < 100;
    const server = new PGLiteSocketServer({
      db,
      maxConnections: embeddedMaxConnections,
      ...(useSocket ? { path: socketPath } : { host: '127.0.0.1', port: 0 }),
    });
    await server.start();
    const [host, port] = useSocket
      ? [dir, 5432]
      : ['127.0.0.1', Number(server.getServerConn().split(':')[1])];
    logger.info({ dataDir: dir }, 'embedded database started (set DATABASE_URL to use PostgreSQL)');
    const started = db;
    return {
      connection: { host, port, user: 'postgres', database: 'postgres' },
      async stop() {
        await server.stop();
        await started.close();
        await rm(lockFile, { force: true });
      },
    };
  } catch (error) {
    await db?.close().catch(() => undefined);
    await rm(lockFile, { force: true });
    // A data directory that never finished initializing would make the next start fail in a confusing way.
    if (createdHere) await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Two processes on one PGlite directory corrupt it; a pid file refuses the second one clearly. */
async function takeLock(lockFile: string): Promise<void> {
  try {
    await writeFile(lockFile, String(process.pid), { flag: 'wx', mode: 0o600 });
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const holder = Number((await readFile(lockFile, 'utf8')).trim());
  if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) {
    throw new EmbeddedDatabaseBusyError(lockFile, holder);
  }
  // The previous holder died without cleaning up.
  await writeFile(lockFile, String(process.pid), { mode: 0o600 });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class EmbeddedDatabaseBusyError extends Error {
  override name = 'EmbeddedDatabaseBusyError';
  constructor(lockFile: string, pid: number) {
    super(
      `the embedded database is in use by another FlightIQ process (pid ${pid}, lock ${lockFile}); stop it, or set FLIGHTIQ_DATA_DIR or DATABASE_URL`,
    );
  }
}
