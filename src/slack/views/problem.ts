import type { KnownBlock } from '@slack/types';

/**
 * What a user sees when something failed on our side: honest, short, and with a reference that
 * matches the log line, so an operator can find the cause. Never the error's own text: it may carry
 * internals (hosts, SQL, tokens).
 */
export function internalErrorMessage(reference: string): { text: string; blocks: KnownBlock[] } {
  const text = `Sorry, FlightIQ failed to do that. The error is logged with reference \`${reference}\`; please try again, and give that reference to your FlightIQ admin if it keeps happening.`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `:warning: ${text}` } }] };
}

/** The database did not answer: nothing was read or changed, and it is worth trying again. */
export function databaseUnavailableMessage(reference: string): { text: string; blocks: KnownBlock[] } {
  const text = `FlightIQ cannot reach its database right now, so nothing was read or changed. Please try again in a minute; if it keeps happening, tell your FlightIQ admin (reference \`${reference}\`).`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `:warning: ${text}` } }] };
}
