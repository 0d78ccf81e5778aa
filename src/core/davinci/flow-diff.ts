import { stableJson } from '../stable-json.js';
import { connectionsOf, variableReferencesOf } from './flow-graph.js';

/**
 * What changes inside a DaVinci flow when a promotion writes it: nodes added, removed and changed
 * (named by their label and connector), the properties that changed, the flow's settings and schemas,
 * and what the flow uses. Compared the way Ping's own tools compare flows (docs/pingone-facts.md,
 * "Comparing flows"): designer cues (positions, selection flags, zoom, colour) are layout; environment
 * and version metadata (IDs, dates, versions, log level) are not changes at all; connector instances
 * and subflows are compared after the plan's mapping, and subflows by name, so IDs that only differ by
 * environment never show. Secret values are never carried into a diff.
 */

export interface PropertyChange {
  /** Where: a node property (`message`), a setting (`settings.csp`), a schema field (`input foo`). */
  path: string;
  /**
   * Shortened display values; absent when the side has none, or when `hidden`. Secrets inside them
   * (a header's value, a key in a URL or a JSON body) read `«secret»`.
   */
  before?: string;
  after?: string;
  /** A secret: that it changed is said, with its length, never what. */
  hidden?: true;
  /** For a hidden change: how long the value was and is, in characters. */
  sizes?: { before: number; after: number };
  /** A secret where secrets do not belong (code, a script, a body): worth a look before approving. */
  warning?: string;
}

export interface NodeRef {
  id: string;
  label: string;
  /** Connector and capability (`httpConnector · createSession`), or the node type (`Evaluator`). */
  kind: string;
}

export interface NodeChange extends NodeRef {
  changes: PropertyChange[];
}

export type DiffVerdict = 'new' | 'same' | 'layout_only' | 'changed';

export interface FlowDiff {
  /** The flow as the destination will call it. */
  flow: string;
  verdict: DiffVerdict;
  nodes: { added: NodeRef[]; removed: NodeRef[]; changed: NodeChange[] };
  /** Links between nodes added and removed. */
  links: { added: number; removed: number };
  /** The flow's own settings, schemas, description and trigger. */
  flowChanges: PropertyChange[];
  /** What the flow uses once written: variables (`name (context)`) and connector instances by name. */
  uses: { variables: string[]; connectors: string[] };
  /** Set when lists were cut to keep a stored plan small; the counts before cutting. */
  cut?: { nodes: number; changes: number };
}

export interface DiffInput {
  name?: unknown;
  description?: unknown;
  color?: unknown;
  graphData?: unknown;
  inputSchema?: unknown;
  outputSchema?: unknown;
  settings?: unknown;
  trigger?: unknown;
}

export interface DiffContext {
  /** Destination connector-instance ID → its name, for `uses`. */
  connectionNames?: ReadonlyMap<string, string>;
}

/** Bounds that keep a stored plan small whatever the flow: a 300-node rewrite still fits. */
const limits = { nodesPerList: 400, changesPerNode: 25, changesPerFlow: 2_000, valueChars: 120 };

interface Node {
  id: string;
  data: Record<string, unknown>;
  /** Everything beside `data`: the designer's cues (position, selection, lock…), layout only. */
  outside: Record<string, unknown>;
}

// Node data that is environment or editor state, not behaviour: the connection's own name differs by
// environment (the instance is compared by its mapped ID), and the linter's verdict is derived.
const ignoredNodeData = new Set(['id', 'name', 'idUnique', 'linterError', 'status']);
// Settings that are the environment's, not the flow's: an update keeps the destination's values
// (environmentSettings in promotion/plan/planner.ts), so they never change by a promotion.
const ignoredSettings = new Set(['logLevel', 'debugMode']);
// Settings that only change how the designer shows the flow.
const layoutSettings = new Set(['displayNodeIDs']);

