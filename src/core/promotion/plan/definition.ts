import { type IdMaps, idMapOf, renameCompanyVariables, rewriteGraph } from '../../davinci/flow-graph.js';
import { rewriteIds } from '../../davinci/references.js';
import { stableJson } from '../../stable-json.js';
import { definitionKeys, type FlowDefinition } from './types.js';

/** A flow's definition as a promotion writes it: what is copied, what the destination keeps, and what counts as the same. */

/** Whether a flow definition carries a graph with nodes: an export without one is no copy of the flow. */
export function hasGraph(graph: unknown): boolean {
  const nodes = (graph as { elements?: { nodes?: unknown } } | undefined)?.elements?.nodes;
  return Array.isArray(nodes);
}

export function definitionOf(flow: Record<string, unknown> & { name: string }): FlowDefinition {
  const definition: FlowDefinition = { name: flow.name };
  for (const key of definitionKeys) if (flow[key] !== undefined) definition[key] = flow[key];
  return definition;
}

/**
 * Settings that describe the environment rather than the flow (how much it logs, debug mode): an update
 * keeps the destination's, so Production's log level is never Staging's, and the diff, which leaves them
 * out, tells the truth. A new flow takes the source's.
 */
export const environmentSettings = ['logLevel', 'debugMode'] as const;

export function keepingSettings(
  definition: FlowDefinition,
  destination: FlowDefinition | undefined,
): FlowDefinition {
  if (!destination) return definition;
  const theirs = (destination.settings ?? {}) as Record<string, unknown>;
  const settings = { ...((definition.settings ?? {}) as Record<string, unknown>) };
  for (const key of environmentSettings) {
    if (key in theirs) settings[key] = theirs[key];
    else delete settings[key];
  }
  return definition.settings === undefined && Object.keys(settings).length === 0
    ? definition
    : { ...definition, settings };
}

/**
 * The definition as it is written into the destination: every mapped ID replaced wherever it sits, in
 * the graph and in the flow's settings, trigger and schemas alike, and company variables the
 * destination calls otherwise renamed.
 */
export function rewrittenDefinition(definition: FlowDefinition, maps: IdMaps): FlowDefinition {
  const ids = idMapOf(maps);
  const rewritten: FlowDefinition = { name: definition.name };
  for (const key of definitionKeys) {
    const value = definition[key];
    if (value === undefined) continue;
    const mapped = key === 'graphData' ? rewriteGraph(value, maps) : rewriteIds(value, ids);
    rewritten[key] = renameCompanyVariables(mapped, maps.variables ?? new Map());
  }
  return rewritten;
}

/**
 * Whether two definitions hold the same flow. PingOne adds to what it saves (the linter's
 * `allLinterErrors` and per-node `linterError`, node properties left null), so those are not content,
 * and no properties is the same as none.
 */
export function sameContent(a: FlowDefinition, b: FlowDefinition): boolean {
  return definitionKeys.every(
    (key) => stableJson(comparableContent(key, a[key])) === stableJson(comparableContent(key, b[key])),
  );
}

/** A definition as text, without what PingOne adds on save: equal for the same flow however it was read. */
export function contentOf(definition: FlowDefinition): string {
  return stableJson(
    Object.fromEntries([
      ['name', definition.name],
      ...definitionKeys.map((key) => [key, comparableContent(key, definition[key])]),
    ]),
  );
}

export function comparableContent(key: (typeof definitionKeys)[number], value: unknown): unknown {
  if (key !== 'graphData' || !value || typeof value !== 'object') return value;
  const { allLinterErrors: _linter, elements, ...graph } = value as Record<string, unknown>;
  const nodes = (elements as { nodes?: unknown } | undefined)?.nodes;
  if (!Array.isArray(nodes)) return { ...graph, elements };
  const cleaned = nodes.map((node: { data?: Record<string, unknown> }) => {
    if (!node?.data) return node;
    const { linterError: _errors, properties, ...data } = node.data;
    const kept =
      properties && typeof properties === 'object'
        ? Object.fromEntries(
            Object.entries(properties as Record<string, unknown>).filter(
              ([, property]) => property !== null && (property as { value?: unknown })?.value !== null,
            ),
          )
        : properties;
    const empty = !kept || (typeof kept === 'object' && Object.keys(kept).length === 0);
    return { ...node, data: { ...data, ...(empty ? {} : { properties: kept }) } };
  });
  return { ...graph, elements: { ...(elements as object), nodes: cleaned } };
}
