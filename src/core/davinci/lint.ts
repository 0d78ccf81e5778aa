import { subflowPins, subflowsOf } from './flow-graph.js';
import { nodeName } from './references.js';

/**
 * Lint rules a promotion's flows are checked against before the plan can be approved, in the spirit of
 * Ping's own dvlint base rules (docs/promotions.md, "The lint gate"; each rule names the dvlint code it
 * follows). Each finding names the flow, the node where there is one, and the fix.
 */

export type LintRuleId =
  | 'debug-log-level'
  | 'form-not-selected'
  | 'undefined-variable'
  | 'circular-subflow'
  | 'pingone-flow-as-subflow'
  | 'disabled-node'
  | 'missing-subflow-version'
  | 'no-subflow-selected';

export interface LintFinding {
  rule: LintRuleId;
  flow: string;
  /** The node as people call it; null for a finding about the whole flow. */
  node: string | null;
  message: string;
  fix: string;
}

/** One flow as the promotion will write it: the destination's settings kept where an update keeps them. */
export interface LintedFlow {
  id: string;
  name: string;
  graphData?: unknown;
  settings?: unknown;
}

export interface LintInput {
  flows: readonly LintedFlow[];
  /** The source's flow list: which versions each flow has, for pinned subflow versions. */
  versions: ReadonlyMap<string, number | undefined>;
  /** Variables the flows use that neither environment defines. */
  undefinedVariables: readonly { name: string; context: string; flow?: string }[];
  /** The destination: its name, and whether it is protected (only there is debug logging a finding). */
  destination: { name: string; protected: boolean };
}

interface GraphNode {
  data?: Record<string, unknown>;
}

/** The rules, their dvlint counterparts and fixes, for the docs and the README's rule table. */
export const lintRules: readonly { id: LintRuleId; dvlint: string; what: string }[] = [
  { id: 'debug-log-level', dvlint: 'dv-bp-debug-off-001', what: 'debug logging in a protected environment' },
  { id: 'form-not-selected', dvlint: 'dv-er-node-004', what: 'a PingOne Forms node with no form' },
  { id: 'undefined-variable', dvlint: 'dv-er-variable-002', what: 'a variable defined nowhere' },
  { id: 'circular-subflow', dvlint: 'dv-er-subflow-002', what: 'a subflow that starts its caller again' },
  { id: 'pingone-flow-as-subflow', dvlint: 'dv-er-subflow-004', what: 'a PingOne flow started as a subflow' },
  { id: 'disabled-node', dvlint: 'dv-er-node-001', what: 'a disabled node on a path of the flow' },
  { id: 'missing-subflow-version', dvlint: '(FlightIQ)', what: 'a subflow pinned to a version it lacks' },
  { id: 'no-subflow-selected', dvlint: 'dv-er-subflow-001', what: 'a subflow node with no flow selected' },
];

// dvlint reads log level 3 as Debug (1 and 2 are not); Ping's OpenAPI allows 1 to 4 without naming them,
// so 4, more verbose by its place, counts as debug too (docs/pingone-facts.md, "Flow settings").
const debugLogLevel = 3;

export function lintFlows(input: LintInput): LintFinding[] {
  const findings: LintFinding[] = [];
  const byId = new Map(input.flows.map((flow) => [flow.id, flow]));
  for (const flow of input.flows) {
    if (input.destination.protected) debugLogging(flow, input.destination.name, findings);
    for (const node of nodesOf(flow.graphData)) nodeFindings(flow, node, byId, findings);
    missingVersions(flow, input.versions, byId, findings);
  }
  circularSubflows(input.flows, byId, findings);
  for (const variable of input.undefinedVariables) {
    findings.push({
      rule: 'undefined-variable',
      flow: variable.flow ?? input.flows[0]?.name ?? '',
      node: null,
      message: `The variable "${variable.name}" (${variable.context}) is used but defined in neither environment: it reads as empty.`,
      fix: `Define "${variable.name}" (${variable.context}) in the source environment, or remove its use, then request again.`,
    });
  }
  return findings;
}

function debugLogging(flow: LintedFlow, destination: string, findings: LintFinding[]): void {
  const level = (flow.settings as { logLevel?: unknown } | undefined)?.logLevel;
  if (typeof level !== 'number' || level < debugLogLevel) return;
  findings.push({
    rule: 'debug-log-level',
    flow: flow.name,
    node: null,
    message: `${flow.name} will log at level ${level} (Debug) in ${destination}, where every run's data is kept in the flow logs.`,
    fix: `Set its log level to Info or None in the flow's settings (in ${destination}, or in the source for a new flow), then request again.`,
  });
}

