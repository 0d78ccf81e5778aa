import { rewriteIds } from './references.js';

/**
 * What a DaVinci flow graph refers to outside itself, and rewriting those references for another
 * environment: IDs are environment-local, so subflow IDs, connector-instance IDs and form IDs must be
 * mapped; variables are referred to by name (docs/pingone-facts.md, "Environment-local IDs").
 */

interface GraphNode {
  data?: {
    connectorId?: unknown;
    connectionId?: unknown;
    capabilityName?: unknown;
    name?: unknown;
    properties?: Record<string, { value?: unknown } | undefined>;
  };
}

/**
 * The contexts a DaVinci variable lives in; `flow` ones belong to one flow (docs/pingone-facts.md,
 * "Variables").
 */
export const variableContexts = ['company', 'flowInstance', 'user', 'flow'] as const;
export type VariableContext = (typeof variableContexts)[number];

/** A variable a flow uses, by name and context, with its type where the node says it. */
export interface VariableReference {
  name: string;
  context: VariableContext;
  dataType?: string;
}

/** A connector instance a node calls, with the connector it is an instance of. */
export interface ConnectionUse {
  connectionId: string;
  connectorId: string | undefined;
  /** The name the node carries for the instance, when it has one. */
  name: string | undefined;
}

function nodesOf(graph: unknown): GraphNode[] {
  const nodes = (graph as { elements?: { nodes?: unknown } } | undefined)?.elements?.nodes;
  return Array.isArray(nodes) ? (nodes as GraphNode[]) : [];
}

function subflowReference(node: GraphNode): { id: string; name: string | undefined } | undefined {
  if (node.data?.connectorId !== 'flowConnector') return undefined;
  const value = node.data.properties?.subFlowId?.value as { value?: unknown; label?: unknown } | undefined;
  if (typeof value?.value !== 'string' || value.value === '') return undefined;
  return { id: value.value, name: typeof value.label === 'string' ? value.label : undefined };
}

/** Subflows a flow starts (flowConnector nodes' `subFlowId`), each once. */
export function subflowsOf(graph: unknown): { id: string; name: string | undefined }[] {
  const seen = new Map<string, { id: string; name: string | undefined }>();
  for (const node of nodesOf(graph)) {
    const reference = subflowReference(node);
    if (reference && !seen.has(reference.id)) seen.set(reference.id, reference);
  }
  return [...seen.values()];
}

/** Connector instances the nodes call (`connectionId`), each once. */
export function connectionsOf(graph: unknown): ConnectionUse[] {
  const uses = new Map<string, ConnectionUse>();
  for (const node of nodesOf(graph)) {
    const id = node.data?.connectionId;
    if (typeof id !== 'string' || id === '' || uses.has(id)) continue;
    uses.set(id, {
      connectionId: id,
      connectorId: typeof node.data?.connectorId === 'string' ? node.data.connectorId : undefined,
      name: typeof node.data?.name === 'string' ? node.data.name : undefined,
    });
  }
  return [...uses.values()];
}

/** PingOne forms the nodes show (`properties.form.value`). */
export function formsOf(graph: unknown): string[] {
  const ids = new Set<string>();
  for (const node of nodesOf(graph)) {
    const id = node.data?.properties?.form?.value;
    if (typeof id === 'string' && id !== '') ids.add(id);
  }
  return [...ids];
}

