import { statSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AccessPolicy, noWorkspaceDirectory } from '../../src/core/access.js';
import { TenantSecretUnavailableError, TenantService } from '../../src/core/tenants/service.js';
import { loadOrCreateKeyFile } from '../../src/crypto/key-file.js';
import { parseKeyRing } from '../../src/crypto/key-ring.js';
import { seal } from '../../src/crypto/sealed-secret.js';
import { type Database, openDatabase } from '../../src/db/database.js';
import { createLogger } from '../../src/logger.js';
import { createEmbeddedTestDatabase, createTestDatabase, type TestDatabase } from '../support/database.js';
import { validTenant } from '../support/tenant-form.js';

const logger = createLogger({ level: 'silent', pretty: false });
const k1 = `k1:${Buffer.alloc(32, 1).toString('base64')}`;
const k2 = `k2:${Buffer.alloc(32, 2).toString('base64')}`;
const admin = { userId: 'U0ADMIN0001' };
const access = new AccessPolicy({
  admins: [admin.userId],
  teamId: 'T1',
  directory: noWorkspaceDirectory,
});

let testDb: TestDatabase;
let database: Database;
const service = (keys: string) =>
  new TenantService({ pool: database.pool, keys: parseKeyRing(keys), access, logger });

beforeAll(async () => {
  testDb = await createTestDatabase();
  database = await openDatabase(
    { url: testDb.env.DATABASE_URL, dataDir: testDb.env.FLIGHTIQ_DATA_DIR ?? '.unused', poolMax: 4 },
    logger,
  );
});
afterAll(async () => {
  await database?.close();
  await testDb?.drop();
});
beforeEach(async () => {
  await database.pool.query('DELETE FROM tenants');
});

async function addTwo(tenants: TenantService) {
  const a = await tenants.add(admin, { ...validTenant, name: 'A', clientSecret: 'secret-of-a' });
  const b = await tenants.add(admin, { ...validTenant, name: 'B', clientSecret: 'secret-of-b' });
  if (a.outcome !== 'saved' || b.outcome !== 'saved') throw new Error('setup failed');
  return [a.tenant.id, b.tenant.id] as const;
}

describe('stored client secrets', () => {
  it('open back to what was entered', async () => {
    const tenants = service(k1);
    const [a, b] = await addTwo(tenants);
    expect(await tenants.openClientSecret(a)).toBe('secret-of-a');
    expect(await tenants.openClientSecret(b)).toBe('secret-of-b');
  });

  it("copied to another tenant's row, fail to open with a message naming the tenant and the fix", async () => {
    const tenants = service(k1);
    const [a, b] = await addTwo(tenants);
    await database.pool.query(
      'UPDATE tenants SET secret_ciphertext = (SELECT secret_ciphertext FROM tenants WHERE id = $1) WHERE id = $2',
      [a, b],
    );
    const failure = tenants.openClientSecret(b);
    await expect(failure).rejects.toBeInstanceOf(TenantSecretUnavailableError);
    await expect(failure).rejects.toThrow(
      'The client secret of tenant "B" cannot be opened: the stored value was altered or copied from another tenant. Enter the secret again with /flightiq tenant edit B.',
    );
  });

  it('with one byte flipped, fail to open', async () => {
    const tenants = service(k1);
    const [a] = await addTwo(tenants);
    await database.pool.query(
      `UPDATE tenants SET secret_ciphertext = set_byte(secret_ciphertext, 20, get_byte(secret_ciphertext, 20) # 1) WHERE id = $1`,
      [a],
    );
    await expect(tenants.openClientSecret(a)).rejects.toThrow('cannot be opened');
  });
});

