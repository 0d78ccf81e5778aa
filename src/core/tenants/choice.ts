import type { Tenant, TenantService } from './service.js';

export type TenantChoice =
  | { ok: true; tenant: Tenant }
  | { ok: false; reason: 'none_configured' | 'name_needed' | 'unknown'; names: string[]; asked?: string };

/** The tenant a command means: the one named, or the only one when there is just one. */
export async function chooseTenant(tenants: TenantService, name: string | undefined): Promise<TenantChoice> {
  if (name) {
    const tenant = await tenants.findByName(name);
    if (tenant) return { ok: true, tenant };
  }
  const all = await tenants.list();
  const names = all.map((tenant) => tenant.name);
  if (name) return { ok: false, reason: 'unknown', names, asked: name };
  if (all.length === 1 && all[0]) return { ok: true, tenant: all[0] };
  return { ok: false, reason: all.length === 0 ? 'none_configured' : 'name_needed', names };
}

/**
 * The tenant a promotion or a diff means: `--tenant`, else the tenant named before the colon of
 * `--from` (`--from Dev:Staging`, a promotion across organizations), else the only one.
 */
export async function chooseRequestTenant(
  tenants: TenantService,
  asked: { tenant?: string | undefined; from: string },
): Promise<TenantChoice> {
  if (asked.tenant) return chooseTenant(tenants, asked.tenant);
  const colon = asked.from.indexOf(':');
  const named = colon > 0 ? await tenants.findByName(asked.from.slice(0, colon).trim()) : null;
  return named ? { ok: true, tenant: named } : chooseTenant(tenants, undefined);
}
