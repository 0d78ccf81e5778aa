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

/** Over FLIGHTIQ_COMMANDS_PER_PERSON: commands and buttons that call PingOne share the count. */
export function busyText(perPerson: number): string {
  return `:hourglass: You already have ${perPerson === 1 ? 'a FlightIQ command' : `${perPerson} FlightIQ commands`} running that call${perPerson === 1 ? 's' : ''} PingOne (buttons such as Run or Test again count too). Busy: try again in a moment, once ${perPerson === 1 ? 'it has' : 'one has'} answered.`;
}

/** The same, as an inline error on the tenant form's "test first" box (Slack shows it under the box). */
export function formBusyText(perPerson: number): string {
  return `You already have ${perPerson === 1 ? 'a FlightIQ command' : `${perPerson} FlightIQ commands`} running that call${perPerson === 1 ? 's' : ''} PingOne. Submit again once ${perPerson === 1 ? 'it has' : 'one has'} answered, or untick this to save without testing.`;
}
