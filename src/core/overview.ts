import type { Actor } from './access.js';
import type { TenantHealth } from './credentials/monitor.js';
import type { Promotion } from './promotion/service.js';
import type { CoreServices } from './services.js';
import type { Tenant } from './tenants/service.js';

/** What one person may see of FlightIQ at a glance (the App Home tab), decided here, not by the view. */
export interface Overview {
  isAdmin: boolean;
  /** Whether the tenants and their health are theirs to see; when not, both are empty. */
  mayRead: boolean;
  tenants: readonly Tenant[];
  health: ReadonlyMap<string, TenantHealth>;
  /** Promotions this person may decide on (or run) now. */
  actionable: readonly Promotion[];
  /** Their own recent requests, while they may still read or promote. */
  mine: readonly Promotion[];
}

/**
 * The overview for a person as the workspace knows them now: tenant names, regions and PingOne's
 * failure text are shown only to readers, so a guest or someone outside FLIGHTIQ_READERS sees the
 * commands and nothing about the tenants.
 */
export async function overviewFor(
  services: Pick<CoreServices, 'access' | 'tenants' | 'monitor' | 'promotions'>,
  actor: Actor,
): Promise<Overview> {
  const [isAdmin, mayRead, mayPromote] = await Promise.all([
    services.access.isAdmin(actor),
    services.access.canRead(actor),
    services.access.canPromote(actor),
  ]);
  const [tenants, health, promotions] = await Promise.all([
    mayRead ? services.tenants.list() : [],
    mayRead ? services.monitor.health() : new Map<string, TenantHealth>(),
    services.promotions.forPerson(actor),
  ]);
  return {
    isAdmin,
    mayRead,
    tenants,
    health,
    actionable: promotions.actionable,
    mine: mayRead || mayPromote ? promotions.mine : [],
  };
}