export function diffFlows(
  before: DiffInput | undefined,
  after: DiffInput,
  name: string,
  context: DiffContext = {},
): FlowDiff {
  const uses = usesOf(after, context);
  const afterNodes = nodesOf(after.graphData);
  if (!before) {
    return finish({
      flow: name,
      verdict: 'new',
      nodes: { added: afterNodes.map(refOf), removed: [], changed: [] },
      links: { added: linksOf(after.graphData).size, removed: 0 },
      flowChanges: [],
      uses,
    });
  }
  const beforeNodes = nodesOf(before.graphData);
  const pairs = pairNodes(beforeNodes, afterNodes);
  let layout = false;
  const changed: NodeChange[] = [];
  for (const [old, now] of pairs.matched) {
    const changes = nodeChanges(old, now);
    if (changes.length > 0) changed.push({ ...refOf(now), changes });
    if (stableJson(old.outside) !== stableJson(now.outside)) layout = true;
  }
  // Links are compared by the nodes they join, in the after-flow's IDs.
  const renamed = new Map([...pairs.matched].map(([old, now]) => [old.id, now.id]));
  const beforeLinks = new Set(
    [...linksOf(before.graphData)].map((link) => {
      const [source = '', target = ''] = link.split('\u0000');
      return `${renamed.get(source) ?? source}\u0000${renamed.get(target) ?? target}`;
    }),
  );
  const afterLinks = linksOf(after.graphData);
  const links = {
    added: [...afterLinks].filter((link) => !beforeLinks.has(link)).length,
    removed: [...beforeLinks].filter((link) => !afterLinks.has(link)).length,
  };
  const flowChanges = flowLevelChanges(before, after);
  if (stableJson(canvasOf(before.graphData)) !== stableJson(canvasOf(after.graphData))) layout = true;
  if (stableJson(before.color ?? null) !== stableJson(after.color ?? null)) layout = true;
  if (settingsDiffer(before.settings, after.settings, layoutSettings)) layout = true;
  const nodes = { added: pairs.added.map(refOf), removed: pairs.removed.map(refOf), changed };
  const semantic =
    nodes.added.length +
    nodes.removed.length +
    changed.length +
    links.added +
    links.removed +
    flowChanges.length;
  return finish({
    flow: name,
    verdict: semantic > 0 ? 'changed' : layout ? 'layout_only' : 'same',
    nodes,
    links,
    flowChanges,
    uses,
  });
}

function finish(diff: FlowDiff): FlowDiff {
  const { added, removed, changed } = diff.nodes;
  const nodeCount = added.length + removed.length + changed.length;
  let changeCount = diff.flowChanges.length;
  for (const node of changed) changeCount += node.changes.length;
  if (
    added.length <= limits.nodesPerList &&
    removed.length <= limits.nodesPerList &&
    changed.length <= limits.nodesPerList &&
    changeCount <= limits.changesPerFlow
  ) {
    return diff;
  }
  let budget = limits.changesPerFlow;
  const keptChanged: NodeChange[] = [];
  for (const node of changed.slice(0, limits.nodesPerList)) {
    if (budget <= 0) break;
    const kept = node.changes.slice(0, Math.min(node.changes.length, budget));
    budget -= kept.length;
    keptChanged.push({ ...node, changes: kept });
  }
  return {
    ...diff,
    nodes: {
      added: added.slice(0, limits.nodesPerList),
      removed: removed.slice(0, limits.nodesPerList),
      changed: keptChanged,
    },
    cut: { nodes: nodeCount, changes: changeCount },
  };
}

function nodesOf(graph: unknown): Node[] {
  const nodes = (graph as { elements?: { nodes?: unknown } } | undefined)?.elements?.nodes;
  if (!Array.isArray(nodes)) return [];
  const found: Node[] = [];
  for (const raw of nodes as Record<string, unknown>[]) {
    const data = raw?.data as Record<string, unknown> | undefined;
    if (!data || typeof data.id !== 'string') continue;
    const { data: _data, ...outside } = raw;
    found.push({ id: data.id, data, outside });
  }
  return found;
}

