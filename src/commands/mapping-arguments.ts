import { kindWord, type MappingKind, mappingKindOf, mappingKinds } from '../core/mappings/kinds.js';
import { parseOptions } from './command-options.js';

/**
 * The words of `mappings <from> <to> [set <kind> <source> = <destination> | remove <kind> <source>]
 * [--tenant <t>]`. Names with spaces need no quotes after the kind: `set` splits at the `=`.
 */
export type MappingArguments = { from: string; to: string; tenant: string | undefined } & (
  | { action: 'list' }
  | { action: 'set'; kind: MappingKind; source: string; destination: string }
  | { action: 'remove'; kind: MappingKind; source: string }
);

export const mappingKindWords = mappingKinds.map(kindWord).join(', ');

export function mappingArguments(
  words: string[],
): { ok: true; asked: MappingArguments } | { ok: false; problems: string[] } {
  const options = parseOptions(words, { values: ['tenant'] });
  const problems = [...options.problems];
  const [from, to, verb, kindTyped, ...rest] = options.positional;
  if (!from || !to) problems.push('Name the two environments, where from and where to');
  if (problems.length > 0 || !from || !to) return { ok: false, problems };
  const ends = { from, to, tenant: options.values.tenant };
  if (verb === undefined) return { ok: true, asked: { ...ends, action: 'list' } };
  const action = verb.toLowerCase();
  if (action !== 'set' && action !== 'remove')
    return {
      ok: false,
      problems: [`"${verb}" is not something \`mappings\` does: say \`set\` or \`remove\``],
    };
  const kind = kindTyped === undefined ? undefined : mappingKindOf(kindTyped);
  if (!kind) return { ok: false, problems: [`Name the kind of object: ${mappingKindWords}`] };
  const text = rest.join(' ');
  if (action === 'remove') {
    if (!text.trim()) return { ok: false, problems: ['Name the source object whose entry to remove'] };
    return { ok: true, asked: { ...ends, action, kind, source: text.trim() } };
  }
  const at = text.indexOf('=');
  const source = at < 0 ? '' : text.slice(0, at).trim();
  const destination = at < 0 ? '' : text.slice(at + 1).trim();
  if (!source || !destination)
    return {
      ok: false,
      problems: ['Say which object stands for which: `<source name> = <destination name>`'],
    };
  return { ok: true, asked: { ...ends, action, kind, source, destination } };
}
