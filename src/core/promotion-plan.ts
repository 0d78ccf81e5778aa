import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { PingOneClient, WorkerCredentials } from '../pingone/client.js';
import { connectionsOf, formsOf, type IdMaps, rewriteGraph, subflowsOf, variablesOf } from './flow-graph.js';

/**
 * FlightIQ Director's "Run Setup" step: what promoting a flow would do, computed from both
 * environments as they are now. Execution computes it again and compares fingerprints, so nothing is
 * written from a plan that no longer matches.
 */

export interface EnvironmentRef {
  id: string;
  name: string;
  type: string;
}

export type FlowAction = 'create' | 'update' | 'unchanged';

export interface PlannedFlow {
  sourceId: string;
  name: string;
  sourceVersion: number | null;
  role: 'main' | 'subflow';
  /** 0 for the main flow; subflows are written deepest first. */
  depth: number;
  action: FlowAction;
  destinationId: string | null;
  destinationName: string;
  destinationVersions: { current: number | null; published: number | null } | null;
}

export interface PromotionPlan {
  from: EnvironmentRef;
  to: EnvironmentRef;
  flows: PlannedFlow[];
  connectors: { sourceId: string; name: string; connector: string; destinationId: string | null }[];
  forms: { sourceId: string; name: string; destinationId: string | null }[];
  variables: { name: string; context: string; dataType: string; inDestination: boolean }[];
  blockers: string[];
  warnings: string[];
  fingerprint: string;
}

/** What create and replace requests carry (DaVinciFlowCreateRequest, reference §4.3). */
export interface FlowDefinition {
  name: string;
  description?: unknown;
  color?: unknown;
  graphData?: unknown;
  inputSchema?: unknown;
  outputSchema?: unknown;
  settings?: unknown;
  trigger?: unknown;
}

export const definitionKeys = [
  'description',
  'color',
  'graphData',
  'inputSchema',
  'outputSchema',
  'settings',
  'trigger',
] as const;

export interface PlanOptions {
  asNew: boolean;
  withSubflows: boolean;
}

export type FlowLookup =
  | { ok: true; flow: FlowSummary }
  | { ok: false; reason: 'unknown' | 'ambiguous'; candidates: string[] };

/** Most flows one promotion walks: DaVinci allows 100 per environment (reference §4.6). */
const maxFlows = 100;
/** Reads in flight at once for one plan: quick, without leaning on PingOne's rate limit. */
const parallelReads = 4;

const flowSummarySchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  currentVersion: z.number().optional(),
  publishedVersion: z.number().optional(),
  updatedAt: z.string().optional(),
});
type FlowSummary = z.infer<typeof flowSummarySchema>;

const flowSchema = flowSummarySchema.extend({
  description: z.unknown().optional(),
  color: z.unknown().optional(),
  graphData: z.unknown().optional(),
  inputSchema: z.unknown().optional(),
  outputSchema: z.unknown().optional(),
  settings: z.unknown().optional(),
  trigger: z.unknown().optional(),
});
type Flow = z.infer<typeof flowSchema>;

const instanceSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  connector: z.looseObject({ id: z.string() }).optional(),
});
const formSchema = z.looseObject({ id: z.string(), name: z.string() });
const variableSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  context: z.string().optional(),
  dataType: z.string().optional(),
});

export interface ComputedPlan {
  plan: PromotionPlan;
  /** Source definitions by source flow ID, ready to be rewritten and written. */
  definitions: Map<string, FlowDefinition>;
  /** Mapped connector instances and forms, for rewriting. */
  maps: Omit<IdMaps, 'flows'>;
}

export class PromotionPlanner {
  constructor(private readonly pingone: PingOneClient) {}

  /** The source flow a person named: its exact name (any case) or its ID. */
  async findFlow(credentials: WorkerCredentials, env: EnvironmentRef, asked: string): Promise<FlowLookup> {
    const flows = await this.flowList(credentials, env.id);
    const wanted = asked.trim().toLowerCase();
    const byId = flows.find((flow) => flow.id.toLowerCase() === wanted);
    if (byId) return { ok: true, flow: byId };
    const named = flows.filter((flow) => flow.name.toLowerCase() === wanted);
    if (named.length === 1 && named[0]) return { ok: true, flow: named[0] };
    if (named.length > 1) {
      return { ok: false, reason: 'ambiguous', candidates: named.map((flow) => `${flow.name} (${flow.id})`) };
    }
    const near = flows.filter((flow) => flow.name.toLowerCase().includes(wanted));
    return {
      ok: false,
      reason: 'unknown',
      candidates: (near.length > 0 ? near : flows).map((flow) => flow.name),
    };
  }