describe('key rotation', () => {
  it('re-seals every secret under the new key, after which the old key can be removed', async () => {
    const [a, b] = await addTwo(service(k1));
    const result = await service(`${k2},${k1}`).rotateKeys('operator:test');
    expect(result).toEqual({ resealed: 2, keyId: 'k2' });
    const { rows } = await database.pool.query('SELECT DISTINCT secret_key_id FROM tenants');
    expect(rows).toEqual([{ secret_key_id: 'k2' }]);
    const newOnly = service(k2);
    expect(await newOnly.openClientSecret(a)).toBe('secret-of-a');
    expect(await newOnly.openClientSecret(b)).toBe('secret-of-b');
    const audit = await database.pool.query(
      "SELECT actor_id, details FROM audit_events WHERE action = 'keys.rotate'",
    );
    expect(audit.rows.at(-1)).toEqual({ actor_id: 'operator:test', details: { resealed: 2, keyId: 'k2' } });
  });

  it('changes nothing when one secret cannot be opened', async () => {
    const [a, b] = await addTwo(service(k1));
    await database.pool.query(
      'UPDATE tenants SET secret_ciphertext = (SELECT secret_ciphertext FROM tenants WHERE id = $1) WHERE id = $2',
      [a, b],
    );
    await expect(service(`${k2},${k1}`).rotateKeys('operator:test')).rejects.toBeInstanceOf(
      TenantSecretUnavailableError,
    );
    const { rows } = await database.pool.query('SELECT DISTINCT secret_key_id FROM tenants');
    expect(rows).toEqual([{ secret_key_id: 'k1' }]);
  });

  it('fails with the missing key named when the old key was dropped too early', async () => {
    const [a] = await addTwo(service(k1));
    await expect(service(k2).openClientSecret(a)).rejects.toThrow(
      'sealed under key "k1", which is not in FLIGHTIQ_ENCRYPTION_KEYS',
    );
  });
});

describe('the generated key of the embedded database', () => {
  it('is created once, readable by its owner only, with a warning', async () => {
    const embedded = createEmbeddedTestDatabase();
    const dir = embedded.env.FLIGHTIQ_DATA_DIR ?? '';
    const lines: string[] = [];
    const capture = createLogger(
      { level: 'info', pretty: false },
      new Writable({ write: (chunk, _e, done) => done(void lines.push(String(chunk))) }),
    );
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir, { recursive: true });
    const first = await loadOrCreateKeyFile(dir, capture);
    const second = await loadOrCreateKeyFile(dir, capture);
    expect(second.sealingKeyId).toBe(first.sealingKeyId);
    expect(statSync(join(dir, 'encryption-keys')).mode & 0o777).toBe(0o600);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('generated an encryption key in the data directory');
    await embedded.drop();
  });
});

describe('what a secret is bound to', () => {
  it("does not open once the region it is sent to was changed behind FlightIQ's back", async () => {
    const tenants = service(k1);
    const [a] = await addTwo(tenants);
    await database.pool.query("UPDATE tenants SET region = 'com' WHERE id = $1", [a]);
    await expect(tenants.openClientSecret(a)).rejects.toBeInstanceOf(TenantSecretUnavailableError);
  });

  it('opens a secret sealed the first way (the id alone), and seals it again bound when keys rotate', async () => {
    const tenants = service(k1);
    const [a] = await addTwo(tenants);
    const ring = parseKeyRing(k1);
    const sealed = seal(ring, 'secret-of-a', a ?? '');
    await database.pool.query(
      'UPDATE tenants SET secret_ciphertext = $2, secret_key_id = $3, secret_binding = 1 WHERE id = $1',
      [a, sealed.ciphertext, sealed.keyId],
    );
    expect(await tenants.openClientSecret(a ?? '')).toBe('secret-of-a');
    expect(await tenants.rotateKeys('operator:test')).toEqual({ resealed: 1, keyId: 'k1' });
    const { rows } = await database.pool.query('SELECT secret_binding FROM tenants WHERE id = $1', [a]);
    expect(rows[0].secret_binding).toBe(2);
    expect(await tenants.openClientSecret(a ?? '')).toBe('secret-of-a');
  });
});
