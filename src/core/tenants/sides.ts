import type { WorkerCredentials } from '../../pingone/client.js';
import type { Tenant, TenantService } from './service.js';

/**
 * Promotions across PingOne organizations (docs/promotions.md, "Across organizations"): each side of a
 * promotion belongs to a tenant, whose worker app alone reaches it. `--from Dev:Staging --to
 * Prod:Production` names them; a side without a tenant is the request's tenant.
 */

/** An environment as a command names it, with the tenant named before a colon, if any. */
export async function sideOf(
  tenants: Pick<TenantService, 'findByName'>,
  requested: Tenant,
  asked: string,
): Promise<{ tenant: Tenant; environment: string }> {
  const colon = asked.indexOf(':');
  if (colon > 0) {
    // Only a tenant's whole name counts, so an environment whose own name holds a colon still matches.
    const named = await tenants.findByName(asked.slice(0, colon).trim());
    if (named) return { tenant: named, environment: asked.slice(colon + 1).trim() };
  }
  return { tenant: requested, environment: asked };
}

/**
 * The credentials a promotion calls PingOne with: the source tenant's worker, and for a destination in
 * another tenant that tenant's worker for every call into the destination environment (its own token,
 * host and rate limit).
 */
export function workersOf(
  tenants: Pick<TenantService, 'credentialsOf'>,
  source: Tenant,
  destination: { tenant: Tenant; environmentId: string },
): WorkerCredentials {
  const credentials = tenants.credentialsOf(source);
  if (destination.tenant.id === source.id) return credentials;
  return {
    ...credentials,
    elsewhere: new Map([[destination.environmentId, tenants.credentialsOf(destination.tenant)]]),
  };
}
