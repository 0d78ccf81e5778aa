import { chmodSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { EmbeddedDatabaseBusyError } from '../../src/db/embedded.js';
import { migrationsDir } from '../../src/db/migrate.js';
import { createLogger } from '../../src/logger.js';
import {
  createEmbeddedTestDatabase,
  createTestDatabase,
  needsPostgres,
  type TestDatabase,
} from '../support/database.js';

const logger = createLogger({ level: 'silent', pretty: false });
const allMigrations = readdirSync(migrationsDir)
  .filter((file) => file.endsWith('.sql'))
  .map((file) => file.replace(/\.sql$/, ''))
  .sort();
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function fresh(kind: 'auto' | 'embedded' = 'auto'): Promise<TestDatabase> {
  const database = kind === 'embedded' ? createEmbeddedTestDatabase() : await createTestDatabase();
  cleanup.push(() => database.drop());
  return database;
}

function settings(database: TestDatabase) {
  return { url: database.env.DATABASE_URL, dataDir: database.env.FLIGHTIQ_DATA_DIR ?? '.unused', poolMax: 4 };
}

describe('migrations', () => {
  it('apply every migration on a new database, and nothing the second time', async () => {
    const database = await fresh();
    const first = await openDatabase(settings(database), logger);
    await first.close();
    const second = await openDatabase(settings(database), logger);
    cleanup.push(() => second.close());
    const { rows } = await second.pool.query('SELECT name FROM pgmigrations ORDER BY id');
    expect(rows.map((row) => row.name)).toEqual(allMigrations);
    expect(allMigrations[0]).toBe('1763880000000_audit-events');
    await second.pool.query(
      "INSERT INTO audit_events (actor_id, action, outcome) VALUES ('U1', 'test.run', 'succeeded')",
    );
    const audit = await second.pool.query('SELECT actor_id, action, outcome FROM audit_events');
    expect(audit.rows).toEqual([{ actor_id: 'U1', action: 'test.run', outcome: 'succeeded' }]);
  });

  it.runIf(needsPostgres('two replicas starting together migrate once'))(
    'run once when two replicas start together on one PostgreSQL',
    async () => {
      const database = await fresh();
      const replicas = await Promise.all([
        openDatabase(settings(database), logger),
        openDatabase(settings(database), logger),
      ]);
      for (const replica of replicas) cleanup.push(() => replica.close());
      const { rows } = await replicas[0].pool.query('SELECT count(*)::int AS n FROM pgmigrations');
      expect(rows[0].n).toBe(allMigrations.length);
    },
  );

  it('refuse an outcome that is not succeeded, refused or failed', async () => {
    const database = await fresh();
    const db = await openDatabase(settings(database), logger);
    cleanup.push(() => db.close());
    await expect(
      db.pool.query("INSERT INTO audit_events (actor_id, action, outcome) VALUES ('U1', 'x', 'maybe')"),
    ).rejects.toThrow(/check constraint/);
  });
});

describe('the embedded database', () => {
  it('keeps its data across restarts', async () => {
    const database = await fresh('embedded');
    const first = await openDatabase(settings(database), logger);
    expect(first.kind).toBe('embedded');
    await first.pool.query(
      "INSERT INTO audit_events (actor_id, action, outcome) VALUES ('U1', 'kept', 'succeeded')",
    );
    await first.close();
    const second = await openDatabase(settings(database), logger);
    cleanup.push(() => second.close());
    const { rows } = await second.pool.query('SELECT action FROM audit_events');
    expect(rows).toEqual([{ action: 'kept' }]);
    await expect(second.ping()).resolves.toBeUndefined();
  });

  it('serves several connections, running a transaction whole before another connection goes on', async () => {
    const database = await fresh('embedded');
    const db = await openDatabase({ ...settings(database), poolMax: 4 }, logger);
    cleanup.push(() => db.close());
    const writer = await db.pool.connect();
    const reader = await db.pool.connect();
    try {
      await writer.query('BEGIN');
      await writer.query(
        "INSERT INTO audit_events (actor_id, action, outcome) VALUES ('U1', 'in-tx', 'succeeded')",
      );
      // PGlite is one session: the other connection's query waits for the transaction instead of seeing half of it.
      const seen = reader.query("SELECT count(*)::int AS n FROM audit_events WHERE action = 'in-tx'");
      await new Promise((resolve) => setTimeout(resolve, 200));
      await writer.query('COMMIT');
      expect((await seen).rows[0].n).toBe(1);
    } finally {
      writer.release();
      reader.release();
    }
  });

  it('serves even a deep data directory on a private Unix socket, never TCP, and makes the directory private', async () => {
    const base = (await fresh('embedded')).env.FLIGHTIQ_DATA_DIR ?? '';
    const dataDir = join(base, 'a'.repeat(60), 'b'.repeat(60));
    expect(dataDir.length).toBeGreaterThan(120);
    // As an older version, a copy or a loose umask may have left it: readable by everyone.
    mkdirSync(dataDir, { recursive: true, mode: 0o755 });
    chmodSync(dataDir, 0o755);
    writeFileSync(join(dataDir, 'flightiq.key'), 'not a real key', { mode: 0o644 });
    const db = await openDatabase({ ...settings({ env: {} } as TestDatabase), dataDir }, logger);
    cleanup.push(() => db.close());
    await expect(db.ping()).resolves.toBeUndefined();

    const host = String((db.pool as unknown as { options: { host: string } }).options.host);
    expect(host.startsWith('/')).toBe(true);
    expect(statSync(host).mode & 0o777).toBe(0o700);
    expect(statSync(join(host, '.s.PGSQL.5432')).isSocket()).toBe(true);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dataDir, 'flightiq.key')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, 'pgdata')).mode & 0o777).toBe(0o700);
  });

  it('refuses a second process on the same directory, naming it', async () => {
    const database = await fresh('embedded');
    const dataDir = database.env.FLIGHTIQ_DATA_DIR ?? '';
    mkdirSync(dataDir, { recursive: true });
    // PID 1 is always alive and never ours: another process holds the directory.
    writeFileSync(join(dataDir, 'flightiq.pid'), '1');
    await expect(openDatabase(settings(database), logger)).rejects.toBeInstanceOf(EmbeddedDatabaseBusyError);
  });

  it('takes over a lock left by a process that died', async () => {
    const database = await fresh('embedded');
    const dataDir = database.env.FLIGHTIQ_DATA_DIR ?? '';
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, 'flightiq.pid'), '999999999');
    const db = await openDatabase(settings(database), logger);
    cleanup.push(() => db.close());
    await expect(db.ping()).resolves.toBeUndefined();
  });
});
