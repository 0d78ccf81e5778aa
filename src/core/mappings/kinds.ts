import { objectCollections, pingOneObjectKinds } from '../../pingone/environment-objects.js';

/**
 * The kinds of object a mapping profile maps: connector instances and forms (DaVinci's), and the PingOne
 * objects flows name by ID (docs/design.md, "References"). Variables are not among them: flows name a
 * variable by its name, and a variable the destination lacks is created by the promotion, not a blocker.
 */
export const mappingKinds = ['connectorInstance', 'form', ...pingOneObjectKinds] as const;
export type MappingKind = (typeof mappingKinds)[number];

/** What a person calls one of each kind. */
export function kindNoun(kind: MappingKind): string {
  if (kind === 'connectorInstance') return 'connector instance';
  if (kind === 'form') return 'form';
  return objectCollections[kind].noun;
}

/** The one word a command takes for each kind: its noun, hyphenated (`notification-policy`). */
export function kindWord(kind: MappingKind): string {
  return kind === 'connectorInstance' ? 'connector' : kindNoun(kind).toLowerCase().replace(/ /g, '-');
}

/** The kind a typed word names (`connector`, `population`, `mfa-policy`…), any case; undefined if none. */
export function mappingKindOf(word: string): MappingKind | undefined {
  const wanted = word.trim().toLowerCase();
  if (wanted === 'connector-instance') return 'connectorInstance';
  return mappingKinds.find((kind) => kindWord(kind) === wanted || kind.toLowerCase() === wanted);
}

export function isMappingKind(kind: string): kind is MappingKind {
  return (mappingKinds as readonly string[]).includes(kind);
}
