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