function linksOf(graph: unknown): Set<string> {
  const edges = (graph as { elements?: { edges?: unknown } } | undefined)?.elements?.edges;
  const links = new Set<string>();
  if (!Array.isArray(edges)) return links;
  for (const edge of edges as { data?: { source?: unknown; target?: unknown } }[]) {
    const { source, target } = edge?.data ?? {};
    if (typeof source === 'string' && typeof target === 'string') links.add(`${source}\u0000${target}`);
  }
  return links;
}

/** The canvas-wide designer state (pan, zoom, renderer…): everything of the graph but its elements. */
function canvasOf(graph: unknown): unknown {
  if (!graph || typeof graph !== 'object') return null;
  const { elements: _elements, ...canvas } = graph as Record<string, unknown>;
  return canvas;
}

/**
 * Nodes keep their IDs when a flow is exported and written elsewhere (docs/pingone-facts.md,
 * "Environment-local IDs"), so they are paired by ID; what is left is paired when exactly one node on
 * each side has the same connector, capability and label (a node re-created in one environment by hand).
 */
function pairNodes(before: Node[], after: Node[]) {
  const afterById = new Map(after.map((node) => [node.id, node]));
  const matched = new Map<Node, Node>();
  const leftBefore: Node[] = [];
  for (const node of before) {
    const same = afterById.get(node.id);
    if (same) {
      matched.set(node, same);
      afterById.delete(node.id);
    } else leftBefore.push(node);
  }
  const leftAfter = [...afterById.values()];
  const signature = (node: Node) => `${refOf(node).kind}\u0000${refOf(node).label}`;
  const bySignature = (nodes: Node[]) => {
    const groups = new Map<string, Node[]>();
    for (const node of nodes) groups.set(signature(node), [...(groups.get(signature(node)) ?? []), node]);
    return groups;
  };
  const oldGroups = bySignature(leftBefore);
  const newGroups = bySignature(leftAfter);
  for (const [key, olds] of oldGroups) {
    const news = newGroups.get(key);
    if (olds.length === 1 && news?.length === 1 && olds[0] && news[0]) matched.set(olds[0], news[0]);
  }
  const pairedAfter = new Set(matched.values());
  return {
    matched,
    added: after.filter((node) => !pairedAfter.has(node)),
    removed: before.filter((node) => !matched.has(node)),
  };
}

function refOf(node: Node): NodeRef {
  const { data } = node;
  const text = (value: unknown) =>
    typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  const title = (data.properties as Record<string, { value?: unknown }> | undefined)?.nodeTitle?.value;
  const nodeType = text(data.nodeType);
  const kind =
    nodeType === 'EVAL'
      ? 'Evaluator'
      : nodeType === 'ANNOTATION'
        ? 'Annotation'
        : [text(data.connectorId), text(data.capabilityName)].filter(Boolean).join(' · ') ||
          (nodeType ?? 'node');
  const label = text(title) ?? text(data.label) ?? text(data.name) ?? kind;
  return { id: node.id, label: shorten(label, 80), kind };
}

function nodeChanges(old: Node, now: Node): PropertyChange[] {
  const changes: PropertyChange[] = [];
  const keys = new Set([...Object.keys(old.data), ...Object.keys(now.data)]);
  for (const key of [...keys].sort()) {
    if (ignoredNodeData.has(key) || key === 'properties') continue;
    if (!sameValue(old.data[key], now.data[key])) {
      changes.push(change(key, old.data[key], now.data[key]));
    }
  }
  const before = (old.data.properties ?? {}) as Record<string, unknown>;
  const after = (now.data.properties ?? {}) as Record<string, unknown>;
  for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    const was = unwrap(before[key]);
    const is = unwrap(after[key]);
    if (sameValue(comparable(key, was), comparable(key, is))) continue;
    changes.push(change(key, was, is));
  }
  return changes.slice(0, limits.changesPerNode);
}

