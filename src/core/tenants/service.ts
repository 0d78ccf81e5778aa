import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { KeyRing } from '../../crypto/key-ring.js';
import { open, SecretOpenError, seal } from '../../crypto/sealed-secret.js';
import type { Logger } from '../../logger.js';
import type { WorkerCredentials } from '../../pingone/client.js';
import { recordAuditEvent } from '../../store/audit-events.js';
import { activePromotionsOf, countPromotionsOf } from '../../store/promotions.js';
import { inTransaction, isUniqueViolation } from '../../store/queryable.js';
import {
  deleteTenant,
  findTenantById,
  findTenantByName,
  insertTenant,
  listTenants,
  resealTenantSecret,
  type SecretBinding,
  type TenantRecord,
  type TenantSettings,
  updateTenant,
} from '../../store/tenants.js';
import type { AccessPolicy, Actor } from '../access.js';
import {
  isUuid,
  type RawTenantInput,
  secretFingerprint,
  type TenantField,
  type TenantInput,
  validateTenantInput,
} from './input.js';

/** A tenant as anyone may see it: everything but the sealed secret. */
export type Tenant = Omit<TenantRecord, 'secret'>;

export type Refused = { outcome: 'refused' };
export type Invalid = { outcome: 'invalid'; errors: Partial<Record<TenantField, string>> };

export type AddResult = Refused | Invalid | { outcome: 'saved'; tenant: Tenant };
export type EditResult =
  | Refused
  | Invalid
  | { outcome: 'not_found' }
  | { outcome: 'conflict'; tenant: Tenant }
  | { outcome: 'saved'; tenant: Tenant; changed: TenantField[] };
export type RemoveResult =
  | Refused
  | { outcome: 'not_found' }
  /** Promotions of the tenant wait or run: removing it would leave them without credentials mid-way. */
  | {
      outcome: 'busy';
      tenant: string;
      promotions: { id: string; flowName: string; toEnvName: string; status: string }[];
    }
  | { outcome: 'removed'; tenant: Tenant; promotionsKept: number };

/** A stored secret that cannot be opened; the message names the tenant and what to do, never the secret. */
export class TenantSecretUnavailableError extends Error {
  override name = 'TenantSecretUnavailableError';
  constructor(
    readonly tenant: string,
    readonly failure: SecretOpenError,
  ) {
    super(
      failure.reason === 'unknown_key'
        ? `The client secret of tenant "${tenant}" is sealed under key "${failure.keyId}", which is not in FLIGHTIQ_ENCRYPTION_KEYS: add that key back, or enter the secret again with /flightiq tenant edit ${tenant}.`
        : `The client secret of tenant "${tenant}" cannot be opened: the stored value was altered or copied from another tenant. Enter the secret again with /flightiq tenant edit ${tenant}.`,
    );
  }
}

export interface TenantServiceDeps {
  pool: pg.Pool;
  keys: KeyRing;
  access: AccessPolicy;
  logger: Logger;
  /** Told when a tenant's credentials change or go, so tokens minted with the old ones are dropped. */
  credentialsChanged?: (tenantId: string) => void;
}

/**
 * Tenants: PingOne worker-app credentials. Every change is made by an admin (checked here, whatever
 * front end asked), sealed before it reaches the database, and audited in the same transaction.
 */
export class TenantService {
  constructor(private readonly deps: TenantServiceDeps) {}

  /** Records an attempt someone was not allowed to make (a read command by a non-reader, say). */
  async auditRefusal(
    actor: Actor,
    action: string,
    tenant: string | undefined,
    reason: string,
  ): Promise<void> {
    await recordAuditEvent(this.deps.pool, {
      actorId: actor.userId,
      teamId: actor.teamId,
      action,
      tenant,
      outcome: 'refused',
      details: { reason },
    });
  }

  async list(): Promise<Tenant[]> {
    return (await listTenants(this.deps.pool)).map(withoutSecret);
  }

  async findByName(name: string): Promise<Tenant | null> {
    // Saved names are at most 64 visible characters; anything else (a NUL byte Postgres would refuse)
    // names no tenant.
    if (name.length > 64 || /[\p{Cc}\p{Cf}]/u.test(name)) return null;
    const record = await findTenantByName(this.deps.pool, name);
    return record ? withoutSecret(record) : null;
  }

  async findById(id: string): Promise<Tenant | null> {
    if (!isUuid(id)) return null;
    const record = await findTenantById(this.deps.pool, id);
    return record ? withoutSecret(record) : null;
  }

