import type { PingOneClient, WorkerCredentials } from '../../../pingone/client.js';
import {
  listObjects,
  listTemplateVariants,
  type NamedObject,
  objectCollections,
  type PingOneObjectKind,
  pingOneObjectKinds,
} from '../../../pingone/environment-objects.js';
import { PingOneError } from '../../../pingone/errors.js';
import type { FoundReference, ReferenceSite } from '../../davinci/references.js';
import { problemOf } from '../../problem.js';
import type { ProfileLookup } from './profile.js';

/**
 * The PingOne objects, template variants and environment IDs promoted flows refer to, each resolved in
 * the destination by kind and name (docs/design.md, "References"): exactly one object of that name is
 * the mapping; none, or several, block the promotion, since copying the source's ID would make the flow
 * fail for end users. A value the scanner could not classify is named in a warning.
 */

export type ResolvedKind = PingOneObjectKind | 'templateVariant' | 'environment' | 'unclassified';

export type ReferenceStatus =
  /** Found by name in the destination (or, for the environment itself, the destination's ID). */
  | 'mapped'
  | 'missing'
  | 'ambiguous'
  /** The source environment has no object of that ID: copied unchanged, and broken there too. */
  | 'not_in_source'
  /** The worker app may not read that kind of object: FlightIQ cannot map it. */
  | 'unreadable'
  /** An ID of a kind FlightIQ cannot tell: copied unchanged. */
  | 'unclassified';

export interface PlannedReference {
  kind: ResolvedKind;
  /** The source's ID; for a template variant, its name. */
  sourceId: string;
  /** The object's name in the source, when known. */
  name: string | null;
  destinationId: string | null;
  /** Set when the pair's mapping profile mapped it: the destination object's own name. */
  destinationName?: string;
  status: ReferenceStatus;
  /** Where the flows use it, as people call the nodes: `"Create Device" in Device Authentication`. */
  usedBy: string[];
}

export interface ReferencesInFlow {
  /** The flow's name, to say where. */
  flow: string;
  references: FoundReference[];
}

export interface ResolvedReferences {
  references: PlannedReference[];
  /** Source ID → destination ID, for every mapped object and the environment itself. */
  objects: Map<string, string>;
  blockers: string[];
  warnings: string[];
}

interface Side {
  id: string;
  name: string;
}

/** Most places named for one reference; the rest are counted. */
const placesShown = 3;

