import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AccessPolicy, noWorkspaceDirectory } from '../../src/core/access.js';
import { TenantService } from '../../src/core/tenants/service.js';
import { parseKeyRing } from '../../src/crypto/key-ring.js';
import { type Database, openDatabase } from '../../src/db/database.js';
import { createLogger } from '../../src/logger.js';
import { childEnv } from '../support/child-env.js';
import { createTestDatabase, needsPostgres, type TestDatabase } from '../support/database.js';
import { validTenant } from '../support/tenant-form.js';

const repo = resolve(import.meta.dirname, '../..');
const k1 = `k1:${Buffer.alloc(32, 1).toString('base64')}`;
const k2 = `k2:${Buffer.alloc(32, 2).toString('base64')}`;
const canary = `canary-rotation-${Date.now()}`;
let testDb: TestDatabase;
let database: Database;

const realPostgres = needsPostgres('npm run rotate-keys against PostgreSQL');

beforeAll(async () => {
  if (!realPostgres) return;
  testDb = await createTestDatabase();
  const logger = createLogger({ level: 'silent', pretty: false });
  database = await openDatabase({ url: testDb.env.DATABASE_URL, dataDir: '.unused', poolMax: 2 }, logger);
  const access = new AccessPolicy({ admins: ['U1'], teamId: 'T1', directory: noWorkspaceDirectory });
  const tenants = new TenantService({ pool: database.pool, keys: parseKeyRing(k1), access, logger });
  await tenants.add({ userId: 'U1' }, { ...validTenant, clientSecret: canary });
});

afterAll(async () => {
  await database?.close();
  await testDb?.drop();
});

it.runIf(realPostgres)(
  'npm run rotate-keys re-seals under the first key and prints counts and key ids only',
  async () => {
    const child = spawn(
      process.execPath,
      ['--import', import.meta.resolve('tsx'), join(repo, 'src/cli/rotate-keys.ts')],
      {
        env: childEnv({
          DATABASE_URL: testDb.env.DATABASE_URL,
          FLIGHTIQ_ENCRYPTION_KEYS: `${k2},${k1}`,
          LOG_LEVEL: 'info',
        }),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += String(chunk);
    });
    child.stderr.on('data', (chunk) => {
      output += String(chunk);
    });
    const code = await new Promise((done) => child.on('exit', done));
    expect(code).toBe(0);
    expect(output).toContain(
      'Re-sealed 1 client secret(s) under key k2. Keys k1 are no longer used and can be removed from FLIGHTIQ_ENCRYPTION_KEYS.',
    );
    expect(output).not.toContain(canary);
    const { rows } = await database.pool.query('SELECT secret_key_id FROM tenants');
    expect(rows).toEqual([{ secret_key_id: 'k2' }]);
  },
);
