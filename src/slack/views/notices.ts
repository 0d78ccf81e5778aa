import type { KnownBlock } from '@slack/types';
import { shorten } from './mrkdwn.js';

export interface Notice {
  text: string;
  blocks: KnownBlock[];
}

/** A one-paragraph ephemeral answer. */
export function notice(text: string): Notice {
  // What people typed can end up quoted in a notice: it must never push it past Slack's limits.
  const shown = shorten(text, 3000);
  return { text: shorten(text, 4000), blocks: [{ type: 'section', text: { type: 'mrkdwn', text: shown } }] };
}

export const adminOnlyText =
  'Only FlightIQ admins can add, edit or remove tenants. If you need a change, ask a FlightIQ admin (or a workspace admin, when no FlightIQ admins are configured).';