export async function resolveReferences(
  pingone: PingOneClient,
  credentials: WorkerCredentials,
  envs: { from: Side; to: Side },
  flows: ReferencesInFlow[],
  /** The pair's mapping profile, asked where no single object of the name is found. */
  profile?: ProfileLookup,
): Promise<ResolvedReferences> {
  const { from, to } = envs;
  const gathered = gather(flows);
  const kinds = pingOneObjectKinds.filter((kind) => [...gathered.values()].some((g) => g.kind === kind));
  const needsVariants = [...gathered.values()].some((g) => g.kind === 'templateVariant');
  // Every kind's list, in both environments, at once: one round trip whatever the flows use.
  const [lists, variants] = await Promise.all([
    Promise.all(
      kinds.map(async (kind) => {
        const { plural } = objectCollections[kind];
        const [source, destination] = await Promise.all([
          readList(`${from.name}'s ${plural}`, () => listObjects(pingone, credentials, from.id, kind)),
          readList(`${to.name}'s ${plural}`, () => listObjects(pingone, credentials, to.id, kind)),
        ]);
        return [kind, { source, destination }] as const;
      }),
    ),
    needsVariants
      ? readList(`${to.name}'s notification templates`, () =>
          listTemplateVariants(pingone, credentials, to.id),
        )
      : undefined,
  ]);
  const byKind = new Map(lists);

  const references: PlannedReference[] = [];
  const objects = new Map<string, string>();
  const blockers: string[] = [];
  const warnings: string[] = [];
  for (const { kind, value, sites } of gathered.values()) {
    const usedBy = placesOf(sites);
    const where = said(usedBy);
    if (kind === 'environment') {
      objects.set(value, to.id);
      references.push({
        kind,
        sourceId: value,
        name: from.name,
        destinationId: to.id,
        status: 'mapped',
        usedBy,
      });
      continue;
    }
    if (kind === 'unclassified') {
      warnings.push(
        `${where} holds the ID ${value}, and FlightIQ cannot tell what it is: it is copied unchanged. Check it in ${to.name} after the promotion.`,
      );
      references.push({
        kind,
        sourceId: value,
        name: null,
        destinationId: null,
        status: 'unclassified',
        usedBy,
      });
      continue;
    }
    if (kind === 'templateVariant') {
      const entry = { kind, sourceId: value, name: value, destinationId: null, usedBy };
      if (!variants || 'problem' in variants) {
        warnings.push(
          `FlightIQ could not check that ${to.name} has the notification template variant "${value}" that ${where} sends${variants ? ` (${variants.problem})` : ''}.`,
        );
        references.push({ ...entry, status: 'unreadable' });
      } else if (variants.items.has(value.toLowerCase())) {
        references.push({ ...entry, status: 'mapped' });
      } else {
        blockers.push(
          `${to.name} has no notification template content variant named "${value}", which ${where} sends. Add it to the template in ${to.name} (Notifications → Templates), then request again.`,
        );
        references.push({ ...entry, status: 'missing' });
      }
      continue;
    }
    const { noun, plural, role } = objectCollections[kind];
    const read = byKind.get(kind);
    const refused = !read
      ? { env: to, problem: undefined }
      : 'problem' in read.source
        ? { env: from, problem: read.source.problem }
        : 'problem' in read.destination
          ? { env: to, problem: read.destination.problem }
          : undefined;
    if (!read || refused || 'problem' in read.source || 'problem' in read.destination) {
      const env = refused?.env ?? to;
      blockers.push(
        `FlightIQ could not read ${env.name}'s ${plural}${refused?.problem ? ` (${refused.problem})` : ''}, so it cannot find the ${noun} ${where} uses in ${to.name}. Give the worker app a role that reads them on ${env.name} (for example ${role}), then request again.`,
      );
      references.push({
        kind,
        sourceId: value,
        name: null,
        destinationId: null,
        status: 'unreadable',
        usedBy,
      });
      continue;
    }
    const source = read.source.items.find((object) => object.id.toLowerCase() === value.toLowerCase());
    if (!source) {
      warnings.push(
        `${where} uses the ${noun} ${value}, which ${from.name} does not have: it is copied unchanged, and does not work in ${from.name} either.`,
      );
      references.push({
        kind,
        sourceId: value,
        name: null,
        destinationId: null,
        status: 'not_in_source',
        usedBy,
      });
      continue;
    }
    const found = byName(kind, source, read.destination.items, profile, {
      to: to.name,
      where,
      noun,
      plural,
    });
    if (found.destinationId) objects.set(value, found.destinationId);
    if (found.blocker) blockers.push(found.blocker);
    references.push({ ...found.reference, kind, sourceId: value, name: source.name, usedBy });
  }
  return { references: references.sort(byKindAndName), objects, blockers, warnings };
}

/**
 * A source object found in the destination by its name: exactly one of that name maps it; otherwise the
 * pair's mapping profile is asked, and without an entry there the name's own blocker stands.
 */
function byName(
  kind: PingOneObjectKind,
  source: NamedObject,
  destination: readonly NamedObject[],
  profile: ProfileLookup | undefined,
  words: { to: string; where: string; noun: string; plural: string },
): {
  reference: Pick<PlannedReference, 'destinationId' | 'destinationName' | 'status'>;
  destinationId?: string;
  blocker?: string;
} {
  const matches = destination.filter((object) => object.name.toLowerCase() === source.name.toLowerCase());
  const [only] = matches;
  if (matches.length === 1 && only)
    return { reference: { destinationId: only.id, status: 'mapped' }, destinationId: only.id };
  const status = matches.length === 0 ? 'missing' : 'ambiguous';
  const profiled = profile?.answer(kind, source, destination);
  if (profiled && 'blocker' in profiled)
    return { reference: { destinationId: null, status }, blocker: profiled.blocker };
  if (profiled) {
    const { destinationId, destinationName } = profiled;
    return { reference: { destinationId, destinationName, status: 'mapped' }, destinationId };
  }
  const { to, where, noun, plural } = words;
  return {
    reference: { destinationId: null, status },
    blocker:
      status === 'missing'
        ? `${to} has no ${noun} named "${source.name}", which ${where} uses. Create it there, then request again.`
        : `${to} has ${matches.length} ${plural} named "${source.name}"; FlightIQ cannot tell which one ${where} should use. Rename the extra ones in ${to}.`,
  };
}

type Read<T> = { items: T } | { problem: string };

/**
 * A list, or what kept FlightIQ from reading it when the worker may not (a missing role: the plan says
 * so). Any other failure stops the plan, saying which list of which environment it was.
 */
