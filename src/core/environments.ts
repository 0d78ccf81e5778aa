import type { PingOneClient, WorkerCredentials } from '../pingone/client.js';
import { PingOneError } from '../pingone/errors.js';
import { type Environment, environmentSchema, productsOf } from '../pingone/schemas.js';
import type { Tenant, TenantService } from './tenants/service.js';

export interface EnvironmentSummary {
  id: string;
  name: string;
  type: string;
  region: string;
  /** Undefined when PingOne did not say (no bill of materials in the answer): unknown, not "no". */
  hasDavinci: boolean | undefined;
}

/** The environments a tenant's worker app can see (its roles decide which). */
export class EnvironmentDirectory {
  constructor(private readonly deps: { pingone: PingOneClient; tenants: TenantService }) {}

  async list(tenant: Tenant): Promise<{ environments: EnvironmentSummary[]; truncated: boolean }> {
    return readEnvironments(this.deps.pingone, this.deps.tenants.credentialsOf(tenant));
  }
}

/**
 * Every environment the worker sees, with its bill of materials where PingOne gives it. Reading the bill
 * needs a role the worker may not have; if asking for it is refused, the list is read without it, so
 * a worker that may list environments is never told it may not.
 */
export async function readEnvironments(
  pingone: PingOneClient,
  credentials: WorkerCredentials,
): Promise<{ environments: EnvironmentSummary[]; truncated: boolean }> {
  const read = (path: string) => pingone.collect(credentials, path, 'environments', environmentSchema);
  let listed: Awaited<ReturnType<typeof read>>;
  try {
    listed = await read('/environments?expand=billOfMaterials');
  } catch (error) {
    if (!(error instanceof PingOneError && error.code === 'missing_role')) throw error;
    listed = await read('/environments');
  }
  const environments = listed.items.map(summary).sort((a, b) => a.name.localeCompare(b.name));
  return { environments, truncated: listed.truncated };
}

function summary(env: Environment): EnvironmentSummary {
  const products = productsOf(env);
  return {
    id: env.id,
    name: env.name,
    type: env.type ?? 'unknown',
    region: env.region ?? 'unknown',
    hasDavinci: products ? products.includes('PING_ONE_DAVINCI') : undefined,
  };
}
