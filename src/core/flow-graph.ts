/**
 * What a DaVinci flow graph refers to outside itself, and rewriting those references for another
 * environment (reference §4.3, §4.5): IDs are environment-local, so subflow IDs, connector-instance IDs
 * and form IDs must be mapped; variables are referred to by name.
 */

interface GraphNode {
  data?: {
    connectorId?: unknown;
    connectionId?: unknown;
    properties?: Record<string, { value?: unknown } | undefined>;
  };
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

/** Connector instances the nodes call (`connectionId`). */
export function connectionsOf(graph: unknown): string[] {
  const ids = new Set<string>();
  for (const node of nodesOf(graph)) {
    const id = node.data?.connectionId;
    if (typeof id === 'string' && id !== '') ids.add(id);
  }
  return [...ids];
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

/** Variables the nodes name: variablesConnector `saveFlowVariables` entries and `{{global.variables.x}}`. */
export function variablesOf(graph: unknown): string[] {
  const names = new Set<string>();
  for (const node of nodesOf(graph)) {
    const saved = node.data?.properties?.saveFlowVariables?.value;
    if (Array.isArray(saved)) {
      for (const entry of saved) {
        const name = (entry as { name?: unknown })?.name;
        if (typeof name === 'string' && name !== '') names.add(name);
      }
    }
  }
  for (const match of JSON.stringify(graph ?? {}).matchAll(
    /\{\{\s*global\.variables\.([A-Za-z0-9_-]+)\s*\}\}/g,
  )) {
    if (match[1]) names.add(match[1]);
  }
  return [...names];
}

export interface IdMaps {
  flows: ReadonlyMap<string, { id: string; name: string }>;
  connections: ReadonlyMap<string, string>;
  forms: ReadonlyMap<string, string>;
}

/** A copy of the graph with every mapped reference pointing at the destination's objects. */
export function rewriteGraph(graph: unknown, maps: IdMaps): unknown {
  const copy = structuredClone(graph);
  for (const node of nodesOf(copy)) {
    const data = node.data;
    if (!data) continue;
    if (typeof data.connectionId === 'string') {
      data.connectionId = maps.connections.get(data.connectionId) ?? data.connectionId;
    }
    const form = data.properties?.form;
    if (form && typeof form.value === 'string') form.value = maps.forms.get(form.value) ?? form.value;
    const reference = subflowReference(node);
    const target = reference ? maps.flows.get(reference.id) : undefined;
    const subflow = data.properties?.subFlowId?.value as { value?: unknown; label?: unknown } | undefined;
    if (target && subflow) {
      subflow.value = target.id;
      subflow.label = target.name;
    }
  }
  return copy;
}