async function readList<T>(what: string, read: () => Promise<T>): Promise<Read<T>> {
  try {
    return { items: await read() };
  } catch (error) {
    const problem = problemOf(error);
    if (problem?.code === 'missing_role') return { problem: problem.message };
    if (error instanceof PingOneError)
      throw new PingOneError(error.code, `Reading ${what} failed: ${error.message}`, error.details);
    throw error;
  }
}

type Gathered = { kind: ResolvedKind; value: string; sites: (ReferenceSite & { flow: string })[] };

/** The references of every flow that resolution deals with, each once, with every place it is used. */
function gather(flows: ReferencesInFlow[]): Map<string, Gathered> {
  const gathered = new Map<string, Gathered>();
  for (const { flow, references } of flows) {
    for (const reference of references) {
      const { kind } = reference;
      if (kind === 'connectorInstance' || kind === 'subflow' || kind === 'form') continue;
      const key = `${kind}\u0000${reference.value.toLowerCase()}`;
      const entry = gathered.get(key) ?? { kind, value: reference.value, sites: [] };
      entry.sites.push(...reference.sites.map((site) => ({ ...site, flow })));
      gathered.set(key, entry);
    }
  }
  return gathered;
}

function placesOf(sites: (ReferenceSite & { flow: string })[]): string[] {
  const places = new Set<string>();
  for (const site of sites) {
    const property = site.property.split(/[.[ ]/)[site.property.startsWith('properties.') ? 1 : 0];
    places.add(
      site.nodeId === 'settings' || site.nodeId === 'trigger'
        ? `${site.flow}'s ${site.nodeId} (${site.property})`
        : `"${site.node}" (${property}) in ${site.flow}`,
    );
  }
  return [...places];
}

function said(places: string[]): string {
  const shown = places.slice(0, placesShown);
  const more = places.length - shown.length;
  const list = more > 0 ? [...shown, `${more} more`] : shown;
  return list.length <= 1 ? (list[0] ?? 'a node') : `${list.slice(0, -1).join(', ')} and ${list.at(-1)}`;
}

const kindOrder: ResolvedKind[] = ['environment', ...pingOneObjectKinds, 'templateVariant', 'unclassified'];

function byKindAndName(a: PlannedReference, b: PlannedReference): number {
  return (
    kindOrder.indexOf(a.kind) - kindOrder.indexOf(b.kind) ||
    (a.name ?? a.sourceId).localeCompare(b.name ?? b.sourceId)
  );
}

/**
 * One reference of a plan in words, the same on every front end: what it is, and what the promotion
 * does with it. `style` makes names from PingOne safe to show and marks them (Slack: escaped, bold).
 */
export function referenceText(
  reference: PlannedReference,
  envs: { from: string; to: string },
  style: { escape(text: string): string; name(text: string): string } = {
    escape: (text) => text,
    name: (text) => `"${text}"`,
  },
): { text: string; problem: boolean } {
  const named = (text: string) => style.name(style.escape(text));
  const { to, from } = { to: style.escape(envs.to), from: style.escape(envs.from) };
  const where = reference.usedBy[0] ? ` (${style.escape(reference.usedBy[0])})` : '';
  switch (reference.kind) {
    case 'environment':
      return { text: `${from}'s environment ID → ${to}'s`, problem: false };
    case 'unclassified':
      return {
        text: `An ID of unknown kind, ${style.escape(reference.sourceId)}${where}: copied unchanged`,
        problem: true,
      };
    case 'templateVariant': {
      const what = `Notification template variant ${named(reference.sourceId)}`;
      return reference.status === 'mapped'
        ? { text: `${what} → found in ${to}`, problem: false }
        : reference.status === 'missing'
          ? { text: `${what}: missing in ${to}`, problem: true }
          : { text: `${what}: not checked`, problem: true };
    }
  }
  const noun = objectCollections[reference.kind].noun;
  const what = `${noun.charAt(0).toUpperCase()}${noun.slice(1)} ${reference.name ? named(reference.name) : style.escape(reference.sourceId)}`;
  switch (reference.status) {
    case 'mapped':
      return reference.destinationName === undefined
        ? { text: `${what} → ${to}'s ${named(reference.name ?? '')}`, problem: false }
        : { text: `${what} → ${to}'s ${named(reference.destinationName)} (by profile)`, problem: false };
    case 'missing':
      return { text: `${what}: missing in ${to}`, problem: true };
    case 'ambiguous':
      return { text: `${what}: several of that name in ${to}`, problem: true };
    case 'not_in_source':
      return { text: `${what}${where}: not in ${from} either, copied unchanged`, problem: true };
    default:
      return { text: `${what}: FlightIQ could not read them`, problem: true };
  }
}
