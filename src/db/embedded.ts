import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
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
 * the same `pg` pool and SQL as with a real server. The embedded server has no passwords, so who can
 * reach it is decided by the file system alone: the socket is a Unix socket in a private (0700)
 * directory of its own, never a TCP port, which any local user could connect to. The data directory
 * and its files are made private (0700 / 0600) at every start, whatever an older version or a
 * careless copy left behind.
 */
export async function startEmbeddedPostgres(dataDir: string, logger: Logger): Promise<EmbeddedPostgres> {
  const dir = resolve(dataDir);
  const createdHere = !existsSync(dir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await makePrivate(dir);
  const lockFile = join(dir, 'flightiq.pid');
  await takeLock(lockFile);

  let db: PGlite | undefined;
  let socketDir: string | undefined;
  try {
    db = await PGlite.create(join(dir, 'pgdata'));
    // Once more for what PGlite just created under the umask; later files are guarded by `dir` (0700).
    await makePrivate(dir);
    socketDir = await privateSocketDirectory();
    const server = new PGLiteSocketServer({
      db,
      maxConnections: embeddedMaxConnections,
      path: join(socketDir, socketName),
    });
    await server.start();
    logger.info({ dataDir: dir }, 'embedded database started (set DATABASE_URL to use PostgreSQL)');
    const started = db;
    const ownSocketDir = socketDir;
    return {
      connection: { host: socketDir, port: socketPort, user: 'postgres', database: 'postgres' },
      async stop() {
        await server.stop();
        await started.close();
        await rm(ownSocketDir, { recursive: true, force: true });
        await rm(lockFile, { force: true });
      },
    };
  } catch (error) {
    await db?.close().catch(() => undefined);
    if (socketDir) await rm(socketDir, { recursive: true, force: true });
    await rm(lockFile, { force: true });
    // A data directory that never finished initializing would make the next start fail in a confusing way.
    if (createdHere) await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** `pg` finds a server's socket as `<host>/.s.PGSQL.<port>`. */
const socketPort = 5432;
const socketName = `.s.PGSQL.${socketPort}`;
/** A Unix socket's path must fit in 108 bytes (sun_path), with its terminating zero. */
const maxSocketPath = 107;

/**
 * A new directory only this user can enter, with a path short enough for a socket: in the system's
 * temporary directory, or in /tmp when TMPDIR is itself too deep.
 */
async function privateSocketDirectory(): Promise<string> {
  for (const parent of [...new Set([tmpdir(), '/tmp'])]) {
    if (Buffer.byteLength(join(parent, 'flightiq-XXXXXX', socketName)) > maxSocketPath) continue;
    const made = await mkdtemp(join(parent, 'flightiq-'));
    // mkdtemp makes it 0700 already; said again so that a umask or platform cannot loosen it.
    await chmod(made, 0o700);
    return made;
  }
  throw new Error(
    `no temporary directory has a path short enough for the embedded database's socket (TMPDIR=${tmpdir()}); set TMPDIR to a short path such as /tmp, or set DATABASE_URL`,
  );
}

/** The data directory and everything in it: directories 0700, files 0600. */
async function makePrivate(dir: string): Promise<void> {
  await chmod(dir, 0o700);
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isDirectory()) await chmod(path, 0o700);
    else if (entry.isFile()) await chmod(path, 0o600);
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
