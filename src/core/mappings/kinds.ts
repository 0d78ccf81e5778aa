import { objectCollections, pingOneObjectKinds } from '../../pingone/environment-objects.js';

/**
 * The kinds of object a mapping profile maps: connector instances and forms (DaVinci's), company
 * variables, and the PingOne objects flows name by ID (docs/design.md, "References"). Of the variables,
 * only company ones: they hold what differs between environments (an API's address, a secret), so
 * Production may call one otherwise; the others belong to a flow's run and are created with it.
 */
export const mappingKinds = ['connectorInstance', 'form', 'variable', ...pingOneObjectKinds] as const;
export type MappingKind = (typeof mappingKinds)[number];

/** What a person calls one of each kind. */
export function kindNoun(kind: MappingKind): string {
  if (kind === 'connectorInstance') return 'connector instance';
  if (kind === 'form') return 'form';
  if (kind === 'variable') return 'company variable';
  return objectCollections[kind].noun;
}

/** The one word a command takes for each kind: its noun, hyphenated (`notification-policy`). */
export function kindWord(kind: MappingKind): string {
  if (kind === 'connectorInstance') return 'connector';
  if (kind === 'variable') return 'variable';
  return kindNoun(kind).toLowerCase().replace(/ /g, '-');
}

/** The kind a typed word names (`connector`, `population`, `mfa-policy`…), any case; undefined if none. */
export function mappingKindOf(word: string): MappingKind | undefined {
  const wanted = word.trim().toLowerCase();
  if (wanted === 'connector-instance') return 'connectorInstance';
  if (wanted === 'company-variable') return 'variable';
  return mappingKinds.find((kind) => kindWord(kind) === wanted || kind.toLowerCase() === wanted);
}

export function isMappingKind(kind: string): kind is MappingKind {
  return (mappingKinds as readonly string[]).includes(kind);
}
