/**
 * Every environment-local reference in a DaVinci flow, found wherever a node keeps it, and every mapped
 * one rewritten wherever it sits. IDs of connector instances, subflows, forms and PingOne objects
 * (populations, policies, applications, identity providers, agreements) are the source environment's;
 * copied unchanged they make a promoted flow fail for end users, silently. Real flows keep them in
 * property values, in arrays of objects (`idpList`), as object keys (`externalIdentityProvider`), in
 * JSON held in strings (rich text, `"{}"` custom fields) and base64-encoded inside rich text
 * (`[[[skcomponent###…###…]]]`), so the walk looks in all of those, and so does the rewrite.
 *
 * A value is classified by the property it sits under (`notificationPolicyId`), else by being the ID of
 * an object the source environment is known to have; an ID-shaped value that is neither is reported as
 * unclassified, never passed over in silence.
 */

import type { PingOneObjectKind } from '../../pingone/environment-objects.js';

export type { PingOneObjectKind };

export type ReferenceKind =
  | 'connectorInstance'
  | 'subflow'
  | 'form'
  | 'environment'
  | PingOneObjectKind
  /** A notification template content variant, named (not an ID). */
  | 'templateVariant'
  | 'unclassified';

/** Where a reference sits: the node (or the flow's own settings), and the property path within it. */
export interface ReferenceSite {
  /** The node's ID, or `settings`, `trigger`, `inputSchema`, `outputSchema` for the flow's own parts. */
  nodeId: string;
  /** What a person calls the node: its title or label. */
  node: string;
  property: string;
}

export interface FoundReference {
  kind: ReferenceKind;
  /** The ID; for a template variant, its name. */
  value: string;
  sites: ReferenceSite[];
}

/** IDs the source environment is known to have, by kind: they classify bare IDs found anywhere. */
export type KnownIds = ReadonlyMap<string, ReferenceKind>;

/** A UUID, or DaVinci's 32-hex IDs (flows, connector instances). */
const idPattern = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32}';
const wholeId = new RegExp(`^(?:${idPattern})$`, 'i');
const embeddedIds = new RegExp(`(?<![0-9a-z-])(?:${idPattern})(?![0-9a-z-])`, 'gi');

/** Property names that say what the ID under them is (compared without case). */
const kindByProperty: Readonly<Record<string, ReferenceKind>> = {
  connectionid: 'connectorInstance',
  idpconnector: 'connectorInstance',
  subflowid: 'subflow',
  form: 'form',
  formid: 'form',
  population: 'population',
  populationid: 'population',
  p1populationid: 'population',
  notificationpolicyid: 'notificationPolicy',
  customnotificationpolicyid: 'notificationPolicy',
  notificationspolicyid: 'notificationPolicy',
  deviceauthenticationpolicyid: 'deviceAuthenticationPolicy',
  applicationid: 'application',
  applicationids: 'application',
  customapplicationid: 'application',
  identityproviderid: 'identityProvider',
  agreementid: 'agreement',
  verifypolicyid: 'verifyPolicy',
  templatevariant: 'templateVariant',
  customtemplatevariant: 'templateVariant',
};

/** Node data that is the node's own identity or the designer's, never a reference. */
const nodeOwnData = new Set([
  'id',
  'idUnique',
  'nodeType',
  'connectorId',
  'capabilityName',
  'label',
  'name',
  'status',
  'type',
  'linterError',
]);

/** Help texts of UI components: their example IDs are documentation, not references. */
const documentationKeys = new Set(['info']);

