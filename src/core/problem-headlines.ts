import type { Problem } from './problem.js';

/** What each cause means to a PingOne administrator, in a few words. */
const headlines: Record<Problem['code'], string> = {
  secret_unavailable: 'The stored client secret cannot be used',
  client_authentication_failed: 'PingOne refused the worker app credentials',
  grant_not_enabled: 'The worker app may not use the client credentials grant',
  environment_not_found: 'The environment ID does not hold a worker app token endpoint',
  token_rejected: 'PingOne rejected the worker token',
  missing_role: 'The worker app is missing a role',
  not_found: 'PingOne found nothing there',
  rate_limited: 'PingOne rate limit reached',
  unavailable: 'PingOne is not available right now',
  network: 'PingOne could not be reached',
  timeout: 'PingOne did not answer in time',
  redirect_refused: 'PingOne answered with a redirect',
  unexpected_response: 'PingOne gave an answer FlightIQ did not expect',
};

/** The cause in a few plain words, for any front end. */
export function problemHeadline(code: Problem['code']): string {
  return headlines[code];
}
