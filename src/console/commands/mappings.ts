import { mappingArguments } from '../../commands/mapping-arguments.js';
import { usageOf } from '../../commands/subcommands.js';
import { kindNoun } from '../../core/mappings/kinds.js';
import {
  entryText,
  type MappingProfile,
  type ProfileOutcome,
  type RemoveOutcome,
  type SetOutcome,
} from '../../core/mappings/service.js';
import { environmentMatchText, problemText } from '../render.js';
import { pickTenant, type Session } from '../session.js';

/** `mappings <from> <to> [set … | remove …]`: a pair's mapping profile, and changing one entry. */
export async function mappingsCommand(args: string[], session: Session): Promise<void> {
  const { services, actor, say } = session;
  const parsed = mappingArguments(args);
  if (!parsed.ok) return say(`${parsed.problems.join('. ')}. Usage: ${usageOf('mappings')}`);
  const { asked } = parsed;
  const tenant = await pickTenant(session, asked.tenant, asked.from);
  if (!tenant) return;
  if (asked.action === 'list') say(mappingsText(await services.mappings.list(actor, tenant, asked)));
  else if (asked.action === 'set') say(mappingsText(await services.mappings.set(actor, tenant, asked)));
  else say(mappingsText(await services.mappings.remove(actor, tenant, asked)));
}

function profileText(profile: MappingProfile): string {
  if (profile.entries.length === 0)
    return `The mapping profile ${profile.from.name} -> ${profile.to.name} has no entries.`;
  return [
    `The mapping profile ${profile.from.name} -> ${profile.to.name}:`,
    ...profile.entries.map(
      (entry) => `  ${entryText(entry)} (set by ${entry.setBy} at ${entry.setAt.toISOString()})`,
    ),
  ].join('\n');
}

function mappingsText(outcome: ProfileOutcome | SetOutcome | RemoveOutcome): string {
  switch (outcome.outcome) {
    case 'profile':
      return profileText(outcome.profile);
    case 'set':
      return `Set: ${entryText(outcome.entry)}.\n${profileText(outcome.profile)}`;
    case 'removed':
      return `Removed: ${outcome.removed.map((entry) => entryText(entry)).join('; ')}.\n${profileText(outcome.profile)}`;
    case 'not_in_profile':
      return `The profile has no ${kindNoun(outcome.kind)} entry for "${outcome.asked}".`;
    case 'object_not_found':
      return `${outcome.environment.name} has no ${kindNoun(outcome.kind)} named "${outcome.asked}". It has: ${outcome.candidates.slice(0, 20).join(', ') || 'none'}.`;
    case 'object_ambiguous':
      return `${outcome.environment.name} has ${outcome.candidates.length} of that name; name one by ID: ${outcome.candidates.map((c) => c.id).join(', ')}.`;
    case 'connector_mismatch':
      return `${outcome.source.name} (${outcome.source.connector}) cannot stand for ${outcome.destination.name} (${outcome.destination.connector}): not the same connector.`;
    case 'refused':
      return 'You may not do that.';
    case 'environment_not_matched':
      return environmentMatchText(outcome.match);
    case 'same_environment':
      return `${outcome.environment.name} was named twice.`;
    case 'failed':
      return problemText(outcome.problem);
  }
}
