import type { SealedSecret } from '../crypto/sealed-secret.js';
import type { AuthMethod, Region } from '../pingone/regions.js';
import type { Queryable } from './queryable.js';

/** What an admin enters for a tenant, secret excluded. */
export interface TenantSettings {
  name: string;
  region: Region;
  environmentId: string;
  clientId: string;
  authMethod: AuthMethod;
}

/**
 * What a sealed secret's associated data covers: 1, the tenant's id; 2, the id and where the secret is
 * sent (core/tenants/service.ts says which fields).
 */
export type SecretBinding = 1 | 2;

export interface TenantRecord extends TenantSettings {
  id: string;
  secret: SealedSecret;
  secretBinding: SecretBinding;
  secretFingerprint: string;
  lastTest: { outcome: 'passed' | 'failed'; summary: string | null; at: Date } | null;
  createdAt: Date;
  createdBy: string;
  updatedAt: Date;
  updatedBy: string;
  version: number;
}

const columns = `id, name, region, environment_id, client_id, auth_method, secret_key_id, secret_ciphertext,
  secret_binding, secret_fingerprint, last_test_outcome, last_test_summary, last_tested_at, created_at, created_by, updated_at,
  updated_by, version`;

function toRecord(row: Record<string, unknown>): TenantRecord {
  return {
    id: row.id as string,
    name: row.name as string,
    region: row.region as Region,
    environmentId: row.environment_id as string,
    clientId: row.client_id as string,
    authMethod: row.auth_method as AuthMethod,
    secret: { keyId: row.secret_key_id as string, ciphertext: row.secret_ciphertext as Buffer },
    secretBinding: Number(row.secret_binding) === 2 ? 2 : 1,
    secretFingerprint: row.secret_fingerprint as string,
    lastTest: row.last_test_outcome
      ? {
          outcome: row.last_test_outcome as 'passed' | 'failed',
          summary: (row.last_test_summary as string | null) ?? null,
          at: row.last_tested_at as Date,
        }
      : null,
    createdAt: row.created_at as Date,
    createdBy: row.created_by as string,
    updatedAt: row.updated_at as Date,
    updatedBy: row.updated_by as string,
    version: row.version as number,
  };
}

export async function insertTenant(
  db: Queryable,
  tenant: TenantSettings & {
    id: string;
    secret: SealedSecret;
    secretBinding: SecretBinding;
    secretFingerprint: string;
    actorId: string;
  },
): Promise<TenantRecord> {
  const { rows } = await db.query(
    `INSERT INTO tenants (id, name, region, environment_id, client_id, auth_method, secret_key_id,
                          secret_ciphertext, secret_fingerprint, created_by, updated_by, secret_binding)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11)
     RETURNING ${columns}`,
    [
      tenant.id,
      tenant.name,
      tenant.region,
      tenant.environmentId,
      tenant.clientId,
      tenant.authMethod,
      tenant.secret.keyId,
      tenant.secret.ciphertext,
      tenant.secretFingerprint,
      tenant.actorId,
      tenant.secretBinding,
    ],
  );
  return toRecord(rows[0]);
}

/**
 * Updates a tenant only if it is still at `expectedVersion`: two admins editing at once, or a form
 * submitted after someone else's change, must not overwrite each other silently. Resolves to null when
 * the tenant is gone or has changed.
 */
export async function updateTenant(
  db: Queryable,
  id: string,
  expectedVersion: number,
  change: TenantSettings & {
    secret?: { sealed: SealedSecret; binding: SecretBinding };
    secretFingerprint?: string;
    actorId: string;
  },
): Promise<TenantRecord | null> {
  const { rows } = await db.query(
    `UPDATE tenants SET name = $3, region = $4, environment_id = $5, client_id = $6, auth_method = $7,
            secret_key_id = COALESCE($8, secret_key_id), secret_ciphertext = COALESCE($9, secret_ciphertext),
            secret_binding = COALESCE($12, secret_binding), secret_fingerprint = COALESCE($10, secret_fingerprint),
            -- a test result says nothing about credentials that have since changed
            last_test_outcome = NULL, last_test_summary = NULL, last_tested_at = NULL,
            updated_at = now(), updated_by = $11, version = version + 1
      WHERE id = $1 AND version = $2
      RETURNING ${columns}`,
    [
      id,
      expectedVersion,
      change.name,
      change.region,
      change.environmentId,
      change.clientId,
      change.authMethod,
      change.secret?.sealed.keyId ?? null,
      change.secret?.sealed.ciphertext ?? null,
      change.secretFingerprint ?? null,
      change.actorId,
      change.secret?.binding ?? null,
    ],
  );
  return rows[0] ? toRecord(rows[0]) : null;
}

/** Replaces the sealed form of a secret (key rotation) without touching anything a person entered. */
export async function resealTenantSecret(
  db: Queryable,
  id: string,
  secret: SealedSecret,
  binding: SecretBinding,
): Promise<void> {
  await db.query(
    'UPDATE tenants SET secret_key_id = $2, secret_ciphertext = $3, secret_binding = $4 WHERE id = $1',
    [id, secret.keyId, secret.ciphertext, binding],
  );
}

export async function deleteTenant(db: Queryable, id: string): Promise<TenantRecord | null> {
  const { rows } = await db.query(`DELETE FROM tenants WHERE id = $1 RETURNING ${columns}`, [id]);
  return rows[0] ? toRecord(rows[0]) : null;
}

export async function listTenants(db: Queryable, { forUpdate = false } = {}): Promise<TenantRecord[]> {
  const { rows } = await db.query(
    `SELECT ${columns} FROM tenants ORDER BY lower(name)${forUpdate ? ' FOR UPDATE' : ''}`,
  );
  return rows.map(toRecord);
}

export async function findTenantByName(db: Queryable, name: string): Promise<TenantRecord | null> {
  const { rows } = await db.query(`SELECT ${columns} FROM tenants WHERE lower(name) = lower($1)`, [name]);
  return rows[0] ? toRecord(rows[0]) : null;
}

export async function findTenantById(db: Queryable, id: string): Promise<TenantRecord | null> {
  const { rows } = await db.query(`SELECT ${columns} FROM tenants WHERE id = $1`, [id]);
  return rows[0] ? toRecord(rows[0]) : null;
}

/** Stores the outcome of a credential check; `summary` is a short, secret-free sentence. */
/**
 * Stores a test's outcome on the tenant only while it is still at `version`, the credentials the test
 * used: a test that was running when an admin edited the tenant says nothing about the new credentials.
 * False when it was not stored (edited or removed since).
 */
export async function recordTenantTest(
  db: Queryable,
  tested: { id: string; version: number },
  outcome: 'passed' | 'failed',
  summary: string,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE tenants SET last_test_outcome = $2, last_test_summary = $3, last_tested_at = now()
      WHERE id = $1 AND version = $4`,
    [tested.id, outcome, summary.slice(0, 500), tested.version],
  );
  return (rowCount ?? 0) > 0;
}