const attributeIds = new RegExp(`\\b([A-Za-z][\\w-]*)="(${idPattern})"`, 'gi');
const skComponent = /\[\[\[skcomponent###([A-Za-z0-9+/=]*)###([A-Za-z0-9+/=]*)\]\]\]/g;

export interface ScannedFlow {
  graphData?: unknown;
  settings?: unknown;
  trigger?: unknown;
  inputSchema?: unknown;
  outputSchema?: unknown;
}

/** Every environment-local reference of a flow definition, each once with every place it sits. */
export function scanReferences(flow: ScannedFlow, known: KnownIds = new Map()): FoundReference[] {
  const found = new Map<string, FoundReference>();
  const add = (kind: ReferenceKind, value: string, site: ReferenceSite) => {
    const key = `${kind}\u0000${kind === 'templateVariant' ? value : value.toLowerCase()}`;
    const entry = found.get(key) ?? { kind, value, sites: [] };
    if (!entry.sites.some((s) => s.nodeId === site.nodeId && s.property === site.property))
      entry.sites.push(site);
    found.set(key, entry);
  };
  const walker = new Walker(known, add);
  for (const node of nodesOf(flow.graphData)) {
    const data = node.data;
    if (!data || typeof data !== 'object') continue;
    const id = typeof data.id === 'string' ? data.id : '?';
    const where = { nodeId: id, node: nodeName(data) };
    for (const [key, value] of Object.entries(data)) {
      if (nodeOwnData.has(key)) continue;
      walker.walk(value, { ...where, path: key, kind: kindByProperty[key.toLowerCase()] });
    }
  }
  for (const part of ['settings', 'trigger', 'inputSchema', 'outputSchema'] as const) {
    if (flow[part] !== undefined)
      walker.walk(flow[part], { nodeId: part, node: `flow ${part}`, path: part, kind: undefined });
  }
  return settled([...found.values()]);
}

/**
 * An ID classified in one place is that kind everywhere: rich text repeats an identity provider's ID
 * in plain text beside the property that names it, and the repeat is not a second, unknown reference.
 */
function settled(references: FoundReference[]): FoundReference[] {
  const classified = new Map<string, FoundReference>();
  for (const reference of references)
    if (reference.kind !== 'unclassified') classified.set(reference.value.toLowerCase(), reference);
  return references.filter((reference) => {
    if (reference.kind !== 'unclassified') return true;
    const known = classified.get(reference.value.toLowerCase());
    if (!known) return true;
    for (const place of reference.sites)
      if (!known.sites.some((s) => s.nodeId === place.nodeId && s.property === place.property))
        known.sites.push(place);
    return false;
  });
}

/**
 * Classifies the IDs in a value that is not part of a graph (a variable's value), by the name it goes
 * by (`agreementId`) and the IDs known in the source.
 */
export function scanValue(
  value: unknown,
  site: { name: string; label: string },
  known: KnownIds = new Map(),
): FoundReference[] {
  const found: FoundReference[] = [];
  const walker = new Walker(known, (kind, id, where) => {
    const entry = found.find((f) => f.kind === kind && f.value.toLowerCase() === id.toLowerCase());
    if (entry) entry.sites.push(where);
    else found.push({ kind, value: id, sites: [where] });
  });
  walker.walk(value, {
    nodeId: site.name,
    node: site.label,
    path: site.name,
    kind: kindByProperty[site.name.toLowerCase()],
  });
  return found;
}

interface Place {
  nodeId: string;
  node: string;
  path: string;
  /** The kind the nearest named property says values under it are. */
  kind: ReferenceKind | undefined;
}

class Walker {
  constructor(
    private readonly known: KnownIds,
    private readonly add: (kind: ReferenceKind, value: string, site: ReferenceSite) => void,
  ) {}

  walk(value: unknown, place: Place): void {
    if (typeof value === 'string') return this.text(value, place);
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        this.walk(item, { ...place, path: `${place.path}[${i}]` });
      });
      return;
    }
    if (!value || typeof value !== 'object') return;
    for (const [key, item] of Object.entries(value)) {
      if (documentationKeys.has(key)) continue;
      if (wholeId.test(key)) this.id(key, { ...place, path: `${place.path}.${key} (key)` }, undefined);
      const named = kindByProperty[key.toLowerCase()];
      this.walk(item, { ...place, path: `${place.path}.${key}`, kind: named ?? place.kind });
    }
  }

  private text(value: string, place: Place): void {
    const trimmed = value.trim();
    if (trimmed === '' || trimmed.includes('{{')) {
      // A template reads a value at run time: nothing environment-local is written into it, except
      // what rich text around the template holds, which the JSON walk below finds.
      if (!trimmed.startsWith('[') && !trimmed.startsWith('{')) return;
    }
    if (place.kind === 'templateVariant') {
      if (!trimmed.startsWith('{') && !trimmed.startsWith('[') && !trimmed.includes('{{'))
        this.add('templateVariant', trimmed, site(place));
      return;
    }
    if (wholeId.test(trimmed)) return this.id(trimmed, place, place.kind);
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
      const parsed = parseJson(trimmed);
      if (parsed !== undefined) return this.walk(parsed, place);
    }
    for (const [, ...parts] of value.matchAll(skComponent)) {
      for (const part of parts) this.text(Buffer.from(part, 'base64').toString('utf8'), place);
    }
    const rest = value.replace(skComponent, '');
    // `name="value"` pairs (a decoded rich-text component): the name classifies like a property's.
    for (const [, name = '', id = ''] of rest.matchAll(attributeIds))
      this.id(id, { ...place, path: `${place.path} ${name}` }, kindByProperty[name.toLowerCase()]);
    for (const [id] of rest.replace(attributeIds, '').matchAll(embeddedIds)) this.id(id, place, undefined);
  }

  private id(value: string, place: Place, kind: ReferenceKind | undefined): void {
    const knownKind = this.known.get(value.toLowerCase());
    // What the source is known to have wins over a property's name: a flow ID under `form` is a flow.
    this.add(knownKind ?? kind ?? 'unclassified', value, site(place));
  }
}

