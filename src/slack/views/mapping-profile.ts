import type { KnownBlock } from '@slack/types';
import { slashCommand } from '../../commands/subcommands.js';
import { kindNoun } from '../../core/mappings/kinds.js';
import {
  entryText,
  type MappingProfile,
  type ProfileOutcome,
  type RemoveOutcome,
  type SetOutcome,
} from '../../core/mappings/service.js';
import { environmentNotMatchedMessage } from './artifact-list.js';
import { escapedShort, escapeMrkdwn, packLines, slackDate } from './mrkdwn.js';
import { type Notice, notice } from './notices.js';
import { problemMessage } from './pingone-problem.js';

/** `/flightiq mappings`: a pair's mapping profile, and what setting or removing an entry did. */

export const mapOnlyText =
  'Only FlightIQ operators and admins can change a mapping profile. Ask one to set the entry, or to add you to FLIGHTIQ_OPERATORS.';

const bold = { name: (text: string) => `*${escapeMrkdwn(text)}*` };

function profileBlocks(profile: MappingProfile, intro?: string): Notice {
  const pair = `*${escapeMrkdwn(profile.from.name)}* → *${escapeMrkdwn(profile.to.name)}*`;
  const head =
    profile.entries.length === 0
      ? `The mapping profile ${pair} has no entries: promotions find every object by its name.`
      : `The mapping profile ${pair}: promotions use an entry where ${escapeMrkdwn(profile.to.name)} has no object of the source's name, or several.`;
  const lines = profile.entries.map(
    (entry) => `• ${entryText(entry, bold)} (set by <@${entry.setBy}> ${slackDate(entry.setAt)})`,
  );
  const text = [intro, head].filter(Boolean).join('\n');
  return {
    text,
    blocks: packLines([text, ...lines]).map(
      (section): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text: section } }),
    ),
  };
}

type Shared = Extract<
  ProfileOutcome,
  { outcome: 'refused' | 'environment_not_matched' | 'same_environment' | 'failed' }
>;

function sharedMessage(outcome: Shared, readersOnly: string): Notice {
  switch (outcome.outcome) {
    case 'refused':
      return notice(readersOnly);
    case 'environment_not_matched':
      return environmentNotMatchedMessage(outcome.match);
    case 'same_environment':
      return notice(
        `:information_source: A mapping profile is between two environments; *${escapeMrkdwn(outcome.environment.name)}* was named twice.`,
      );
    case 'failed':
      return problemMessage(outcome.problem);
  }
}

export function mappingProfileMessage(outcome: ProfileOutcome, readersOnly: string): Notice {
  return outcome.outcome === 'profile' ? profileBlocks(outcome.profile) : sharedMessage(outcome, readersOnly);
}

export function mappingSetMessage(outcome: SetOutcome): Notice {
  switch (outcome.outcome) {
    case 'set': {
      const before = outcome.before ? ` (it was ${bold.name(outcome.before.destinationName)})` : '';
      return profileBlocks(
        outcome.profile,
        `:white_check_mark: ${entryText(outcome.entry, bold)}${before}. Promotions planned from now on use it: request a blocked one again.`,
      );
    }
    case 'object_not_found': {
      const names = outcome.candidates.slice(0, 20).map((name) => `\`${escapedShort(name, 80)}\``);
      const more =
        outcome.candidates.length > names.length
          ? `, and ${outcome.candidates.length - names.length} more`
          : '';
      return notice(
        `:mag: *${escapeMrkdwn(outcome.environment.name)}* has no ${kindNoun(outcome.kind)} named "${escapedShort(outcome.asked, 100)}". ${names.length > 0 ? `It has: ${names.join(', ')}${more}.` : `It has none.`}`,
      );
    }
    case 'object_ambiguous':
      return notice(
        `:mag: *${escapeMrkdwn(outcome.environment.name)}* has ${outcome.candidates.length} ${kindNoun(outcome.kind)}s named "${escapedShort(outcome.asked, 100)}". Name one by its ID: ${outcome.candidates.map((c) => `\`${c.id}\``).join(', ')}.`,
      );
    case 'connector_mismatch':
      return notice(
        `:no_entry: *${escapeMrkdwn(outcome.source.name)}* is a ${escapeMrkdwn(outcome.source.connector ?? '')} instance and *${escapeMrkdwn(outcome.destination.name)}* a ${escapeMrkdwn(outcome.destination.connector ?? '')} one: an instance can only stand for one of the same connector.`,
      );
    default:
      return sharedMessage(outcome, mapOnlyText);
  }
}

export function mappingRemoveMessage(outcome: RemoveOutcome): Notice {
  switch (outcome.outcome) {
    case 'removed':
      return profileBlocks(
        outcome.profile,
        `:wastebasket: Removed: ${outcome.removed.map((entry) => entryText(entry, bold)).join('; ')}.`,
      );
    case 'not_in_profile':
      return notice(
        `:information_source: The mapping profile *${escapeMrkdwn(outcome.from.name)}* → *${escapeMrkdwn(outcome.to.name)}* has no ${kindNoun(outcome.kind)} entry for "${escapedShort(outcome.asked, 100)}". \`${slashCommand} mappings ${escapeMrkdwn(outcome.from.name)} ${escapeMrkdwn(outcome.to.name)}\` lists its entries.`,
      );
    default:
      return sharedMessage(outcome, mapOnlyText);
  }
}