/** A property's value without DaVinci's `{ value: … }` wrapper. */
function unwrap(property: unknown): unknown {
  if (property && typeof property === 'object' && !Array.isArray(property) && 'value' in property) {
    return (property as { value: unknown }).value;
  }
  return property;
}

/**
 * What a value is for comparing: rich text (Slate JSON in a string, formatted differently by
 * different exports) as its parsed form, a subflow reference by the subflow's name (its ID differs by
 * environment and is mapped by the plan), and the loose equivalences real exports show ("-1" and -1,
 * "null" and null, {} and "").
 */
function comparable(key: string, value: unknown): unknown {
  if (key === 'subFlowId' && value && typeof value === 'object') {
    const label = (value as { label?: unknown }).label;
    if (typeof label === 'string') return { subflow: label };
  }
  return normalized(value);
}

function normalized(value: unknown): unknown {
  if (value === 'null' || value === undefined || value === '') return null;
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (/^-?\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
    if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
      try {
        return normalized(JSON.parse(trimmed));
      } catch {
        return value;
      }
    }
    return value;
  }
  if (Array.isArray(value)) return value.map(normalized);
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .map(([key, inner]) => [key, normalized(inner)] as const)
      .filter(([, inner]) => inner !== null);
    return entries.length === 0 ? null : Object.fromEntries(entries);
  }
  return value;
}

function sameValue(a: unknown, b: unknown): boolean {
  return stableJson(normalized(a)) === stableJson(normalized(b));
}

/**
 * A change as a reader may see it. Secrets are found by structure, never by what the text happens to
 * contain: a property or key named like one, the value of a header pair named like one, a query
 * parameter named like one, a field marked secure or of type secret. A property that is a secret as a
 * whole changes with its length shown; one with secrets inside shows the rest, the secrets as
 * `«secret»`; and a change only inside secrets is still said, so nothing a requester types can hide a
 * change from an approver.
 */
function change(path: string, before: unknown, after: unknown): PropertyChange {
  const name = path.split(/[.\s]/).at(-1) ?? path;
  if (secretName.test(name) || wholeSecret(before) || wholeSecret(after)) {
    return { path, hidden: true, sizes: { before: sizeOf(before), after: sizeOf(after) } };
  }
  const cleanBefore = redacted(before);
  const cleanAfter = redacted(after);
  const warning =
    codeLike.test(name) && (hasSecret(cleanBefore) || hasSecret(cleanAfter))
      ? 'holds something shaped like a secret, where secrets do not belong: check what it sends'
      : undefined;
  if (sameValue(cleanBefore, cleanAfter)) {
    return {
      path,
      hidden: true,
      sizes: { before: sizeOf(before), after: sizeOf(after) },
      ...(warning ? { warning } : {}),
    };
  }
  const shownBefore = display(cleanBefore);
  const shownAfter = display(cleanAfter);
  return {
    path,
    ...(shownBefore === undefined ? {} : { before: shownBefore }),
    ...(shownAfter === undefined ? {} : { after: shownAfter }),
    ...(warning ? { warning } : {}),
  };
}

// Names of values that must never be shown: properties, object keys, header names, query parameters.
const secretName =
  /secret|passw|pwd|token|api[-_]?key|apikey|private[-_]?key|credential|authorization|bearer|cookie|signature/i;
/** Properties that hold code or request bodies: a secret there is written into what the flow sends. */
const codeLike = /^(code|script|customScript|body|requestBody|rawBody|javascript|customHTML)$/i;
const hiddenMark = '«secret»';

/** A value PingOne itself masks, or a field that says it is secret. */
function wholeSecret(value: unknown): boolean {
  if (value === '******') return true;
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const marks = value as Record<string, unknown>;
  return (
    marks.secure === true ||
    marks.hashedVisibility === true ||
    marks.type === 'secret' ||
    marks.dataType === 'secret'
  );
}