  async plan(
    credentials: WorkerCredentials,
    from: EnvironmentRef,
    to: EnvironmentRef,
    mainFlowId: string,
    options: PlanOptions,
  ): Promise<ComputedPlan> {
    const blockers: string[] = [];
    const warnings: string[] = [];
    const source = await this.walk(credentials, from, mainFlowId, options.withSubflows, warnings);
    const destinationFlows = await this.flowList(credentials, to.id);

    const [sourceInstances, destinationInstances] = await this.both(credentials, from, to, (env) =>
      this.collect(credentials, env, 'connectorInstances', 'connectorInstances', instanceSchema),
    );
    const connectors = this.mapConnectors(
      source.flows,
      sourceInstances,
      destinationInstances,
      to,
      blockers,
      warnings,
    );
    const formIds = new Set(source.flows.flatMap((flow) => formsOf(flow.graphData)));
    const forms =
      formIds.size === 0 ? [] : await this.mapForms(credentials, from, to, formIds, blockers, warnings);
    const variables = await this.checkVariables(credentials, from, to, source.flows, blockers, warnings);

    const maps = {
      connections: new Map(
        connectors.flatMap((c) => (c.destinationId ? [[c.sourceId, c.destinationId] as const] : [])),
      ),
      forms: new Map(forms.flatMap((f) => (f.destinationId ? [[f.sourceId, f.destinationId] as const] : []))),
    };
    const flows = await this.decideActions(
      credentials,
      to,
      source,
      destinationFlows,
      maps,
      options,
      blockers,
      warnings,
    );

    const plan: PromotionPlan = {
      from,
      to,
      flows,
      connectors,
      forms,
      variables,
      blockers,
      warnings,
      fingerprint: fingerprintOf(source.flows, flows, destinationFlows, connectors, forms, variables),
    };
    const definitions = new Map(source.flows.map((flow) => [flow.id, definitionOf(flow)]));
    return { plan, definitions, maps };
  }

  /** The main flow and (unless told not to) every subflow it starts, recursively, each once. */
  private async walk(
    credentials: WorkerCredentials,
    from: EnvironmentRef,
    mainFlowId: string,
    withSubflows: boolean,
    warnings: string[],
  ): Promise<{ flows: Flow[]; depth: Map<string, number>; main: Flow }> {
    const flows = new Map<string, Flow>();
    // Level by level, a few reads at a time: measured (bench/promotion), reading ten subflows one
    // after the other made the plan wait ten round trips for no reason.
    let level = [mainFlowId];
    while (level.length > 0) {
      const unseen = [...new Set(level)].filter((id) => !flows.has(id));
      const room = maxFlows - flows.size;
      if (unseen.length > room) {
        warnings.push(
          `The flow starts more than ${maxFlows} subflows; only the first ${maxFlows} are planned.`,
        );
      }
      const batch = unseen.slice(0, Math.max(0, room));
      const read: Flow[] = [];
      for (let i = 0; i < batch.length; i += parallelReads) {
        read.push(
          ...(await Promise.all(
            batch.slice(i, i + parallelReads).map((id) => this.readFlow(credentials, from.id, id)),
          )),
        );
      }
      for (const flow of read) flows.set(flow.id, flow);
      level = withSubflows
        ? read.flatMap((flow) => subflowsOf(flow.graphData).map((subflow) => subflow.id))
        : [];
      if (batch.length < unseen.length) break;
    }
    // Depth = the longest call chain from the main flow, so every subflow is written before its callers.
    // A loop (a subflow starting one of its callers) is cut where the walk first meets it.
    const order: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const loops: [string, string][] = [];
    const visit = (id: string) => {
      state.set(id, 'visiting');
      for (const subflow of subflowsOf(flows.get(id)?.graphData)) {
        if (!flows.has(subflow.id)) continue;
        if (state.get(subflow.id) === 'visiting') loops.push([id, subflow.id]);
        else if (!state.has(subflow.id)) visit(subflow.id);
      }
      state.set(id, 'done');
      order.push(id);
    };
    visit(mainFlowId);
    const cut = new Set(loops.map(([caller, callee]) => `${caller}>${callee}`));
    const depth = new Map<string, number>([[mainFlowId, 0]]);
    for (const id of order.reverse()) {
      const here = depth.get(id) ?? 0;
      for (const subflow of subflowsOf(flows.get(id)?.graphData)) {
        if (!flows.has(subflow.id) || cut.has(`${id}>${subflow.id}`)) continue;
        depth.set(subflow.id, Math.max(depth.get(subflow.id) ?? 0, here + 1));
      }
    }
    for (const [caller, callee] of loops) {
      warnings.push(
        `"${flows.get(caller)?.name}" starts "${flows.get(callee)?.name}", which (through its subflows) starts it again: a loop. If "${flows.get(callee)?.name}" is created new, the reference from "${flows.get(caller)?.name}" to it keeps the source ID; check it after the promotion.`,
      );
    }
    const main = flows.get(mainFlowId) as Flow;
    return { flows: [...flows.values()], depth, main };
  }

