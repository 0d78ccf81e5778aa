import type { Flow, FlowSummary } from '../../../pingone/davinci.js';
import {
  subflowPins,
  subflowsOf,
  type VariableContext,
  variableReferencesOf,
} from '../../davinci/flow-graph.js';
import type { FoundReference } from '../../davinci/references.js';
import { isSecret, sameShape, type VariableDefinition } from '../../davinci/variables.js';
import type { ProfileLookup } from './profile.js';
import {
  type ComputedPlan,
  type EnvironmentRef,
  type PlannedFlow,
  type PlannedVariable,
  type PlanOptions,
  type SourceRead,
  type VariableAction,
  variableKey,
} from './types.js';

/**
 * The plan's rules: which connector instances need no mapping, what happens to each variable, the
 * order flows are written in, and what a version pin means. Pure functions of what was read.
 */

/**
 * Connector instances DaVinci gives every environment under the same ID (docs/pingone-facts.md,
 * "Built-in connector instances"): a node calling one needs no mapping, even where the list of instances
 * does not show it.
 */
export const builtInConnections: Readonly<Record<string, string>> = {
  flowConnector: '2581eb287bb1d9bd29ae9886d675f89f',
  variablesConnector: '06922a684039827499bdbdd97f49827b',
  httpConnector: '867ed4363b2bc21c860085ad2baa817d',
  functionsConnector: 'de650ca45593b82c49064ead10b9fe17',
  errorConnector: '53ab83a4a4ab919d9f2cb02d9e111ac8',
  annotationConnector: '921bfae85c38ed45045e07be703d86b8',
  // Teleport: the same ID across five environments of Ping's own sample packages.
  nodeConnector: 'e7eae662d2ca276e4c6f097fc36a3bb1',
};

export const builtInIds = new Set(Object.values(builtInConnections));

/**
 * DaVinci's core connectors that hold no credentials, which every environment has whether or not its
 * list shows them: like the built-ins, a node calling one needs no instance created by a person.
 * (Their instance IDs are not confirmed the same everywhere, so the destination's own is preferred.)
 */
export const credentialLessConnectors = new Set([
  'nodeConnector',
  'pingOneFormsConnector',
  'analyticsConnector',
  'challengeConnector',
  'cookieConnector',
  'userPolicyConnector',
]);

/**
 * Company variables the destination calls otherwise, source name → destination name: for each one the
 * flows use that the destination has no company variable of that name for, the pair's mapping profile
 * is asked (docs/promotions.md, "Mapping profiles"). Flows name variables, so a profile entry matches
 * the source variable by name as well as by ID: an export may not say the ID.
 */
export function renamedVariables(
  source: SourceRead,
  sourceVariables: VariableDefinition[],
  destinationVariables: VariableDefinition[],
  profile: ProfileLookup,
  blockers: string[],
  warnings: string[],
): Map<string, string> {
  const exported = [...source.exported.values()].flat();
  const used = new Set([
    ...source.flows.flatMap((flow) =>
      variableReferencesOf(flow.graphData).flatMap((r) => (r.context === 'company' ? [r.name] : [])),
    ),
    ...exported.flatMap((v) => (v.context === 'company' ? [v.name] : [])),
  ]);
  const theirs = destinationVariables.flatMap((v) =>
    v.context === 'company' && v.id ? [{ ...v, id: v.id }] : [],
  );
  const renames = new Map<string, string>();
  for (const name of [...used].sort()) {
    if (theirs.some((candidate) => candidate.name === name)) continue;
    const ours = findVariable(sourceVariables, name, 'company') ?? findVariable(exported, name, 'company');
    const answer = profile.answer('variable', { id: ours?.id ?? name, name }, theirs);
    if (!answer) continue;
    if ('blocker' in answer) {
      blockers.push(answer.blocker);
      continue;
    }
    renames.set(name, answer.destinationName);
    const mapped = theirs.find((candidate) => candidate.id === answer.destinationId);
    if (ours && mapped && ours.dataType !== mapped.dataType)
      warnings.push(
        `The company variable "${name}" (${ours.dataType}) is mapped by profile to "${mapped.name}", a ${mapped.dataType}: check that the flows read it as such.`,
      );
  }
  return renames;
}

