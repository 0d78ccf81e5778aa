import type { CoreServices } from '../../src/core/services.js';
import type { PingOneSimulator } from './pingone-simulator.js';

/** Saves one of the simulator's worker apps as a tenant, as an admin would; returns the tenant. */
export async function addSimulatorTenant(
  services: CoreServices,
  sim: PingOneSimulator,
  { name, admin, clientIndex = 0 }: { name: string; admin: string; clientIndex?: number },
) {
  const worker = sim.data.applications[clientIndex];
  if (!worker) throw new Error(`the simulator has no application ${clientIndex}`);
  const added = await services.tenants.add(
    { userId: admin },
    {
      name,
      region: 'eu',
      environmentId: worker.environmentId,
      clientId: worker.clientId,
      clientSecret: worker.clientSecret,
      authMethod: worker.authMethod,
    },
  );
  if (added.outcome !== 'saved') throw new Error(`could not add tenant ${name}: ${JSON.stringify(added)}`);
  return added.tenant;
}