  private async decideActions(
    credentials: WorkerCredentials,
    to: EnvironmentRef,
    source: { flows: Flow[]; depth: Map<string, number>; main: Flow },
    destinationFlows: FlowSummary[],
    maps: Omit<IdMaps, 'flows'>,
    options: PlanOptions,
    blockers: string[],
    warnings: string[],
  ): Promise<PlannedFlow[]> {
    const byName = groupBy(destinationFlows, (flow) => flow.name.toLowerCase());
    const takenNames = new Set(destinationFlows.map((flow) => flow.name.toLowerCase()));
    const planned: PlannedFlow[] = [];
    for (const flow of source.flows) {
      const matches = byName.get(flow.name.toLowerCase()) ?? [];
      const base = {
        sourceId: flow.id,
        name: flow.name,
        sourceVersion: flow.currentVersion ?? null,
        role: flow.id === source.main.id ? ('main' as const) : ('subflow' as const),
        depth: source.depth.get(flow.id) ?? 0,
      };
      if (options.asNew) {
        let name = flow.name;
        for (let n = 1; takenNames.has(name.toLowerCase()); n++)
          name = `${flow.name} (copy${n > 1 ? ` ${n}` : ''})`;
        if (name !== flow.name)
          warnings.push(
            `${to.name} already has a flow named "${flow.name}": the copy will be named "${name}".`,
          );
        takenNames.add(name.toLowerCase());
        planned.push({
          ...base,
          action: 'create',
          destinationId: null,
          destinationName: name,
          destinationVersions: null,
        });
        continue;
      }
      if (matches.length > 1) {
        blockers.push(
          `${to.name} has ${matches.length} flows named "${flow.name}"; FlightIQ cannot tell which to update. Rename or delete the extra ones in ${to.name}.`,
        );
      }
      const match = matches.length === 1 ? matches[0] : undefined;
      planned.push({
        ...base,
        action: match ? 'update' : 'create',
        destinationId: match?.id ?? null,
        destinationName: match?.name ?? flow.name,
        destinationVersions: match
          ? { current: match.currentVersion ?? null, published: match.publishedVersion ?? null }
          : null,
      });
    }

    // With --no-subflows, what the main flow starts must already exist in the destination.
    if (!options.withSubflows) {
      for (const subflow of subflowsOf(source.main.graphData)) {
        const name = subflow.name ?? subflow.id;
        const matches = byName.get(name.toLowerCase()) ?? [];
        if (matches.length !== 1) {
          blockers.push(
            `The flow starts the subflow "${name}", which ${matches.length === 0 ? 'does not exist' : 'is ambiguous'} in ${to.name}; promote without --no-subflows to bring it along.`,
          );
        }
      }
    }

    // "Unchanged": the destination already holds exactly what would be written.
    const flowMap = destinationFlowMap(planned, source, byName, options.withSubflows);
    for (const entry of planned) {
      if (entry.action !== 'update' || !entry.destinationId) continue;
      const definition = source.flows.find((flow) => flow.id === entry.sourceId) as Flow;
      if (!flowMap.complete) continue;
      const current = await this.readFlow(credentials, to.id, entry.destinationId);
      const rewritten = rewrittenDefinition(definitionOf(definition), { flows: flowMap.map, ...maps });
      if (sameContent(rewritten, definitionOf(current))) entry.action = 'unchanged';
    }
    return planned.sort((a, b) => b.depth - a.depth || a.name.localeCompare(b.name));
  }

