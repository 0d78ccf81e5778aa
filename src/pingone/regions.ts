import { type Region, regions } from '../store/tenants.js';
import { PingOneError } from './errors.js';

export interface PingOneHosts {
  /** Origin of the token endpoint: `https://auth.pingone.<tld>`. */
  auth: string;
  /** Origin of the management and DaVinci API: `https://api.pingone.<tld>`. */
  api: string;
}

/**
 * The only hosts a tenant's requests may go to: chosen from this table by the tenant's region, never
 * from text a user typed. `overrides` (PINGONE_AUTH_BASE_URL / PINGONE_API_BASE_URL) replace them for
 * every region, for tests and the simulator.
 */
export function hostsFor(
  region: Region,
  overrides: { authBaseUrl?: string | undefined; apiBaseUrl?: string | undefined } = {},
): PingOneHosts {
  // The region becomes part of a host name: only one of PingOne's own, whatever the database says.
  if (!regions.includes(region)) {
    throw new PingOneError(
      'redirect_refused',
      "The tenant's stored region is not one of PingOne's, so FlightIQ sent nothing. Edit the tenant and choose its region again.",
    );
  }
  return {
    auth: trimSlash(overrides.authBaseUrl ?? `https://auth.pingone.${region}`),
    api: trimSlash(overrides.apiBaseUrl ?? `https://api.pingone.${region}`),
  };
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
