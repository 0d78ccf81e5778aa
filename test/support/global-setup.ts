import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresAvailable: boolean;
    postgresUrl: string;
    skippedLog: string;
  }
}

const defaultUrl = 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * Finds out once per run whether PostgreSQL is reachable. Under CI it must be: nothing may be left out.
 * On a laptop without it the run goes on with the embedded database and ends with one line naming the
 * tests it could not run.
 */
export default async function setup(project: TestProject) {
  const url = process.env.TEST_DATABASE_URL || defaultUrl;
  const reason = await probe(url);
  if (reason && process.env.CI === 'true') {
    throw new Error(
      `CI=true but PostgreSQL is not reachable at ${redact(url)} (${reason}); start it or set TEST_DATABASE_URL`,
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'flightiq-skipped-'));
  const skippedLog = join(dir, 'skipped.txt');
  writeFileSync(skippedLog, '');
  project.provide('postgresAvailable', reason === undefined);
  project.provide('postgresUrl', url);
  project.provide('skippedLog', skippedLog);

  return () => {
    const skipped = [...new Set(readFileSync(skippedLog, 'utf8').split('\n').filter(Boolean))];
    rmSync(dir, { recursive: true, force: true });
    if (reason) {
      process.stdout.write(
        `PostgreSQL not reachable at ${redact(url)} (${reason}): database tests ran on the embedded database; could not run ${skipped.length}: ${skipped.join('; ') || 'none'}\n`,
      );
    }
  };
}

async function probe(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return (error as Error).message || String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