  private mapConnectors(
    flows: Flow[],
    sourceInstances: z.infer<typeof instanceSchema>[],
    destinationInstances: z.infer<typeof instanceSchema>[],
    to: EnvironmentRef,
    blockers: string[],
    warnings: string[],
  ): PromotionPlan['connectors'] {
    const used = new Set(flows.flatMap((flow) => connectionsOf(flow.graphData)));
    const mapped: PromotionPlan['connectors'] = [];
    for (const id of used) {
      const instance = sourceInstances.find((candidate) => candidate.id === id);
      if (!instance) {
        warnings.push(
          `A node uses connector instance ${id}, which the source environment does not list; it is copied unchanged.`,
        );
        continue;
      }
      const connector = instance.connector?.id ?? 'unknown';
      const matches = destinationInstances.filter(
        (candidate) =>
          candidate.connector?.id === connector &&
          candidate.name.toLowerCase() === instance.name.toLowerCase(),
      );
      if (matches.length === 0) {
        blockers.push(
          `${to.name} has no ${connector} connector instance named "${instance.name}". Create it there (its secrets cannot be copied), then request again.`,
        );
      } else if (matches.length > 1) {
        blockers.push(
          `${to.name} has ${matches.length} ${connector} connector instances named "${instance.name}"; rename the extra ones.`,
        );
      }
      mapped.push({
        sourceId: id,
        name: instance.name,
        connector,
        destinationId: matches.length === 1 ? (matches[0]?.id ?? null) : null,
      });
    }
    return mapped.sort((a, b) => a.name.localeCompare(b.name));
  }

  private async mapForms(
    credentials: WorkerCredentials,
    from: EnvironmentRef,
    to: EnvironmentRef,
    ids: Set<string>,
    blockers: string[],
    warnings: string[],
  ): Promise<PromotionPlan['forms']> {
    const [sourceForms, destinationForms] = await this.both(credentials, from, to, (env) =>
      this.collect(credentials, env, 'forms', 'forms', formSchema),
    );
    const mapped: PromotionPlan['forms'] = [];
    for (const id of ids) {
      const form = sourceForms.find((candidate) => candidate.id === id);
      if (!form) {
        warnings.push(
          `A node shows form ${id}, which the source environment does not list; it is copied unchanged.`,
        );
        continue;
      }
      const matches = destinationForms.filter(
        (candidate) => candidate.name.toLowerCase() === form.name.toLowerCase(),
      );
      if (matches.length === 0)
        blockers.push(`${to.name} has no form named "${form.name}". Create it there, then request again.`);
      else if (matches.length > 1)
        blockers.push(`${to.name} has ${matches.length} forms named "${form.name}"; rename the extra ones.`);
      mapped.push({
        sourceId: id,
        name: form.name,
        destinationId: matches.length === 1 ? (matches[0]?.id ?? null) : null,
      });
    }
    return mapped;
  }

  private async checkVariables(
    credentials: WorkerCredentials,
    from: EnvironmentRef,
    to: EnvironmentRef,
    flows: Flow[],
    blockers: string[],
    warnings: string[],
  ): Promise<PromotionPlan['variables']> {
    const names = new Set(flows.flatMap((flow) => variablesOf(flow.graphData)));
    if (names.size === 0) return [];
    const [sourceVariables, destinationVariables] = await this.both(credentials, from, to, (env) =>
      this.collect(credentials, env, 'variables?limit=500', 'variables', variableSchema),
    );
    const result: PromotionPlan['variables'] = [];
    for (const name of [...names].sort()) {
      const variable = sourceVariables.find(
        (candidate) => candidate.name === name && candidate.context !== 'flow',
      );
      // Flow-context variables belong to their flow and travel with it.
      if (!variable) continue;
      const context = variable.context ?? 'company';
      const dataType = variable.dataType ?? 'string';
      const inDestination = destinationVariables.some(
        (candidate) => candidate.name === name && candidate.context === variable.context,
      );
      if (!inDestination && dataType === 'secret') {
        blockers.push(
          `The secret variable "${name}" (${context}) does not exist in ${to.name}: create it there with its value (secrets are never copied), then request again.`,
        );
      } else if (!inDestination) {
        warnings.push(
          `The variable "${name}" (${context}) does not exist in ${to.name}; the flow will read it as empty until it is created there.`,
        );
      }
      result.push({ name, context, dataType, inDestination });
    }
    return result;
  }