function nodeFindings(
  flow: LintedFlow,
  node: GraphNode,
  flows: ReadonlyMap<string, LintedFlow>,
  findings: LintFinding[],
): void {
  const data = node.data ?? {};
  const properties = (data.properties ?? {}) as Record<string, { value?: unknown } | undefined>;
  const at = { flow: flow.name, node: nodeName(data) };
  if (data.connectorId === 'pingOneFormsConnector' && !properties.form?.value)
    findings.push({
      rule: 'form-not-selected',
      ...at,
      message: `"${at.node}" in ${flow.name} shows a PingOne form, but none is selected.`,
      fix: 'Select the form in the node, then request again.',
    });
  if (data.isDisabled === true && onAPath(flow.graphData, data.id))
    findings.push({
      rule: 'disabled-node',
      ...at,
      message: `"${at.node}" in ${flow.name} is disabled but still on a path: a user who reaches it goes no further.`,
      fix: 'Enable the node, or remove it and its connections, then request again.',
    });
  if (data.connectorId !== 'flowConnector') return;
  const selected = (properties.subFlowId?.value as { value?: unknown } | undefined)?.value;
  if (typeof selected !== 'string' || selected === '') {
    findings.push({
      rule: 'no-subflow-selected',
      ...at,
      message: `"${at.node}" in ${flow.name} starts a subflow, but no flow is selected.`,
      fix: 'Select the subflow in the node, then request again.',
    });
    return;
  }
  const subflow = flows.get(selected);
  if ((subflow?.settings as { pingOneFlow?: unknown } | undefined)?.pingOneFlow === true)
    findings.push({
      rule: 'pingone-flow-as-subflow',
      ...at,
      message: `"${at.node}" in ${flow.name} starts ${subflow?.name}, a PingOne flow: PingOne flows cannot run as subflows.`,
      fix: `Start a standard DaVinci flow instead, or turn off "PingOne flow" in ${subflow?.name}'s settings.`,
    });
}

function missingVersions(
  flow: LintedFlow,
  versions: ReadonlyMap<string, number | undefined>,
  flows: ReadonlyMap<string, LintedFlow>,
  findings: LintFinding[],
): void {
  for (const pin of subflowPins(flow.graphData)) {
    if (!versions.has(pin.subflowId)) continue;
    const latest = versions.get(pin.subflowId);
    if (latest === undefined || pin.version <= latest) continue;
    const name = flows.get(pin.subflowId)?.name ?? pin.subflowId;
    findings.push({
      rule: 'missing-subflow-version',
      flow: flow.name,
      node: pin.node,
      message: `"${pin.node}" in ${flow.name} starts version ${pin.version} of ${name}, which has no such version (its latest is v${latest}).`,
      fix: `Have the node start an existing version of ${name}, or the latest (-1), then request again.`,
    });
  }
}

/** Each subflow that starts, directly or through its own subflows, a flow that started it: once per loop. */
function circularSubflows(
  flows: readonly LintedFlow[],
  byId: ReadonlyMap<string, LintedFlow>,
  findings: LintFinding[],
): void {
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (flow: LintedFlow) => {
    state.set(flow.id, 'visiting');
    for (const started of subflowsOf(flow.graphData)) {
      const subflow = byId.get(started.id);
      if (!subflow) continue;
      if (state.get(subflow.id) === 'visiting')
        findings.push({
          rule: 'circular-subflow',
          flow: flow.name,
          node: null,
          message: `${flow.name} starts ${subflow.name}, which (through its subflows) started ${flow.name}: a loop that never ends for the user.`,
          fix: `Remove the start of ${subflow.name} from ${flow.name}, or restructure the flows so no subflow starts its caller.`,
        });
      else if (!state.has(subflow.id)) visit(subflow);
    }
    state.set(flow.id, 'done');
  };
  for (const flow of flows) if (!state.has(flow.id)) visit(flow);
}

/** A node with an edge into or out of it: one a run can reach, or leave by. */
function onAPath(graph: unknown, id: unknown): boolean {
  const edges = (graph as { elements?: { edges?: unknown } } | undefined)?.elements?.edges;
  if (!Array.isArray(edges)) return false;
  return edges.some((edge: { data?: { source?: unknown; target?: unknown } }) => {
    return edge?.data?.source === id || edge?.data?.target === id;
  });
}

function nodesOf(graph: unknown): GraphNode[] {
  const nodes = (graph as { elements?: { nodes?: unknown } } | undefined)?.elements?.nodes;
  return Array.isArray(nodes) ? (nodes as GraphNode[]) : [];
}
