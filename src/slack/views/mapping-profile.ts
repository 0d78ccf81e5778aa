import type { KnownBlock, ModalView } from '@slack/types';
import { slashCommand } from '../../commands/subcommands.js';
import { kindNoun, type MappingKind } from '../../core/mappings/kinds.js';
import {
  entryText,
  type MappingProfile,
  type ProfileOutcome,
  type RemoveOutcome,
  type SetOutcome,
} from '../../core/mappings/service.js';
import { environmentNotMatchedMessage } from './artifact-list.js';
import { escapedShort, escapeMrkdwn, packLines, shorten, slackDate } from './mrkdwn.js';
import { type Notice, notice } from './notices.js';
import { problemMessage } from './pingone-problem.js';
import { noticeModal } from './tenant-form.js';

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

/** "Map…" on a blocked plan: the buttons (one per reference, numbered) and the modal they open. */
export const mapActions = { open: 'promotion_map', target: 'map_target' } as const;
export const mapEntryCallbackId = 'mapping_entry';
/** Most "Map…" buttons on one card: the rest are set with `/flightiq mappings … set`. */
export const mapButtonsShown = 5;
/** Slack's static_select holds at most 100 options. */
const maxOptions = 100;

/** What a "Map…" button names, and the modal carries in private_metadata: never who may click it. */
export interface MapTarget {
  /** The promotion. */
  p: string;
  /** The kind and source ID of the reference. */
  k: string;
  s: string;
}

export function mapModal(
  target: MapTarget,
  reference: { kind: MappingKind; name: string },
  envs: { from: string; to: string },
  candidates: { id: string; name: string }[],
): ModalView {
  const noun = kindNoun(reference.kind);
  const title = 'Map by profile';
  if (candidates.length === 0)
    return noticeModal(
      title,
      `*${escapeMrkdwn(envs.to)}* has no ${noun} at all. Create it there, then request the promotion again.`,
    );
  const shown = candidates.slice(0, maxOptions);
  return {
    type: 'modal',
    callback_id: mapEntryCallbackId,
    private_metadata: JSON.stringify(target),
    title: { type: 'plain_text', text: title },
    submit: { type: 'plain_text', text: 'Save' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: shorten(
            `Which ${noun} of *${escapeMrkdwn(envs.to)}* stands for ${escapeMrkdwn(envs.from)}'s *${escapeMrkdwn(reference.name)}*? The entry goes into the mapping profile ${escapeMrkdwn(envs.from)} → ${escapeMrkdwn(envs.to)}, for every promotion between them.${candidates.length > shown.length ? ` Only the first ${maxOptions} by name are listed; set another with \`${slashCommand} mappings … set\`.` : ''}`,
            3000,
          ),
        },
      },
      {
        type: 'input',
        block_id: mapActions.target,
        label: { type: 'plain_text', text: shorten(`${noun} in ${envs.to}`, 2000) },
        element: {
          type: 'static_select',
          action_id: mapActions.target,
          placeholder: { type: 'plain_text', text: 'Choose one' },
          options: shown.map((candidate) => ({
            text: {
              type: 'plain_text',
              text: shorten(`${candidate.name} (${candidate.id.slice(0, 8)})`, 75),
            },
            value: candidate.id,
          })),
        },
      },
    ],
  };
}

export function mapSavedModal(outcome: SetOutcome, requester: string): ModalView {
  const message =
    outcome.outcome === 'set'
      ? `:white_check_mark: ${entryText(outcome.entry, bold)}. <@${requester}> was told to request the promotion again; its new plan uses the entry.`
      : mappingSetMessage(outcome).text;
  return noticeModal(outcome.outcome === 'set' ? 'Saved' : 'Not saved', message);
}

/** What the requester is told once an entry that unblocks their promotion is set. */
export function requestAgainText(
  entry: SetOutcome & { outcome: 'set' },
  promotion: { flowName: string; fromEnvName: string; toEnvName: string },
  by: string,
): string {
  return `:white_check_mark: <@${by}> set ${entryText(entry.entry, bold)} in the mapping profile ${escapeMrkdwn(promotion.fromEnvName)} → ${escapeMrkdwn(promotion.toEnvName)}. Request the promotion of *${escapeMrkdwn(promotion.flowName)}* again: its new plan uses the entry.`;
}