/**
 * Every variable the promoted flows use or own, and what the promotion does about it (docs/design.md,
 * "Planning a promotion"; README "Promotions"). Environment-level variables (company, flowInstance,
 * user) that the destination lacks are created with the source's value, except secrets, whose values
 * PingOne never shows: those block. Variables the destination has keep their values, which are per
 * environment by design. Flow variables travel with their flow: created for it, or updated where type
 * or limits differ.
 */
export function planVariables(
  source: SourceRead,
  flows: PlannedFlow[],
  sourceVariables: VariableDefinition[],
  destinationVariables: VariableDefinition[],
  envs: { from: EnvironmentRef; to: EnvironmentRef },
  blockers: string[],
  warnings: string[],
  /** Company variables the destination calls otherwise (`renamedVariables`). */
  renames: ReadonlyMap<string, string> = new Map(),
): { planned: PlannedVariable[]; definitions: ComputedPlan['variables'] } {
  const planned: PlannedVariable[] = [];
  const definitions: ComputedPlan['variables'] = new Map();
  const exported = [...source.exported.values()].flat();
  const add = (
    entry: PlannedVariable,
    pair: { source: VariableDefinition | undefined; destination: VariableDefinition | undefined },
  ) => {
    planned.push(entry);
    definitions.set(variableKey(entry), pair);
  };

  // Environment-level variables, by context and name.
  const environmentLevel = new Map<string, { name: string; context: VariableContext; dataType?: string }>();
  for (const flow of source.flows) {
    for (const reference of variableReferencesOf(flow.graphData)) {
      if (reference.context !== 'flow')
        environmentLevel.set(`${reference.context}/${reference.name}`, reference);
    }
  }
  for (const variable of exported) {
    if (variable.context !== 'flow') environmentLevel.set(`${variable.context}/${variable.name}`, variable);
  }
  for (const reference of environmentLevel.values()) {
    // By its own context only: a company "x" is another variable than a flowInstance "x", and taking
    // one for the other re-pointed references, or planned a second company "x" that PingOne refused.
    const sourceDefinition =
      findVariable(sourceVariables, reference.name, reference.context) ??
      findVariable(exported, reference.name, reference.context);
    const context = reference.context;
    const renamed = context === 'company' ? renames.get(reference.name) : undefined;
    const destination = findVariable(destinationVariables, renamed ?? reference.name, context);
    const dataType = sourceDefinition?.dataType ?? reference.dataType ?? 'string';
    const label = `"${reference.name}" (${context})`;
    let action: VariableAction;
    if (destination) action = 'exists';
    else if (!sourceDefinition) {
      // Said by the lint gate (promotion/lint-gate.ts), which blocks it into protected environments.
      action = 'undefined';
    } else if (isSecret(sourceDefinition)) {
      action = 'blocked';
      blockers.push(
        `The secret variable ${label} does not exist in ${envs.to.name}: create it there with its value (secrets are never copied), then request again.`,
      );
    } else action = 'create';
    add(
      {
        name: reference.name,
        context,
        dataType,
        action,
        destinationId: destination?.id ?? null,
        ...(renamed !== undefined && destination ? { destinationName: destination.name } : {}),
        inDestination: Boolean(destination),
      },
      { source: sourceDefinition, destination },
    );
  }

  // Flow variables, by the flow they belong to.
  for (const entry of flows) {
    const flow = source.flows.find((candidate) => candidate.id === entry.sourceId);
    if (!flow) continue;
    const own = new Map<string, VariableDefinition>();
    for (const variable of [...sourceVariables, ...(source.exported.get(flow.id) ?? [])]) {
      if (variable.context === 'flow' && variable.flowId === flow.id && !own.has(variable.name))
        own.set(variable.name, variable);
    }
    for (const reference of variableReferencesOf(flow.graphData)) {
      if (reference.context === 'flow' && !own.has(reference.name)) {
        warnings.push(
          `"${flow.name}" uses the flow variable "${reference.name}", which it does not define in ${envs.from.name}; it reads as empty.`,
        );
      }
    }
    const theirs = entry.destinationId
      ? destinationVariables.filter((v) => v.context === 'flow' && v.flowId === entry.destinationId)
      : [];
    for (const variable of [...own.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      const destination = theirs.find((candidate) => candidate.name === variable.name);
      const action: VariableAction = !destination
        ? 'create'
        : sameShape(variable, destination)
          ? 'exists'
          : 'update';
      if (isSecret(variable) && action !== 'exists') {
        warnings.push(
          `"${flow.name}"'s secret flow variable "${variable.name}" is ${action === 'create' ? 'created' : 'changed'} in ${envs.to.name} without a value (secrets are never copied): set it there after the promotion.`,
        );
      }
      add(
        {
          name: variable.name,
          context: 'flow',
          dataType: variable.dataType,
          flow: { sourceId: flow.id, name: entry.destinationName },
          action,
          destinationId: destination?.id ?? null,
          inDestination: Boolean(destination),
        },
        { source: variable, destination },
      );
    }
  }
  return { planned, definitions };
}

export function findVariable(
  variables: VariableDefinition[],
  name: string,
  context: VariableContext,
): VariableDefinition | undefined {
  return variables.find((variable) => variable.name === name && variable.context === context);
}

/** Depth = the longest call chain from the main flow, so every subflow is written before its callers. */
export function orderByDepth(
  flows: Map<string, Flow>,
  mainFlowId: string,
  warnings: string[],
): { flows: Flow[]; depth: Map<string, number> } {
  // A loop (a subflow starting one of its callers) is cut where the walk first meets it.
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const loops: [string, string][] = [];
  const visit = (id: string) => {
    state.set(id, 'visiting');
    for (const subflow of subflowIds(flows.get(id))) {
      if (!flows.has(subflow)) continue;
      if (state.get(subflow) === 'visiting') loops.push([id, subflow]);
      else if (!state.has(subflow)) visit(subflow);
    }
    state.set(id, 'done');
    order.push(id);
  };
  visit(mainFlowId);
  const cut = new Set(loops.map(([caller, callee]) => `${caller}>${callee}`));
  const depth = new Map<string, number>([[mainFlowId, 0]]);
  for (const id of order.reverse()) {
    const here = depth.get(id) ?? 0;
    for (const subflow of subflowIds(flows.get(id))) {
      if (!flows.has(subflow) || cut.has(`${id}>${subflow}`)) continue;
      depth.set(subflow, Math.max(depth.get(subflow) ?? 0, here + 1));
    }
  }
  for (const [caller, callee] of loops) {
    const callerName = flows.get(caller)?.name;
    const calleeName = flows.get(callee)?.name;
    warnings.push(
      `"${callerName}" starts "${calleeName}", which (through its subflows) starts it again: a loop. If "${calleeName}" is created new, the reference from "${callerName}" to it keeps the source ID; check it after the promotion.`,
    );
  }
  return { flows: [...flows.values()], depth };
}

export function subflowIds(flow: Flow | undefined): string[] {
  return subflowsOf(flow?.graphData).map((subflow) => subflow.id);
}

/**
 * Source flow ID → destination flow, for flows that exist in the destination already (update) and
 * subflows left out (--no-subflows) found by name. Complete when no flow of the plan is still to be created.
 */
export function destinationFlowMap(
  planned: PlannedFlow[],
  source: { main: Flow },
  byName: Map<string, FlowSummary[]>,
  withSubflows: boolean,
): { map: Map<string, { id: string; name: string }>; complete: boolean } {
  const map = new Map<string, { id: string; name: string }>();
  let complete = true;
  for (const entry of planned) {
    if (entry.destinationId)
      map.set(entry.sourceId, { id: entry.destinationId, name: entry.destinationName });
    else complete = false;
  }
  if (!withSubflows) {
    for (const subflow of subflowsOf(source.main.graphData)) {
      const match = byName.get((subflow.name ?? '').toLowerCase());
      if (match?.length === 1 && match[0]) map.set(subflow.id, { id: match[0].id, name: match[0].name });
    }
  }
  return { map, complete };
}

/** The values of one kind of reference across the scanned flows. */
export function referencesOfKind(
  scanned: { references: FoundReference[] }[],
  kind: FoundReference['kind'],
): string[] {
  return scanned.flatMap((flow) => flow.references.filter((r) => r.kind === kind).map((r) => r.value));
}

/**
 * The version of a source flow a promotion copies: the deployed one (what runs), unless asked for the
 * saved one; a flow never deployed has only its saved version.
 */
export function promotedVersion(
  summary: FlowSummary | undefined,
  options: Pick<PlanOptions, 'saved' | 'revertTo'>,
): number | undefined {
  if (!summary) return undefined;
  if (options.revertTo !== undefined) return options.revertTo;
  return options.saved ? summary.currentVersion : (summary.publishedVersion ?? summary.currentVersion);
}

/** What the plan says about the version it copies, when the saved and the deployed one differ. */
export function versionNote(
  from: EnvironmentRef,
  name: string,
  summary: FlowSummary | undefined,
  options: Pick<PlanOptions, 'saved' | 'revertTo'>,
): string | undefined {
  if (options.revertTo !== undefined) return undefined;
  const saved = summary?.currentVersion;
  const deployed = summary?.publishedVersion;
  if (saved === undefined) return undefined;
  if (deployed === undefined)
    return `${from.name}'s ${name} was never deployed: promoting its saved version v${saved}.`;
  if (saved === deployed) return undefined;
  return options.saved
    ? `${from.name}'s ${name}: promoting the saved v${saved}, which is not deployed there (v${deployed} is).`
    : `${from.name}'s ${name} has undeployed changes (v${saved} saved, v${deployed} deployed): promoting v${deployed}. Add --saved to promote v${saved}.`;
}

/**
 * What each pinned `subFlowVersionId` becomes in the destination: the deployed version of a subflow the
 * plan leaves as it is (unchanged, or found by name), and (filled in by the run) the version the run
 * writes of one it creates or updates. A pin to a subflow that is neither blocks: the source's number
 * means nothing in the destination.
 */
export function pinnedVersions(
  sourceFlows: Flow[],
  planned: PlannedFlow[],
  linked: ReadonlyMap<string, { id: string; name: string }>,
  destinationFlows: FlowSummary[],
  to: EnvironmentRef,
  blockers: string[],
): Map<string, number> {
  const versions = new Map<string, number>();
  const deployedOf = (id: string) => {
    const flow = destinationFlows.find((candidate) => candidate.id === id);
    return flow?.publishedVersion ?? flow?.currentVersion;
  };
  for (const flow of sourceFlows) {
    for (const pin of subflowPins(flow.graphData)) {
      const entry = planned.find((candidate) => candidate.sourceId === pin.subflowId);
      if (entry && entry.action !== 'unchanged') continue;
      const target = entry?.destinationId ?? linked.get(pin.subflowId)?.id;
      const deployed = target ? deployedOf(target) : undefined;
      if (target && deployed !== undefined) versions.set(target, deployed);
      else
        blockers.push(
          `"${pin.node}" in ${flow.name} starts version ${pin.version} of a subflow that this promotion does not write and ${to.name} does not have: promote it with its subflows, or have the node start the latest version (-1).`,
        );
    }
  }
  return versions;
}