// `{{global.company.variables.x}}` (company), `{{global.variables.x}}` (flowInstance),
// `{{global.flow.variables.x}}` (flow) and `{{global.userInfo.variables.x}}` (user), as real exports write
// them (docs/pingone-facts.md, "Variable references in flows"). A dot after the name reads a property of
// an object variable, so the name ends there.
const templateReference = /\{\{\s*global\.(company\.|flow\.|userInfo\.)?variables\.([^.{}\s"\\]+)/g;
const contextOfScope: Readonly<Record<string, VariableContext>> = {
  'company.': 'company',
  'flow.': 'flow',
  'userInfo.': 'user',
};

// The Variables connector labels each saved variable "name (type - context)".
const savedLabel = /\((\w+) - (\w+)\)\s*$/;

/**
 * Every variable the nodes use, each once per context (a name used in two contexts is two variables):
 * template references in any property, the variables the Variables connector saves (`saveVariables` of
 * saveValue and saveValueUserInfo, `saveFlowVariables` of saveFlowValue), and the one incrementByN adds to.
 */
export function variableReferencesOf(graph: unknown): VariableReference[] {
  const found = new Map<string, VariableReference>();
  const add = (reference: VariableReference) => {
    const key = `${reference.context}\u0000${reference.name}`;
    const known = found.get(key);
    if (!known) found.set(key, reference);
    else if (!known.dataType && reference.dataType) known.dataType = reference.dataType;
  };
  for (const match of JSON.stringify(graph ?? {}).matchAll(templateReference)) {
    const [, scope, name] = match;
    if (!name) continue;
    add({ name, context: (scope ? contextOfScope[scope] : undefined) ?? 'flowInstance' });
  }
  for (const node of nodesOf(graph)) {
    for (const [property, fallback] of [
      ['saveVariables', 'flowInstance'],
      ['saveFlowVariables', 'flow'],
    ] as const) {
      const saved = node.data?.properties?.[property]?.value;
      if (!Array.isArray(saved)) continue;
      for (const entry of saved as { name?: unknown; type?: unknown; label?: unknown }[]) {
        if (typeof entry?.name !== 'string' || entry.name === '') continue;
        const label = typeof entry.label === 'string' ? savedLabel.exec(entry.label) : null;
        const context = variableContexts.find((candidate) => candidate === label?.[2]) ?? fallback;
        const dataType = typeof entry.type === 'string' ? entry.type : label?.[1];
        add({ name: entry.name, context, ...(dataType ? { dataType } : {}) });
      }
    }
    // incrementByN adds to the flowInstance variable it names (`properties.variable.value`).
    const incremented = node.data?.properties?.variable?.value;
    if (
      node.data?.connectorId === 'variablesConnector' &&
      node.data.capabilityName === 'incrementByN' &&
      typeof incremented === 'string' &&
      incremented.trim() !== '' &&
      !incremented.includes('{{')
    ) {
      add({ name: incremented.trim(), context: 'flowInstance', dataType: 'number' });
    }
  }
  return [...found.values()];
}

export interface IdMaps {
  flows: ReadonlyMap<string, { id: string; name: string }>;
  connections: ReadonlyMap<string, string>;
  forms: ReadonlyMap<string, string>;
  /** PingOne objects (populations, policies…) and the environment itself; absent in plans stored before. */
  objects?: ReadonlyMap<string, string>;
  /** Destination flow ID → the version a pinned `subFlowVersionId` of it becomes. */
  versions?: ReadonlyMap<string, number>;
  /** Company variable name → the name the destination gives it (a mapping profile's entry). */
  variables?: ReadonlyMap<string, string>;
}

/** A subflow started at a fixed version (`subFlowVersionId` a number other than -1, "latest"). */
export interface SubflowPin {
  subflowId: string;
  version: number;
  node: string;
}

export function subflowPins(graph: unknown): SubflowPin[] {
  const pins: SubflowPin[] = [];
  for (const node of nodesOf(graph)) {
    const reference = subflowReference(node);
    const version = pinnedVersion(node.data?.properties?.subFlowVersionId?.value);
    if (reference && version !== undefined) {
      const label = typeof node.data?.name === 'string' ? node.data.name : reference.name;
      pins.push({ subflowId: reference.id, version, node: label ?? reference.id });
    }
  }
  return pins;
}

/** A pinned version number, as a number or a numeric string; undefined for -1 (latest) or none. */
function pinnedVersion(value: unknown): number | undefined {
  const number =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && value.trim() !== ''
        ? Number(value)
        : Number.NaN;
  return Number.isInteger(number) && number >= 0 ? number : undefined;
}

/** Every mapped ID as one map, source → destination. */
export function idMapOf(maps: IdMaps): Map<string, string> {
  const ids = new Map<string, string>();
  for (const [from, to] of maps.connections) ids.set(from, to);
  for (const [from, to] of maps.forms) ids.set(from, to);
  for (const [from, to] of maps.objects ?? []) ids.set(from, to);
  for (const [from, to] of maps.flows) ids.set(from, to.id);
  return ids;
}

/**
 * A copy of the graph with every mapped reference pointing at the destination's objects, wherever it
 * sits (core/davinci/references.ts), and each started subflow labelled with its destination name.
 */
export function rewriteGraph(graph: unknown, maps: IdMaps): unknown {
  const copy = rewriteIds(graph, idMapOf(maps));
  const names = new Map([...maps.flows.values()].map((flow) => [flow.id, flow.name]));
  for (const node of nodesOf(copy)) {
    const subflow = node.data?.properties?.subFlowId?.value as
      | { value?: unknown; label?: unknown }
      | undefined;
    if (node.data?.connectorId !== 'flowConnector' || typeof subflow?.value !== 'string') continue;
    const name = names.get(subflow.value);
    if (name !== undefined) subflow.label = name;
    // A pinned version is the source's number: the destination's version of that subflow replaces it.
    const pin = node.data.properties?.subFlowVersionId;
    const version = maps.versions?.get(subflow.value);
    if (pin && version !== undefined && pinnedVersion(pin.value) !== undefined)
      pin.value = typeof pin.value === 'string' ? String(version) : version;
  }
  return copy;
}

const companyTemplate = /(\{\{\s*global\.company\.variables\.)([^.{}\s"\\]+)/g;

/**
 * A copy of a definition's part with company variables renamed: in every template reference, in the
 * rich-text pill that shows one (its `url` and label are the name), and in the Variables connector's
 * saves labelled as company ones. Variables are named, never given by ID, so this is the only rewrite a
 * variable the destination calls otherwise needs. Each text is renamed once, so a profile mapping "a" to
 * "b" and "b" to "c" never turns "a" into "c".
 */
export function renameCompanyVariables(value: unknown, renames: ReadonlyMap<string, string>): unknown {
  if (renames.size === 0 || value === undefined) return value;
  const copy = renamedLeaves(value, renames);
  for (const node of nodesOf(copy)) {
    const saved = node.data?.properties?.saveVariables?.value;
    if (!Array.isArray(saved)) continue;
    for (const entry of saved as { name?: unknown; label?: unknown }[]) {
      const label = typeof entry?.label === 'string' ? savedLabel.exec(entry.label) : null;
      const renamed = typeof entry?.name === 'string' ? renames.get(entry.name) : undefined;
      if (renamed === undefined || label?.[2] !== 'company') continue;
      entry.name = renamed;
      entry.label = `${renamed} (${label[1]} - company)`;
    }
  }
  return copy;
}

function renamedLeaves(value: unknown, renames: ReadonlyMap<string, string>): unknown {
  if (typeof value === 'string') return renamedText(value, renames);
  if (Array.isArray(value)) return value.map((item) => renamedLeaves(item, renames));
  if (!value || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  // A rich-text pill: its data is the template, and its url and label the variable's name.
  const pill =
    typeof record.data === 'string'
      ? /^\{\{\s*global\.company\.variables\.([^.{}\s]+)\s*\}\}$/.exec(record.data)
      : null;
  const renamed = pill?.[1] === undefined ? undefined : renames.get(pill[1]);
  return Object.fromEntries(
    Object.entries(record).map(([key, item]) => {
      if (renamed !== undefined && pill?.[1] !== undefined) {
        if (key === 'url' && item === pill[1]) return [key, renamed];
        if (key === 'children' && Array.isArray(item))
          return [
            key,
            item.map((child) =>
              child?.text === pill[1] ? { ...child, text: renamed } : renamedLeaves(child, renames),
            ),
          ];
      }
      return [key, renamedLeaves(item, renames)];
    }),
  );
}

function renamedText(text: string, renames: ReadonlyMap<string, string>): string {
  if (!text.includes('global.company.variables.')) return text;
  // Rich text is a JSON string of Slate nodes (docs/pingone-facts.md, "Variable references in flows").
  if (text.trimStart().startsWith('[')) {
    try {
      const nodes: unknown = JSON.parse(text);
      return JSON.stringify(renamedLeaves(nodes, renames), null, text.includes('\n') ? 2 : undefined);
    } catch {
      // Not JSON after all: renamed as text below.
    }
  }
  return text.replace(companyTemplate, (whole, head: string, name: string) =>
    renames.get(name) === undefined ? whole : `${head}${renames.get(name)}`,
  );
}
