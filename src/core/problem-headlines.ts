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
  refused_request: 'PingOne refused what FlightIQ sent',
  unexpected_response: 'PingOne gave an answer FlightIQ did not expect',
};

/** The cause in a few plain words, for any front end. */
export function problemHeadline(code: Problem['code']): string {
  return headlines[code];
}

/**
 * The headline and PingOne's message as every front end leads with them; the headline is left out
 * when the message already says what it does ("Could not reach PingOne for /as/token" needs no
 * "PingOne could not be reached" before it).
 */
export function problemLead(problem: Pick<Problem, 'code' | 'message'>): {
  headline?: string;
  message: string;
} {
  const headline = problemHeadline(problem.code);
  const message = problem.message.trim();
  if (!message) return { headline, message };
  const said = new Set(words(message));
  return words(headline).every((word) => said.has(word)) ? { message } : { headline, message };
}

const fillers = new Set(['a', 'an', 'the', 'be', 'is', 'was', 'right', 'now']);

/** Lower-case words without their endings (reached → reach, PingOne's → pingone), fillers left out. */
function words(text: string): string[] {
  return (text.toLowerCase().match(/[a-z0-9]+(?:'[a-z]+)?/g) ?? [])
    .map((word) => word.replace(/'s$/, '').replace(/(ed|es|s)$/, ''))
    .filter((word) => word.length > 0 && !fillers.has(word));
}

/** The lead as one plain sentence (or two), with the message made safe to show by `safe`. */
export function problemLine(
  problem: Pick<Problem, 'code' | 'message'>,
  safe = (text: string) => text,
): string {
  const { headline, message } = problemLead(problem);
  if (!headline) return safe(message);
  return message ? `${headline}. ${safe(message)}` : `${headline}.`;
}
