/**
 * Every way a PingOne call can fail that a person can act on, each with a stable code to branch on
 * and the checks to suggest (from the worker-app guide's troubleshooting lists). Nobody parses messages.
 */
export const pingOneErrorCodes = [
  'client_authentication_failed',
  'grant_not_enabled',
  'environment_not_found',
  'token_rejected',
  'missing_role',
  'not_found',
  'rate_limited',
  'unavailable',
  'network',
  'timeout',
  'redirect_refused',
  'refused_request',
  'unexpected_response',
] as const;
export type PingOneErrorCode = (typeof pingOneErrorCodes)[number];

export const mintChecks = [
  'The worker app is enabled.',
  'The client ID and secret are correct (copy the secret again from the app in PingOne if unsure).',
  'The token endpoint authentication method in FlightIQ matches the app (Client Secret Basic or Client Secret Post).',
  'The Client Credentials grant is enabled on the app.',
  'The environment ID is the one that holds the worker app (usually Administrators).',
] as const;

export const dataChecks = [
  "The worker app's roles include the selected environment.",
  "The worker app's roles include the selected domain (DaVinci for flows, variables, connectors and applications; Identity for forms, templates, attributes and certificates).",
  'The environment has the product you are reading (DaVinci is not enabled in every environment).',
] as const;

const checksByCode: Record<PingOneErrorCode, readonly string[]> = {
  client_authentication_failed: mintChecks.slice(0, 3),
  grant_not_enabled: [mintChecks[3], mintChecks[0]],
  environment_not_found: [mintChecks[4]],
  token_rejected: [mintChecks[0], 'The worker app was not deleted or recreated since the tenant was saved.'],
  missing_role: dataChecks,
  not_found: ['The environment or object still exists in PingOne.'],
  rate_limited: [
    'Other tools sharing this PingOne license are not using up its rate limit; try again in a minute.',
  ],
  unavailable: ['PingOne status (status.pingidentity.com); try again in a few minutes.'],
  network: [
    "This server can reach the PingOne hosts of the tenant's region (DNS, firewall, proxy, TLS inspection).",
  ],
  timeout: [
    'PingOne answered too slowly; try again. If it keeps happening, check the network path to PingOne.',
  ],
  redirect_refused: [
    "The tenant's region is right; FlightIQ does not follow redirects away from the PingOne hosts.",
  ],
  refused_request: [
    'PingOne names the field it refused and why: fix that field in the source, then try again.',
  ],
  unexpected_response: [
    'Something between FlightIQ and PingOne (a proxy) may be answering instead of PingOne.',
  ],
};

export class PingOneError extends Error {
  override name = 'PingOneError';
  readonly checks: readonly string[];

  constructor(
    readonly code: PingOneErrorCode,
    message: string,
    readonly details: {
      status?: number;
      /** PingOne's Correlation-Id (header, or the one quoted in a token error), for support cases. */
      correlationId?: string | undefined;
      /** True when the call was retried before giving up. */
      retried?: boolean;
      /** How many times it was retried. */
      retries?: number;
      /** The API path (no host, no query), to say which call failed. */
      path?: string;
      /** How long PingOne asked to wait (Retry-After), when it did. */
      retryAfterSeconds?: number;
      /**
       * A change that may or may not have been made: the request left, and no answer said which. Whoever
       * sent it reads the state back before calling it failed.
       */
      outcomeUnknown?: boolean;
    } = {},
  ) {
    super(message);
    this.checks = checksByCode[code];
  }
}
