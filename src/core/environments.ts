import type { PingOneClient } from '../pingone/client.js';
import { type Environment, environmentSchema } from '../pingone/schemas.js';
import type { Tenant, TenantService } from './tenants.js';

export interface EnvironmentSummary {
  id: string;
  name: string;
  type: string;
  region: string;
  hasDavinci: boolean | undefined;
}

/** The environments a tenant's worker app can see (its roles decide which). */
export class EnvironmentDirectory {
  constructor(private readonly deps: { pingone: PingOneClient; tenants: TenantService }) {}

  async list(tenant: Tenant): Promise<{ environments: EnvironmentSummary[]; truncated: boolean }> {
    const { items, truncated } = await this.deps.pingone.collect(
      this.deps.tenants.credentialsOf(tenant),
      '/environments?expand=billOfMaterials',
      'environments',
      environmentSchema,
    );
    const environments = items.map(summary).sort((a, b) => a.name.localeCompare(b.name));
    return { environments, truncated };
  }
}

function summary(env: Environment): EnvironmentSummary {
  const products = env.billOfMaterials?.products?.map((product) => product.type);
  return {
    id: env.id,
    name: env.name,
    type: env.type ?? 'unknown',
    region: env.region ?? 'unknown',
    hasDavinci: products ? products.includes('PING_ONE_DAVINCI') : undefined,
  };
}
