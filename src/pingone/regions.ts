import { PingOneError } from './errors.js';

/** PingOne's regions, by the top-level domain of their hosts (`auth.pingone.<tld>`). */
export const regions = ['com', 'ca', 'eu', 'com.au', 'sg', 'asia'] as const;
export type Region = (typeof regions)[number];

/** How a worker app authenticates at the token endpoint; it must match the app's setting in PingOne. */
export const authMethods = ['client_secret_basic', 'client_secret_post'] as const;
export type AuthMethod = (typeof authMethods)[number];

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