  /** How to act as this tenant's worker app; the secret is opened only when a token is minted. */
  credentialsOf(tenant: Tenant): WorkerCredentials {
    return {
      // The row's version changes with every edit, so a token minted with the credentials before an
      // edit is never used after it, on any replica (each reads the tenant anew per command).
      cacheKey: `${tenant.id}#${tenant.version}`,
      region: tenant.region,
      environmentId: tenant.environmentId,
      clientId: tenant.clientId,
      authMethod: tenant.authMethod,
      secret: () => this.openClientSecret(tenant.id),
    };
  }

  /**
   * Checks a form before anything slow happens (the form's answer is due within 3 s): the admin right
   * and every field. Resolves to the valid input and the credentials it describes; an empty secret on
   * an edit means the stored one.
   */
  async prepare(
    actor: Actor,
    raw: RawTenantInput,
    target: { mode: 'add' } | { mode: 'edit'; tenantId: string },
  ): Promise<Refused | Invalid | { outcome: 'ready'; input: TenantInput; credentials: WorkerCredentials }> {
    const current = target.mode === 'edit' ? await this.findById(target.tenantId) : null;
    const action = target.mode === 'add' ? 'tenant.add' : 'tenant.edit';
    if (!(await this.authorizeAdmin(actor, action, current?.name ?? (raw.name?.trim() || undefined)))) {
      return { outcome: 'refused' };
    }
    const checked = validateTenantInput(raw, target.mode);
    if (!checked.ok) return { outcome: 'invalid', errors: checked.errors };
    const input = checked.value;
    const typed = input.clientSecret;
    const storedId = current?.id;
    return {
      outcome: 'ready',
      input,
      credentials: {
        region: input.region,
        environmentId: input.environmentId,
        clientId: input.clientId,
        authMethod: input.authMethod,
        secret: async () => {
          if (typed) return typed;
          if (!storedId) throw new Error('no client secret to test');
          return this.openClientSecret(storedId);
        },
      },
    };
  }