function site(place: Place): ReferenceSite {
  return { nodeId: place.nodeId, node: place.node, property: place.path };
}

/**
 * A copy of `value` with every ID of `map` (compared without case) replaced by its mapped ID: as a whole
 * value, inside text, as an object key, and inside base64 rich-text components.
 */
export function rewriteIds<T>(value: T, map: ReadonlyMap<string, string>): T {
  if (map.size === 0) return structuredClone(value);
  const lower = new Map([...map].map(([from, to]) => [from.toLowerCase(), to]));
  return rewrite(value, lower) as T;
}

function rewrite(value: unknown, map: ReadonlyMap<string, string>): unknown {
  if (typeof value === 'string') return rewriteText(value, map);
  if (Array.isArray(value)) return value.map((item) => rewrite(item, map));
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [map.get(key.toLowerCase()) ?? key, rewrite(item, map)]),
  );
}

function rewriteText(value: string, map: ReadonlyMap<string, string>): string {
  const swapped = value.replace(embeddedIds, (id) => map.get(id.toLowerCase()) ?? id);
  return swapped.replace(skComponent, (whole, first: string, second: string) => {
    const encode = (part: string) => {
      const decoded = Buffer.from(part, 'base64').toString('utf8');
      const changed = rewriteText(decoded, map);
      return changed === decoded ? part : Buffer.from(changed, 'utf8').toString('base64');
    };
    const a = encode(first);
    const b = encode(second);
    return a === first && b === second ? whole : `[[[skcomponent###${a}###${b}]]]`;
  });
}

/** Every ID-shaped token in a value, wherever it sits (base64 rich text included): for checking a write. */
export function idsIn(value: unknown): Set<string> {
  const ids = new Set<string>();
  const visit = (item: unknown): void => {
    if (typeof item === 'string') {
      for (const [id] of item.matchAll(embeddedIds)) ids.add(id.toLowerCase());
      for (const [, ...parts] of item.matchAll(skComponent))
        for (const part of parts) visit(Buffer.from(part, 'base64').toString('utf8'));
    } else if (Array.isArray(item)) item.forEach(visit);
    else if (item && typeof item === 'object') {
      for (const [key, child] of Object.entries(item)) {
        if (wholeId.test(key)) ids.add(key.toLowerCase());
        visit(child);
      }
    }
  };
  visit(value);
  return ids;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

interface GraphNode {
  data?: Record<string, unknown>;
}

function nodesOf(graph: unknown): GraphNode[] {
  const nodes = (graph as { elements?: { nodes?: unknown } } | undefined)?.elements?.nodes;
  return Array.isArray(nodes) ? (nodes as GraphNode[]) : [];
}

/** A node as people call it: its title, label or name, else its connector or ID. */
export function nodeName(data: Record<string, unknown>): string {
  const title = (data.properties as Record<string, { value?: unknown }> | undefined)?.nodeTitle?.value;
  for (const candidate of [title, data.label, data.name, data.connectorId]) {
    if (typeof candidate === 'string' && candidate.trim() !== '' && !candidate.trim().startsWith('['))
      return candidate.trim();
  }
  return typeof data.id === 'string' ? data.id : 'a node';
}