  private async readFlow(credentials: WorkerCredentials, envId: string, flowId: string): Promise<Flow> {
    const body = await this.pingone.get(
      credentials,
      `/environments/${envId}/flows/${encodeURIComponent(flowId)}`,
    );
    const parsed = flowSchema.safeParse(body);
    if (!parsed.success) throw new Error(`PingOne's flow ${flowId} is not a DaVinci flow`);
    return parsed.data;
  }

  private async flowList(credentials: WorkerCredentials, envId: string): Promise<FlowSummary[]> {
    return this.collect(
      credentials,
      { id: envId },
      'flows?attributes=id,name,currentVersion,publishedVersion,updatedAt',
      'flows',
      flowSummarySchema,
    );
  }

  private async collect<T extends z.ZodType>(
    credentials: WorkerCredentials,
    env: { id: string },
    collection: string,
    embedded: string,
    item: T,
  ): Promise<z.infer<T>[]> {
    return (await this.pingone.collect(credentials, `/environments/${env.id}/${collection}`, embedded, item))
      .items;
  }

  private both<T>(
    _credentials: WorkerCredentials,
    from: EnvironmentRef,
    to: EnvironmentRef,
    read: (env: EnvironmentRef) => Promise<T>,
  ): Promise<[T, T]> {
    return Promise.all([read(from), read(to)]);
  }
}

/**
 * Source flow ID → destination flow, for flows that exist in the destination already (update) and
 * subflows left out (--no-subflows) found by name. Complete when no flow of the plan is still to be created.
 */
function destinationFlowMap(
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

export function definitionOf(flow: Record<string, unknown> & { name: string }): FlowDefinition {
  const definition: FlowDefinition = { name: flow.name };
  for (const key of definitionKeys) if (flow[key] !== undefined) definition[key] = flow[key];
  return definition;
}

export function rewrittenDefinition(definition: FlowDefinition, maps: IdMaps): FlowDefinition {
  return definition.graphData === undefined
    ? { ...definition }
    : { ...definition, graphData: rewriteGraph(definition.graphData, maps) };
}

function sameContent(a: FlowDefinition, b: FlowDefinition): boolean {
  return definitionKeys.every((key) => stableJson(a[key]) === stableJson(b[key]));
}

/** JSON with object keys sorted, so equal content compares equal whatever order PingOne returns. */
export function stableJson(value: unknown): string {
  return (
    JSON.stringify(value, (_key, inner: unknown) =>
      inner && typeof inner === 'object' && !Array.isArray(inner)
        ? Object.fromEntries(
            Object.entries(inner as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)),
          )
        : inner,
    ) ?? 'null'
  );
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

/** What the plan was made from: source versions and destination state. Changes to either change it. */
function fingerprintOf(
  sourceFlows: Flow[],
  planned: PlannedFlow[],
  destinationFlows: FlowSummary[],
  connectors: PromotionPlan['connectors'],
  forms: PromotionPlan['forms'],
  variables: PromotionPlan['variables'],
): string {
  const state = {
    source: sourceFlows
      .map((flow) => [
        flow.id,
        flow.currentVersion ?? null,
        flow.updatedAt ?? null,
        stableJson(definitionOf(flow)),
      ])
      .sort(),
    destination: planned.map((entry) => {
      const current = destinationFlows.find((flow) => flow.id === entry.destinationId);
      return [
        entry.sourceId,
        entry.action,
        entry.destinationId,
        current?.currentVersion ?? null,
        current?.publishedVersion ?? null,
      ];
    }),
    namesTaken: destinationFlows.map((flow) => flow.name.toLowerCase()).sort(),
    connectors: connectors.map((c) => [c.sourceId, c.destinationId]),
    forms: forms.map((f) => [f.sourceId, f.destinationId]),
    variables: variables.map((v) => [v.name, v.inDestination]),
  };
  return createHash('sha256').update(JSON.stringify(state)).digest('hex').slice(0, 16);
}