  /**
   * Whether another tenant already has this name, if the database says so within `withinMs`; undefined
   * when it does not answer in time (the save's own uniqueness check still holds then).
   */
  async nameTaken(
    name: string,
    exceptTenantId: string | undefined,
    withinMs: number,
  ): Promise<boolean | undefined> {
    const lookup = findTenantByName(this.deps.pool, name).then((found) =>
      Boolean(found && found.id !== exceptTenantId),
    );
    lookup.catch(() => undefined);
    return Promise.race([
      lookup,
      new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), withinMs).unref()),
    ]);
  }

  /**
   * The one rule of every read (test, envs, list, diff, promotions, tenant list, a diff's pages, an
   * alert's Test again): readers only. True for them; for anyone else, audits the refused attempt
   * (under `action`) and returns false.
   */
  async authorizeReader(actor: Actor, action: string, tenant?: string): Promise<boolean> {
    if (await this.deps.access.canRead(actor)) return true;
    await this.auditRefusal(actor, action, tenant, 'not a reader');
    return false;
  }

  /** True for admins; for anyone else, audits the refused attempt and returns false. */
  async authorizeAdmin(actor: Actor, action: string, tenant?: string): Promise<boolean> {
    if (await this.deps.access.isAdmin(actor)) return true;
    await recordAuditEvent(this.deps.pool, {
      actorId: actor.userId,
      teamId: actor.teamId,
      action,
      tenant,
      outcome: 'refused',
      details: { reason: 'not an admin' },
    });
    return false;
  }

  async add(actor: Actor, raw: RawTenantInput): Promise<AddResult> {
    if (!(await this.authorizeAdmin(actor, 'tenant.add', raw.name?.trim() || undefined)))
      return { outcome: 'refused' };
    const checked = validateTenantInput(raw, 'add');
    if (!checked.ok) return { outcome: 'invalid', errors: checked.errors };
    const input = checked.value;
    // biome-ignore lint/style/noNonNullAssertion: validation requires a secret when adding
    const secret = input.clientSecret!;
    const id = randomUUID();
    try {
      const record = await inTransaction(this.deps.pool, async (client) => {
        const saved = await insertTenant(client, {
          ...settingsOf(input),
          id,
          secret: seal(this.deps.keys, secret, boundTo({ id, ...settingsOf(input) }, 2)),
          secretBinding: 2,
          secretFingerprint: secretFingerprint(secret),
          actorId: actor.userId,
        });
        await recordAuditEvent(client, {
          actorId: actor.userId,
          teamId: actor.teamId,
          action: 'tenant.add',
          tenant: saved.name,
          outcome: 'succeeded',
          details: { region: saved.region, authMethod: saved.authMethod },
        });
        return saved;
      });
      return { outcome: 'saved', tenant: withoutSecret(record) };
    } catch (error) {
      if (isUniqueViolation(error)) return nameTaken(input.name);
      throw error;
    }
  }

  async edit(
    actor: Actor,
    tenantId: string,
    expectedVersion: number,
    raw: RawTenantInput,
  ): Promise<EditResult> {
    const current = isUuid(tenantId) ? await findTenantById(this.deps.pool, tenantId) : null;
    if (!(await this.authorizeAdmin(actor, 'tenant.edit', current?.name))) return { outcome: 'refused' };
    if (!current) return { outcome: 'not_found' };
    const checked = validateTenantInput(raw, 'edit');
    if (!checked.ok) return { outcome: 'invalid', errors: checked.errors };
    const input = checked.value;
    const changed = changedFields(current, input);
    try {
      const result = await inTransaction(this.deps.pool, async (client) => {
        const next = { id: current.id, ...settingsOf(input) };
        // The secret is sealed again whenever what it is bound to changes (or it has the old binding),
        // so the stored secret always opens for exactly this tenant's region, environment and client.
        const kept = input.clientSecret ? undefined : openSecretOf(this.deps.keys, current);
        const rebind =
          kept !== undefined && (current.secretBinding !== 2 || boundTo(current, 2) !== boundTo(next, 2));
        const secret = input.clientSecret ?? (rebind ? kept : undefined);
        const saved = await updateTenant(client, current.id, expectedVersion, {
          ...settingsOf(input),
          ...(secret !== undefined
            ? { secret: { sealed: seal(this.deps.keys, secret, boundTo(next, 2)), binding: 2 as const } }
            : {}),
          ...(input.clientSecret ? { secretFingerprint: secretFingerprint(input.clientSecret) } : {}),
          actorId: actor.userId,
        });
        if (!saved) return null;
        await recordAuditEvent(client, {
          actorId: actor.userId,
          teamId: actor.teamId,
          action: 'tenant.edit',
          tenant: saved.name,
          outcome: 'succeeded',
          details: { changed, ...(current.name !== saved.name ? { previousName: current.name } : {}) },
        });
        return saved;
      });
      if (!result) {
        const now = await findTenantById(this.deps.pool, current.id);
        return now ? { outcome: 'conflict', tenant: withoutSecret(now) } : { outcome: 'not_found' };
      }
      this.deps.credentialsChanged?.(result.id);
      return { outcome: 'saved', tenant: withoutSecret(result), changed };
    } catch (error) {
      if (isUniqueViolation(error)) return nameTaken(input.name);
      throw error;
    }
  }

  async remove(actor: Actor, tenantId: string): Promise<RemoveResult> {
    const current = await this.findById(tenantId);
    if (!(await this.authorizeAdmin(actor, 'tenant.remove', current?.name))) return { outcome: 'refused' };
    if (!current) return { outcome: 'not_found' };
    const removed = await inTransaction(this.deps.pool, async (client) => {
      // Locked while the tenant goes: a waiting promotion cannot be claimed in between.
      const active = await activePromotionsOf(client, current.id);
      if (active.length > 0) {
        await recordAuditEvent(client, {
          actorId: actor.userId,
          teamId: actor.teamId,
          action: 'tenant.remove',
          tenant: current.name,
          outcome: 'refused',
          details: { reason: 'promotions wait or run', promotions: active.map((p) => p.id) },
        });
        return { busy: active };
      }
      const kept = await countPromotionsOf(client, current.id);
      const deleted = await deleteTenant(client, current.id);
      if (deleted) {
        await recordAuditEvent(client, {
          actorId: actor.userId,
          teamId: actor.teamId,
          action: 'tenant.remove',
          tenant: deleted.name,
          outcome: 'succeeded',
          details: { promotionsKept: kept },
        });
      }
      return deleted ? { deleted, kept } : undefined;
    });
    if (!removed) return { outcome: 'not_found' };
    if ('busy' in removed && removed.busy) {
      return {
        outcome: 'busy',
        tenant: current.name,
        promotions: removed.busy.map((p) => ({
          id: p.id,
          flowName: p.flowName,
          toEnvName: p.toEnvName,
          status: p.status,
        })),
      };
    }
    this.deps.credentialsChanged?.(removed.deleted.id);
    return { outcome: 'removed', tenant: withoutSecret(removed.deleted), promotionsKept: removed.kept };
  }

  /**
   * The plaintext client secret, for the moment a token request needs it. Callers keep it in a local
   * variable only; it never goes into an object that could be logged or stored.
   */
  async openClientSecret(tenantId: string): Promise<string> {
    const record = await findTenantById(this.deps.pool, tenantId);
    if (!record) throw new Error('tenant not found');
    return openSecretOf(this.deps.keys, record);
  }

  /**
   * Re-seals every stored secret under the sealing (first) key, in one transaction: either all move or
   * none does. Afterwards every key but the first may be removed from FLIGHTIQ_ENCRYPTION_KEYS.
   */
  async rotateKeys(actorId: string): Promise<{ resealed: number; keyId: string }> {
    const { keys } = this.deps;
    const resealed = await inTransaction(this.deps.pool, async (client) => {
      const tenants = await listTenants(client, { forUpdate: true });
      let count = 0;
      for (const tenant of tenants) {
        if (tenant.secret.keyId === keys.sealingKeyId && tenant.secretBinding === 2) continue;
        const secret = openSecretOf(keys, tenant);
        await resealTenantSecret(client, tenant.id, seal(keys, secret, boundTo(tenant, 2)), 2);
        count++;
      }
      await recordAuditEvent(client, {
        actorId,
        action: 'keys.rotate',
        outcome: 'succeeded',
        details: { resealed: count, keyId: keys.sealingKeyId },
      });
      return count;
    });
    this.deps.logger.info({ resealed, keyId: keys.sealingKeyId }, 'client secrets re-sealed');
    return { resealed, keyId: keys.sealingKeyId };
  }
}