/** A copy with every secret inside replaced by `«secret»`, found by where it sits. */
function redacted(value: unknown, key = ''): unknown {
  if (key && secretName.test(key) && value !== null && value !== undefined && value !== '') return hiddenMark;
  if (typeof value === 'string') return redactedText(value);
  if (Array.isArray(value)) return value.map((item) => redacted(item));
  if (!value || typeof value !== 'object') return value;
  const fields = value as Record<string, unknown>;
  if (wholeSecret(fields)) return { ...fields, ...('value' in fields ? { value: hiddenMark } : {}) };
  // A header or field given as a pair: `{ key: "Authorization", value: "Bearer …" }`.
  const pairName = [fields.key, fields.name, fields.header].find((item) => typeof item === 'string');
  const secretPair = typeof pairName === 'string' && secretName.test(pairName);
  return Object.fromEntries(
    Object.entries(fields).map(([field, item]) => [
      field,
      field === 'value' && secretPair && item ? hiddenMark : redacted(item, field),
    ]),
  );
}

function redactedText(text: string): string {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.stringify(redacted(JSON.parse(trimmed)));
    } catch {
      // Not JSON after all: read as text below.
    }
  }
  return text
    .replace(/([?&;])([^=&\s"'#]*)=([^&\s"'#]*)/g, (whole, separator: string, parameter: string) =>
      secretName.test(parameter) ? `${separator}${parameter}=${hiddenMark}` : whole,
    )
    .replace(
      /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi,
      (_whole, scheme: string) => `${scheme} ${hiddenMark}`,
    );
}

function hasSecret(value: unknown): boolean {
  return JSON.stringify(value ?? null).includes(hiddenMark);
}

function sizeOf(value: unknown): number {
  if (value === undefined || value === null) return 0;
  return typeof value === 'string' ? value.length : JSON.stringify(value).length;
}

/** A value as a person reads it: rich text as its text, with `{{…}}` where it inserts a value. */
function display(value: unknown): string | undefined {
  const plain = normalized(value);
  if (plain === null) return undefined;
  if (typeof plain === 'string') return shorten(plain.replace(/\s+/g, ' ').trim(), limits.valueChars);
  if (typeof plain === 'number' || typeof plain === 'boolean') return String(plain);
  const rich = richText(plain);
  if (rich !== undefined) return shorten(rich, limits.valueChars);
  if (plain && typeof plain === 'object' && !Array.isArray(plain)) {
    const { label } = plain as { label?: unknown };
    if (typeof label === 'string') return shorten(label, limits.valueChars);
  }
  return shorten(JSON.stringify(plain), limits.valueChars);
}

/** Slate rich text (an array of blocks with `children`) as plain text, or undefined if it is not. */
function richText(value: unknown): string | undefined {
  if (
    !Array.isArray(value) ||
    !value.every((block) => block && typeof block === 'object' && 'children' in block)
  ) {
    return undefined;
  }
  const parts: string[] = [];
  const walk = (node: unknown) => {
    if (!node || typeof node !== 'object') return;
    const { text, children, data, type } = node as {
      text?: unknown;
      children?: unknown;
      data?: unknown;
      type?: unknown;
    };
    if ((type === 'link' || type === 'moustache') && typeof data === 'string') {
      parts.push(data);
      return;
    }
    if (typeof text === 'string') parts.push(text);
    if (Array.isArray(children)) for (const child of children) walk(child);
  };
  for (const block of value) {
    walk(block);
    parts.push(' ');
  }
  return parts.join('').replace(/\s+/g, ' ').trim();
}

function flowLevelChanges(before: DiffInput, after: DiffInput): PropertyChange[] {
  const changes: PropertyChange[] = [];
  if (!sameValue(before.description, after.description)) {
    changes.push(change('description', before.description, after.description));
  }
  // The trigger's type and, where set, how it re-authenticates (`configuration.mfa`, `.pwd`): a write
  // replaces both, so both are shown.
  const trigger = (flow: DiffInput) => (flow.trigger ?? {}) as Record<string, unknown>;
  for (const key of ['type', 'subtype'] as const) {
    if (!sameValue(trigger(before)[key], trigger(after)[key]))
      changes.push(
        change(key === 'type' ? 'trigger' : 'trigger.subtype', trigger(before)[key], trigger(after)[key]),
      );
  }
  const oldConfiguration = (trigger(before).configuration ?? {}) as Record<string, unknown>;
  const newConfiguration = (trigger(after).configuration ?? {}) as Record<string, unknown>;
  for (const key of [
    ...new Set([...Object.keys(oldConfiguration), ...Object.keys(newConfiguration)]),
  ].sort()) {
    if (!sameValue(oldConfiguration[key], newConfiguration[key]))
      changes.push(change(`trigger.configuration.${key}`, oldConfiguration[key], newConfiguration[key]));
  }
  const oldSettings = (before.settings ?? {}) as Record<string, unknown>;
  const newSettings = (after.settings ?? {}) as Record<string, unknown>;
  for (const key of [...new Set([...Object.keys(oldSettings), ...Object.keys(newSettings)])].sort()) {
    if (ignoredSettings.has(key) || layoutSettings.has(key)) continue;
    if (!sameValue(oldSettings[key], newSettings[key])) {
      changes.push(change(`settings.${key}`, oldSettings[key], newSettings[key]));
    }
  }
  changes.push(...schemaChanges('input', inputFields(before.inputSchema), inputFields(after.inputSchema)));
  changes.push(
    ...schemaChanges('output', outputFields(before.outputSchema), outputFields(after.outputSchema)),
  );
  return changes;
}

function settingsDiffer(before: unknown, after: unknown, keys: ReadonlySet<string>): boolean {
  const pick = (settings: unknown) =>
    [...keys].map((key) => normalized((settings as Record<string, unknown> | undefined)?.[key]));
  return stableJson(pick(before)) !== stableJson(pick(after));
}

/** Input schema fields by name (an array of `{ propertyName, preferredDataType, required, … }`). */
function inputFields(schema: unknown): Map<string, unknown> {
  const fields = new Map<string, unknown>();
  if (!Array.isArray(schema)) return fields;
  for (const field of schema as Record<string, unknown>[]) {
    if (typeof field?.propertyName !== 'string') continue;
    const { isExpanded: _designer, ...rest } = field;
    fields.set(field.propertyName, rest);
  }
  return fields;
}

/** Output schema properties by name (`{ output: { properties: { … } } }`, or without `output`). */
function outputFields(schema: unknown): Map<string, unknown> {
  const root = (schema as { output?: unknown } | undefined)?.output ?? schema;
  const properties = (root as { properties?: unknown } | undefined)?.properties;
  return new Map(
    properties && typeof properties === 'object' ? Object.entries(properties as Record<string, unknown>) : [],
  );
}

function schemaChanges(side: 'input' | 'output', before: Map<string, unknown>, after: Map<string, unknown>) {
  const changes: PropertyChange[] = [];
  for (const name of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    if (!sameValue(before.get(name), after.get(name))) {
      changes.push(change(`${side} ${name}`, before.get(name), after.get(name)));
    }
  }
  return changes;
}

function usesOf(flow: DiffInput, context: DiffContext): FlowDiff['uses'] {
  const variables = variableReferencesOf(flow.graphData)
    .map((reference) => `${reference.name} (${reference.context})`)
    .sort();
  const connectors = [
    ...new Set(
      connectionsOf(flow.graphData).map(
        (use) =>
          context.connectionNames?.get(use.connectionId) ?? use.name ?? use.connectorId ?? use.connectionId,
      ),
    ),
  ].sort();
  return { variables, connectors };
}

function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
