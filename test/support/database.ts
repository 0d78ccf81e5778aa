import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';

/**
 * Each test file gets a database of its own: a fresh PostgreSQL database on TEST_DATABASE_URL, created
 * here and dropped afterwards. Where no PostgreSQL server is reachable (and CI is not set; global setup
 * refuses that), the same tests run on an embedded database in a temporary directory instead.
 */

export const postgresAvailable = (): boolean => inject('postgresAvailable');

export interface TestDatabase {
  /** Environment for the app: DATABASE_URL, or FLIGHTIQ_DATA_DIR for the embedded database. */
  env: Record<string, string>;
  kind: 'postgres' | 'embedded';
  /** A direct pool on the same database, for assertions on what the app wrote. Not for the embedded kind. */
  pool?: pg.Pool;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  if (!postgresAvailable()) return createEmbeddedTestDatabase();
  const adminUrl = inject('postgresUrl');
  const name = `flightiq_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 4 });
  return {
    env: { DATABASE_URL: url.toString() },
    kind: 'postgres',
    pool,
    async drop() {
      await pool.end();
      const cleaner = new pg.Client({ connectionString: adminUrl });
      await cleaner.connect();
      await cleaner.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleaner.end();
    },
  };
}

export function createEmbeddedTestDatabase(): TestDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'flightiq-test-'));
  return {
    env: { FLIGHTIQ_DATA_DIR: join(dir, 'data') },
    kind: 'embedded',
    async drop() {
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Marks a test that only means something on a real PostgreSQL server (several connections racing,
 * server restarts). Without one it is reported by name at the end of the run instead of passing quietly.
 */
export function needsPostgres(testName: string): boolean {
  if (postgresAvailable()) return true;
  appendFileSync(inject('skippedLog'), `${testName}\n`);
  return false;
}