/**
 * The associated data a tenant's secret is sealed with. Binding 2 covers everything that says where the
 * secret is sent: a ciphertext moved to another row, or a row whose region, environment, client ID or
 * auth method was changed behind FlightIQ's back, does not open.
 */
function boundTo(
  tenant: Pick<TenantRecord, 'id' | 'region' | 'environmentId' | 'clientId' | 'authMethod'>,
  binding: SecretBinding,
): string {
  if (binding === 1) return tenant.id;
  return JSON.stringify([
    'flightiq-tenant-secret/2',
    tenant.id,
    tenant.region,
    tenant.environmentId.toLowerCase(),
    tenant.clientId.toLowerCase(),
    tenant.authMethod,
  ]);
}

function openSecretOf(keys: KeyRing, record: TenantRecord): string {
  try {
    return open(keys, record.secret, boundTo(record, record.secretBinding));
  } catch (error) {
    if (error instanceof SecretOpenError) throw new TenantSecretUnavailableError(record.name, error);
    throw error;
  }
}

function withoutSecret({ secret: _secret, ...tenant }: TenantRecord): Tenant {
  return tenant;
}

function settingsOf(input: TenantInput): TenantSettings {
  return {
    name: input.name,
    region: input.region,
    environmentId: input.environmentId,
    clientId: input.clientId,
    authMethod: input.authMethod,
  };
}

function changedFields(current: TenantRecord, input: TenantInput): TenantField[] {
  const fields: TenantField[] = [];
  for (const field of ['name', 'region', 'environmentId', 'clientId', 'authMethod'] as const) {
    if (current[field] !== input[field]) fields.push(field);
  }
  if (input.clientSecret) fields.push('clientSecret');
  return fields;
}

/** Why a tenant was not removed: its promotions that wait or run, named. `escape` makes names safe to show. */
export function removalBusyText(
  tenant: string,
  promotions: Extract<RemoveResult, { outcome: 'busy' }>['promotions'],
  shown: (text: string) => string = (text) => text,
): string {
  const named = promotions
    .slice(0, 5)
    .map((p) => `${shown(p.flowName)} into ${shown(p.toEnvName)} (${p.status.replace('_', ' ')})`);
  const more = promotions.length > 5 ? ` and ${promotions.length - 5} more` : '';
  return `Not removed: promotions of ${shown(tenant)} wait or run: ${named.join(', ')}${more}. Removing the tenant would leave them without credentials mid-way. Let them end (or reject or cancel the waiting ones), then remove it.`;
}

/** What removing a tenant did, for the one who asked. */
export function removedText(
  tenant: string,
  promotionsKept: number,
  shown: (text: string) => string = (text) => text,
): string {
  const history =
    promotionsKept > 0 ? ` Its ${promotionsKept} promotion(s) stay in the history, with their backups.` : '';
  return `Tenant ${shown(tenant)} removed. Its stored credentials are deleted.${history}`;
}

export function nameTakenText(name: string): string {
  return `A tenant named "${name}" already exists: choose another name.`;
}

function nameTaken(name: string): Invalid {
  return { outcome: 'invalid', errors: { name: nameTakenText(name) } };
}
