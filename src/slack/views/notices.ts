import type { KnownBlock } from '@slack/types';

export interface Notice {
  text: string;
  blocks: KnownBlock[];
}

/** A one-paragraph ephemeral answer. */
export function notice(text: string): Notice {
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

export const adminOnlyText =
  'Only FlightIQ admins can add, edit or remove tenants. If you need a change, ask a FlightIQ admin (or a workspace admin, when no FlightIQ admins are configured).';
