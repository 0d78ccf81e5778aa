import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { PingOneClient, WorkerCredentials } from '../../../pingone/client.js';
import { PingOneError } from '../../../pingone/errors.js';
import { diffFlows, type FlowDiff } from '../../davinci/flow-diff.js';
import {
  type ConnectionUse,
  connectionsOf,
  formsOf,
  type IdMaps,
  idMapOf,
  rewriteGraph,
  subflowPins,
  subflowsOf,
  type VariableContext,
  variableReferencesOf,
} from '../../davinci/flow-graph.js';
import { type FoundReference, type KnownIds, rewriteIds, scanReferences } from '../../davinci/references.js';
import {
  definitionFromExport,
  definitionFromResource,
  isSecret,
  sameShape,
  type VariableDefinition,
  variableResourceSchema,
} from '../../davinci/variables.js';
import { stableJson } from '../../stable-json.js';
import { type PlannedReference, resolveReferences } from './references.js';

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

/**
 * What happens to one variable a promoted flow uses. `exists`: the destination has it and keeps its
 * own value. `create`: the promotion creates it (with the source's value, never a secret's). `update`:
 * a flow variable whose type or limits differ is brought in line. `blocked`: a secret missing in the
 * destination, which a person must create there. `undefined`: used, but defined in neither environment.
 */
export type VariableAction = 'exists' | 'create' | 'update' | 'blocked' | 'undefined';

export interface PlannedVariable {
  name: string;
  context: VariableContext;
  dataType: string;
  /** For flow context: the (source) flow the variable belongs to. */
  flow?: { sourceId: string; name: string };
  /** Absent in plans stored before variables had actions; `inDestination` tells those apart. */
  action?: VariableAction;
  destinationId?: string | null;
  inDestination: boolean;
}

export interface PromotionPlan {
  from: EnvironmentRef;
  to: EnvironmentRef;
  flows: PlannedFlow[];
  connectors: { sourceId: string; name: string; connector: string; destinationId: string | null }[];
  forms: { sourceId: string; name: string; destinationId: string | null }[];
  /** PingOne objects, template variants and IDs found in the flows; absent in plans stored before. */
  references?: PlannedReference[];
  variables: PlannedVariable[];
  blockers: string[];
  warnings: string[];
  /** What each flow's write changes in it, in the order of `flows`; absent in plans stored before diffs. */
  diffs?: PlannedDiff[];
  fingerprint: string;
}

/** A flow's diff in a plan: the destination now (or nothing, for a new flow) against what is written. */
export interface PlannedDiff extends FlowDiff {
  sourceId: string;
  /** Set when the destination flow was changed outside FlightIQ since FlightIQ last wrote it. */
  drift?: { promotionId: string; written: number; now: number };
}

/** What create and replace requests carry (docs/pingone-facts.md, "Flow create and replace body"). */
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
  /** Promote each flow's saved version, deployed or not; by default the deployed one is promoted. */
  saved?: boolean;
}

/** The plan options a command's flags ask for (`--as-new`, `--no-subflows`, `--saved`). */
export function planOptionsFrom(flags: ReadonlySet<string>): PlanOptions {
  return {
    asNew: flags.has('as-new'),
    withSubflows: !flags.has('no-subflows'),
    ...(flags.has('saved') ? { saved: true } : {}),
  };
}

export type FlowLookup =
  | { ok: true; flow: FlowSummary; flows: FlowSummary[] }
  | { ok: false; reason: 'unknown' | 'ambiguous'; candidates: string[] };

/**
 * Connector instances DaVinci gives every environment under the same ID (docs/pingone-facts.md,
 * "Built-in connector instances"): a node calling one needs no mapping, even where the list of instances
 * does not show it.
 */
const builtInConnections: Readonly<Record<string, string>> = {
  flowConnector: '2581eb287bb1d9bd29ae9886d675f89f',
  variablesConnector: '06922a684039827499bdbdd97f49827b',
  httpConnector: '867ed4363b2bc21c860085ad2baa817d',
  functionsConnector: 'de650ca45593b82c49064ead10b9fe17',
  errorConnector: '53ab83a4a4ab919d9f2cb02d9e111ac8',
  annotationConnector: '921bfae85c38ed45045e07be703d86b8',
  // Teleport: the same ID across five environments of Ping's own sample packages.
  nodeConnector: 'e7eae662d2ca276e4c6f097fc36a3bb1',
};
const builtInIds = new Set(Object.values(builtInConnections));

/**
 * DaVinci's core connectors that hold no credentials, which every environment has whether or not its
 * list shows them: like the built-ins, a node calling one needs no instance created by a person.
 * (Their instance IDs are not confirmed the same everywhere, so the destination's own is preferred.)
 */
const credentialLessConnectors = new Set([
  'nodeConnector',
  'pingOneFormsConnector',
  'analyticsConnector',
  'challengeConnector',
  'cookieConnector',
  'userPolicyConnector',
]);

/** What a person calls each list a plan reads. */
const listNames: Readonly<Record<string, string>> = {
  flows: 'flows',
  connectorInstances: 'connector instances',
  variables: 'variables',
  forms: 'forms',
};

/**
 * Most flows one promotion walks: DaVinci allows 100 per environment (docs/pingone-facts.md, "Flows per
 * environment").
 */
const maxFlows = 100;

/** An environment's flows with just what a plan (and a drift check) compares: names and versions. */
export const flowListQuery = 'flows?attributes=id,name,currentVersion,publishedVersion,updatedAt';

export const flowSummarySchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  currentVersion: z.number().optional(),
  publishedVersion: z.number().optional(),
  updatedAt: z.string().optional(),
});
export type FlowSummary = z.infer<typeof flowSummarySchema>;

const flowSchema = flowSummarySchema.extend({
  description: z.unknown().optional(),
  color: z.unknown().optional(),
  graphData: z.unknown().optional(),
  inputSchema: z.unknown().optional(),
  outputSchema: z.unknown().optional(),
  settings: z.unknown().optional(),
  trigger: z.unknown().optional(),
  enabled: z.boolean().optional(),
});
type Flow = z.infer<typeof flowSchema>;

/** One flow in an export (DaVinciExportFlowVersionResponse): its ID and name sit under `flow`. */
const exportedFlowSchema = z.looseObject({
  flow: z.looseObject({ id: z.string(), name: z.string().optional() }),
  version: z.number().optional(),
  updatedAt: z.string().optional(),
  graphData: z.unknown().optional(),
  variables: z.array(z.unknown()).optional(),
  _embedded: z.array(z.unknown()).optional(),
});

const instanceSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  connector: z.looseObject({ id: z.string() }).optional(),
});
const formSchema = z.looseObject({ id: z.string(), name: z.string() });

export interface ComputedPlan {
  plan: PromotionPlan;
  /** Source definitions by source flow ID, ready to be rewritten and written. */
  definitions: Map<string, FlowDefinition>;
  /** Mapped connector instances, forms and PingOne objects, for rewriting. */
  maps: Omit<IdMaps, 'flows'>;
  /** Flows started but not written (`--no-subflows`), found in the destination by name. */
  linkedFlows: ReadonlyMap<string, { id: string; name: string }>;
  /** The destination's flows to update as they are now, by source flow ID: what an update keeps of them. */
  destinations: ReadonlyMap<string, FlowDefinition>;
  /** Whether each source flow is enabled, by its ID, where PingOne said. */
  enabled: ReadonlyMap<string, boolean>;
  /** For each planned variable (by `variableKey`): the source's definition, and the destination's. */
  variables: Map<
    string,
    { source: VariableDefinition | undefined; destination: VariableDefinition | undefined }
  >;
}

/** Identifies a planned variable: its context, its flow (for flow context) and its name. */
export function variableKey(variable: Pick<PlannedVariable, 'context' | 'name' | 'flow'>): string {
  return `${variable.context}/${variable.flow?.sourceId ?? ''}/${variable.name}`;
}

/** What was read of the source: the flows, and the variables their exports list (by source flow ID). */
interface SourceRead {
  flows: Flow[];
  depth: Map<string, number>;
  main: Flow;
  exported: Map<string, VariableDefinition[]>;
}

export class PromotionPlanner {
  constructor(private readonly pingone: PingOneClient) {}

  /** The source flow a person named: its exact name (any case) or its ID. */
  async findFlow(credentials: WorkerCredentials, env: EnvironmentRef, asked: string): Promise<FlowLookup> {
    const flows = await this.listFlows(credentials, env.id);
    const wanted = asked.trim().toLowerCase();
    const byId = flows.find((flow) => flow.id.toLowerCase() === wanted);
    if (byId) return { ok: true, flow: byId, flows };
    const named = flows.filter((flow) => flow.name.toLowerCase() === wanted);
    if (named.length === 1 && named[0]) return { ok: true, flow: named[0], flows };
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
    /** The source's and the destination's flow lists, when the caller has them (or is reading them). */
    lists: { source?: FlowSummary[]; destination?: Promise<FlowSummary[]> } = {},
  ): Promise<ComputedPlan> {
    const blockers: string[] = [];
    const warnings: string[] = [];
    // Reads start as soon as what they need is known, never later: the flow lists; then the export,
    // the connector instances and the variables together; then the forms and the destination's flows
    // together. Four round trips with the environment list before it, whatever the flow's size.
    const [listed, destinationFlows] = await Promise.all([
      lists.source ? Promise.resolve(lists.source) : this.listFlows(credentials, from.id),
      lists.destination ?? this.listFlows(credentials, to.id),
    ]);
    const readVariables = async (env: EnvironmentRef) =>
      (await this.collect(credentials, env, 'variables?limit=500', 'variables', variableResourceSchema)).map(
        definitionFromResource,
      );
    let answeredExport: (carried: boolean) => void = () => undefined;
    const exportCarriedVariables = new Promise<boolean>((resolve) => {
      answeredExport = resolve;
    });
    const [source, [sourceInstances, destinationInstances], [sourceVariables, destinationVariables]] =
      await Promise.all([
        this.readSource(credentials, from, mainFlowId, listed, options, warnings, (carried) =>
          answeredExport(carried),
        ),
        this.both(from, to, (env) =>
          this.collect(credentials, env, 'connectorInstances', 'connectorInstances', instanceSchema),
        ),
        Promise.all([
          // The source's variables only where the export did not bring the ones its flows use: a
          // source with a thousand variables costs pages of reads that would wait on one another.
          exportCarriedVariables.then((carried) => (carried ? [] : readVariables(from))),
          readVariables(to),
        ]),
      ]);
    // What the flows refer to, wherever in their nodes: IDs the source is known to have classify
    // bare values; the names of properties classify the rest.
    const known: KnownIds = new Map([
      ...listed.map((flow) => [flow.id.toLowerCase(), 'subflow'] as const),
      ...sourceInstances.map((instance) => [instance.id.toLowerCase(), 'connectorInstance'] as const),
      [from.id.toLowerCase(), 'environment'],
    ]);
    const scanned = source.flows.map((flow) => ({
      flow: flow.name,
      references: scanReferences(flow, known),
    }));
    const connectors = this.mapConnectors(
      source.flows,
      scanned.flatMap((flow) => flow.references),
      sourceInstances,
      destinationInstances,
      to,
      blockers,
      warnings,
    );
    const formIds = new Set([
      ...source.flows.flatMap((flow) => formsOf(flow.graphData)),
      ...referencesOfKind(scanned, 'form'),
    ]);
    const formsRead =
      formIds.size === 0
        ? Promise.resolve([])
        : this.mapForms(credentials, from, to, formIds, blockers, warnings);
    const referencesRead = resolveReferences(this.pingone, credentials, { from, to }, scanned);
    const mapsRead = Promise.all([formsRead, referencesRead]).then(([forms, resolved]) => ({
      connections: new Map(
        connectors.flatMap((c) => (c.destinationId ? [[c.sourceId, c.destinationId] as const] : [])),
      ),
      forms: new Map(forms.flatMap((f) => (f.destinationId ? [[f.sourceId, f.destinationId] as const] : []))),
      objects: resolved.objects,
    }));
    const { flows, diffs, linked, destinations } = await this.decideActions(
      credentials,
      to,
      source,
      destinationFlows,
      mapsRead,
      connectors,
      options,
      blockers,
      warnings,
    );
    const [forms, mapped, resolved] = await Promise.all([formsRead, mapsRead, referencesRead]);
    const maps = {
      ...mapped,
      versions: pinnedVersions(source.flows, flows, linked, destinationFlows, to, blockers),
    };
    blockers.push(...resolved.blockers);
    warnings.push(...resolved.warnings);
    // A flow named by ID outside a subflow start (which the flow list above deals with), that this
    // promotion neither writes nor finds by name, keeps the source's ID: said, not silent.
    for (const reference of scanned.flatMap((flow) => flow.references)) {
      if (reference.kind !== 'subflow') continue;
      if (flows.some((entry) => entry.sourceId === reference.value) || linked.has(reference.value)) continue;
      const site = reference.sites.find((place) => !place.property.startsWith('properties.subFlowId'));
      if (!site) continue;
      const name = listed.find((flow) => flow.id === reference.value)?.name ?? reference.value;
      warnings.push(
        `"${site.node}" (${site.property}) refers to the flow "${name}", which this promotion does not write and ${to.name} does not have under that name: the reference keeps ${from.name}'s ID.`,
      );
    }
    const variables = planVariables(
      source,
      flows,
      sourceVariables,
      destinationVariables,
      { from, to },
      blockers,
      warnings,
    );

    const plan: PromotionPlan = {
      from,
      to,
      flows,
      connectors,
      forms,
      references: resolved.references,
      variables: variables.planned,
      blockers,
      warnings,
      diffs,
      fingerprint: fingerprintOf(
        source.flows,
        flows,
        destinationFlows,
        connectors,
        forms,
        resolved.references,
        variables.planned,
        variables.definitions,
        options.asNew,
      ),
    };
    const definitions = new Map(source.flows.map((flow) => [flow.id, definitionOf(flow)]));
    return {
      plan,
      definitions,
      maps,
      linkedFlows: linked,
      destinations,
      enabled: new Map(
        source.flows.flatMap((flow) => (flow.enabled === undefined ? [] : [[flow.id, flow.enabled]])),
      ),
      variables: variables.definitions,
    };
  }

  /**
   * The main flow and (unless told not to) every subflow it starts, recursively, each once. One export
   * with its subflows brings them all, with the variables they use; where the worker may not export
   * (DaVinci Admin Read Only) or the export leaves subflows out, the flows are read one level at a time.
   */
  private async readSource(
    credentials: WorkerCredentials,
    from: EnvironmentRef,
    mainFlowId: string,
    listed: FlowSummary[],
    options: PlanOptions,
    warnings: string[],
    /** Told once the export answered: whether it carried the variables of every flow it brought. */
    exportAnswered: (carriedVariables: boolean) => void = () => undefined,
  ): Promise<SourceRead> {
    const { withSubflows } = options;
    const flows = new Map<string, Flow>();
    const exported = new Map<string, VariableDefinition[]>();
    const summaries = new Map(listed.map((flow) => [flow.id, flow]));
    const wanted = (id: string) => promotedVersion(summaries.get(id), options);
    const version = wanted(mainFlowId);
    const bundle =
      version === undefined
        ? undefined
        : await this.exportFlow(credentials, from.id, mainFlowId, version, withSubflows);
    exportAnswered(Boolean(bundle?.every((entry) => entry.carriesVariables)));
    // An export carries each subflow at a version of PingOne's choosing: one that is not the version
    // wanted is read again below, at that version.
    for (const entry of bundle ?? []) {
      const at = wanted(entry.flow.id);
      if (entry.flow.id !== mainFlowId && at !== undefined && entry.flow.currentVersion !== at) continue;
      flows.set(entry.flow.id, entry.flow);
      exported.set(entry.flow.id, entry.variables);
    }
    const canExport = bundle !== undefined;
    let level = flows.has(mainFlowId) ? [] : [mainFlowId];
    if (withSubflows) level.push(...[...flows.values()].flatMap((flow) => subflowIds(flow)));
    // Level by level, each level's flows at once: a flow's subflows are known only once it is read,
    // so the levels are the only reads that must wait on each other.
    while (level.length > 0) {
      const unseen = [...new Set(level)].filter((id) => !flows.has(id));
      const room = maxFlows - flows.size;
      if (unseen.length > room) {
        warnings.push(
          `The flow starts more than ${maxFlows} subflows; only the first ${maxFlows} are planned.`,
        );
      }
      const batch = unseen.slice(0, Math.max(0, room));
      const read = await Promise.all(
        batch.map(async (id) => {
          const entry = await this.readVersion(
            credentials,
            from.id,
            summaries.get(id),
            id,
            wanted(id),
            canExport,
          );
          if (entry.variables) exported.set(id, entry.variables);
          return entry.flow;
        }),
      );
      for (const flow of read) flows.set(flow.id, flow);
      level = withSubflows ? read.flatMap((flow) => subflowIds(flow)) : [];
      if (batch.length < unseen.length) break;
    }
    if (!withSubflows) for (const id of [...flows.keys()]) if (id !== mainFlowId) flows.delete(id);
    const main = flows.get(mainFlowId);
    if (!main) throw new PingOneError('not_found', `PingOne did not return the flow ${mainFlowId}.`);
    for (const flow of flows.values()) {
      const note = versionNote(from, flow.name, summaries.get(flow.id), options);
      if (note) warnings.push(note);
    }
    return { ...orderByDepth(flows, mainFlowId, warnings), main, exported };
  }

  /**
   * One flow at one version: exported where the worker may export, else the saved flow (GET) when that
   * is the version, else the version's details (DaVinci Admin Read Only may read versions).
   */
  private async readVersion(
    credentials: WorkerCredentials,
    envId: string,
    summary: FlowSummary | undefined,
    id: string,
    version: number | undefined,
    canExport: boolean,
  ): Promise<{ flow: Flow; variables?: VariableDefinition[] }> {
    if (version === undefined || version === summary?.currentVersion) {
      if (canExport && version !== undefined) {
        const [exported] = (await this.exportFlow(credentials, envId, id, version, false)) ?? [];
        if (exported) return exported;
      }
      return { flow: await this.readFlow(credentials, envId, id) };
    }
    if (canExport) {
      const [exported] = (await this.exportFlow(credentials, envId, id, version, false)) ?? [];
      if (exported) return exported;
    }
    const details = exportedFlowSchema.safeParse(
      await this.pingone.get(
        credentials,
        `/environments/${envId}/flows/${encodeURIComponent(id)}/versions/${version}/details`,
        { large: true },
      ),
    );
    if (!details.success || !hasGraph(details.data.graphData)) {
      throw new PingOneError(
        'unexpected_response',
        `PingOne's details of version ${version} of flow ${summary?.name ?? id} carry no flow graph.`,
      );
    }
    return { flow: { ...flowFromExport(details.data), currentVersion: version } };
  }

  /**
   * A flow (and its subflows) as exported, or undefined when the export cannot be used for reading:
   * not allowed (the export needs DaVinci Admin), or an answer without the flow's graph.
   */
  private async exportFlow(
    credentials: WorkerCredentials,
    envId: string,
    flowId: string,
    version: number,
    withSubflows: boolean,
  ): Promise<{ flow: Flow; variables: VariableDefinition[]; carriesVariables: boolean }[] | undefined> {
    let answer: { status: number; body: unknown };
    try {
      answer = await this.pingone.sendForStatus(credentials, {
        method: 'POST',
        path: `/environments/${envId}/flows/${encodeURIComponent(flowId)}/versions/${version}`,
        contentType: 'application/vnd.pingidentity.flowversion.export+json',
        body: { includeSubFlows: withSubflows, includeVariableValues: true },
        repeatable: true,
      });
    } catch (error) {
      if (error instanceof PingOneError && error.code === 'missing_role') return undefined;
      throw error;
    }
    const parsed = exportedFlowSchema.safeParse(answer.body);
    if (answer.status !== 200 || !parsed.success || !hasGraph(parsed.data.graphData)) return undefined;
    const documents = [
      parsed.data,
      ...(parsed.data._embedded ?? []).flatMap((raw) => {
        const embedded = exportedFlowSchema.safeParse(raw);
        return embedded.success && hasGraph(embedded.data.graphData) ? [embedded.data] : [];
      }),
    ];
    return documents.map((document) => ({
      flow: flowFromExport(document),
      variables: (document.variables ?? []).flatMap((raw) => definitionFromExport(raw) ?? []),
      carriesVariables: document.variables !== undefined,
    }));
  }

  private async decideActions(
    credentials: WorkerCredentials,
    to: EnvironmentRef,
    source: SourceRead,
    destinationFlows: FlowSummary[],
    /** The connector-instance and form mappings: the forms may still be being read. */
    mapsRead: Promise<Omit<IdMaps, 'flows'>>,
    connectorNames: PromotionPlan['connectors'],
    options: PlanOptions,
    blockers: string[],
    warnings: string[],
  ): Promise<{
    flows: PlannedFlow[];
    diffs: PlannedDiff[];
    /** Flows the plan does not write but its flows start, found in the destination by name. */
    linked: Map<string, { id: string; name: string }>;
    /** The destination's flows to update, as they are now, by source flow ID. */
    destinations: Map<string, FlowDefinition>;
  }> {
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
      if (
        match?.publishedVersion !== undefined &&
        match.currentVersion !== undefined &&
        match.currentVersion !== match.publishedVersion
      ) {
        warnings.push(
          `${to.name}'s ${match.name} has undeployed edits (v${match.currentVersion} saved, v${match.publishedVersion} deployed) that this promotion overwrites; its backup is the deployed v${match.publishedVersion}, which a rollback restores.`,
        );
      }
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

    // Each flow to update is read as the destination has it now: for the approver's diff, and to call
    // it "unchanged" when it already holds exactly what would be written (decidable only once every
    // subflow it starts has a destination ID).
    const flowMap = destinationFlowMap(planned, source, byName, options.withSubflows);
    const updates = planned.filter((entry) => entry.action === 'update' && entry.destinationId);
    // All of them at once, and at the same time as the forms.
    const [maps, read] = await Promise.all([
      mapsRead,
      Promise.all(
        updates.map(
          async (entry) =>
            [
              entry.sourceId,
              definitionOf(await this.readFlow(credentials, to.id, entry.destinationId ?? '')),
            ] as const,
        ),
      ),
    ]);
    const current = new Map<string, FlowDefinition>(read);
    const rewrite = (entry: PlannedFlow) =>
      keepingSettings(
        rewrittenDefinition(definitionOf(source.flows.find((flow) => flow.id === entry.sourceId) as Flow), {
          flows: flowMap.map,
          ...maps,
        }),
        current.get(entry.sourceId),
      );
    for (const entry of updates) {
      const now = current.get(entry.sourceId);
      if (flowMap.complete && now && sameContent(rewrite(entry), now)) entry.action = 'unchanged';
    }
    const sorted = planned.sort((a, b) => b.depth - a.depth || a.name.localeCompare(b.name));
    const connectionNames = new Map(
      connectorNames.flatMap((c) => (c.destinationId ? [[c.destinationId, c.name] as const] : [])),
    );
    const diffs = sorted.map((entry) => ({
      sourceId: entry.sourceId,
      ...diffFlows(current.get(entry.sourceId), rewrite(entry), entry.destinationName, { connectionNames }),
    }));
    const plannedIds = new Set(sorted.map((entry) => entry.sourceId));
    const linked = new Map([...flowMap.map].filter(([sourceId]) => !plannedIds.has(sourceId)));
    return { flows: sorted, diffs, linked, destinations: current };
  }

  /**
   * Each connector instance the nodes call, matched in the destination: the same ID where the
   * destination has it (DaVinci's built-in instances share IDs across environments), else the instance
   * of the same connector and name, else the only instance of a built-in connector.
   */
  private mapConnectors(
    flows: Flow[],
    references: FoundReference[],
    sourceInstances: z.infer<typeof instanceSchema>[],
    destinationInstances: z.infer<typeof instanceSchema>[],
    to: EnvironmentRef,
    blockers: string[],
    warnings: string[],
  ): PromotionPlan['connectors'] {
    const uses = new Map<string, ConnectionUse>();
    for (const use of flows.flatMap((flow) => connectionsOf(flow.graphData))) {
      if (!uses.has(use.connectionId)) uses.set(use.connectionId, use);
    }
    // Instances named inside properties (`idpList`, `externalIdentityProvider`, rich text) need the
    // same mapping as the ones nodes call.
    for (const reference of references) {
      if (reference.kind !== 'connectorInstance' || uses.has(reference.value)) continue;
      const instance = sourceInstances.find((candidate) => candidate.id === reference.value);
      uses.set(reference.value, {
        connectionId: reference.value,
        connectorId: instance?.connector?.id,
        name: instance?.name,
      });
    }
    const mapped: PromotionPlan['connectors'] = [];
    for (const use of uses.values()) {
      const instance = sourceInstances.find((candidate) => candidate.id === use.connectionId);
      const connector = instance?.connector?.id ?? use.connectorId ?? 'unknown';
      const name = instance?.name ?? use.name ?? use.connectionId;
      const sameId = destinationInstances.find((candidate) => candidate.id === use.connectionId);
      const ofConnector = destinationInstances.filter((candidate) => candidate.connector?.id === connector);
      const named = ofConnector.filter((candidate) => candidate.name.toLowerCase() === name.toLowerCase());
      const credentialLess = credentialLessConnectors.has(connector);
      const builtIn =
        builtInConnections[connector] !== undefined || builtInIds.has(use.connectionId) || credentialLess;
      let destinationId: string | null = null;
      if (sameId) destinationId = sameId.id;
      else if (named.length === 1 && named[0]) destinationId = named[0].id;
      else if (builtIn && ofConnector.length === 1 && ofConnector[0]) destinationId = ofConnector[0].id;
      else if (builtIn && ofConnector.length === 0 && (builtInIds.has(use.connectionId) || credentialLess)) {
        destinationId = use.connectionId;
      } else if (named.length > 1) {
        blockers.push(
          `${to.name} has ${named.length} ${connector} connector instances named "${name}"; rename the extra ones.`,
        );
      } else if (!instance && !use.connectorId) {
        warnings.push(
          `A node uses connector instance ${use.connectionId}, which the source environment does not list; it is copied unchanged.`,
        );
        continue;
      } else {
        blockers.push(
          `${to.name} has no ${connector} connector instance named "${name}". Create it there (its secrets cannot be copied), then request again.`,
        );
      }
      mapped.push({ sourceId: use.connectionId, name, connector, destinationId });
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
    const [sourceForms, destinationForms] = await this.both(from, to, (env) =>
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

  private async readFlow(credentials: WorkerCredentials, envId: string, flowId: string): Promise<Flow> {
    const body = await this.pingone.get(
      credentials,
      `/environments/${envId}/flows/${encodeURIComponent(flowId)}`,
      {
        large: true,
      },
    );
    const parsed = flowSchema.safeParse(body);
    if (!parsed.success) {
      throw new PingOneError(
        'unexpected_response',
        `PingOne's answer for flow ${flowId} is not a DaVinci flow.`,
      );
    }
    return parsed.data;
  }

  /** An environment's flows, names and versions only. */
  async listFlows(credentials: WorkerCredentials, envId: string): Promise<FlowSummary[]> {
    return this.collect(credentials, { id: envId }, flowListQuery, 'flows', flowSummarySchema);
  }

  /**
   * A whole collection of one environment. When PingOne cannot list it (one bad connector instance
   * makes it answer 500 for all of them), the error says which list of which environment failed.
   */
  private async collect<T extends z.ZodType>(
    credentials: WorkerCredentials,
    env: { id: string; name?: string },
    collection: string,
    embedded: string,
    item: T,
  ): Promise<z.infer<T>[]> {
    try {
      return (
        await this.pingone.collect(credentials, `/environments/${env.id}/${collection}`, embedded, item)
      ).items;
    } catch (error) {
      if (!(error instanceof PingOneError) || !env.name) throw error;
      throw new PingOneError(
        error.code,
        `Reading ${env.name}'s ${listNames[embedded] ?? embedded} failed: ${error.message}`,
        error.details,
      );
    }
  }

  private both<T>(
    from: EnvironmentRef,
    to: EnvironmentRef,
    read: (env: EnvironmentRef) => Promise<T>,
  ): Promise<[T, T]> {
    return Promise.all([read(from), read(to)]);
  }
}

/**
 * Every variable the promoted flows use or own, and what the promotion does about it (docs/design.md,
 * "Planning a promotion"; README "Promotions"). Environment-level variables (company, flowInstance,
 * user) that the destination lacks are created with the source's value, except secrets, whose values
 * PingOne never shows: those block. Variables the destination has keep their values, which are per
 * environment by design. Flow variables travel with their flow: created for it, or updated where type
 * or limits differ.
 */
function planVariables(
  source: SourceRead,
  flows: PlannedFlow[],
  sourceVariables: VariableDefinition[],
  destinationVariables: VariableDefinition[],
  envs: { from: EnvironmentRef; to: EnvironmentRef },
  blockers: string[],
  warnings: string[],
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
    const destination = findVariable(destinationVariables, reference.name, context);
    const dataType = sourceDefinition?.dataType ?? reference.dataType ?? 'string';
    const label = `"${reference.name}" (${context})`;
    let action: VariableAction;
    if (destination) action = 'exists';
    else if (!sourceDefinition) {
      action = 'undefined';
      warnings.push(
        `The flows use the variable ${label}, which neither ${envs.from.name} nor ${envs.to.name} defines; it reads as empty until it is created.`,
      );
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

function findVariable(
  variables: VariableDefinition[],
  name: string,
  context: VariableContext,
): VariableDefinition | undefined {
  return variables.find((variable) => variable.name === name && variable.context === context);
}

/** Depth = the longest call chain from the main flow, so every subflow is written before its callers. */
function orderByDepth(
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

function subflowIds(flow: Flow | undefined): string[] {
  return subflowsOf(flow?.graphData).map((subflow) => subflow.id);
}

/** An exported flow in the shape a flow read has: ID and name from `flow`, its version as current. */
function flowFromExport(document: z.infer<typeof exportedFlowSchema>): Flow {
  const raw = document as Record<string, unknown>;
  const flow: Flow = {
    id: document.flow.id,
    name: document.flow.name ?? (typeof raw.name === 'string' ? raw.name : document.flow.id),
    ...(document.version === undefined ? {} : { currentVersion: document.version }),
    ...(document.updatedAt === undefined ? {} : { updatedAt: document.updatedAt }),
  };
  for (const key of definitionKeys) if (raw[key] !== undefined) flow[key] = raw[key];
  if (typeof raw.enabled === 'boolean') flow.enabled = raw.enabled;
  return flow;
}

/** Whether a flow definition carries a graph with nodes: an export without one is no copy of the flow. */
export function hasGraph(graph: unknown): boolean {
  const nodes = (graph as { elements?: { nodes?: unknown } } | undefined)?.elements?.nodes;
  return Array.isArray(nodes);
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

/** A plan's fingerprint as people read it: its first 16 characters, like a short commit hash. */
export function shownFingerprint(fingerprint: string): string {
  return fingerprint.slice(0, 16);
}

export function definitionOf(flow: Record<string, unknown> & { name: string }): FlowDefinition {
  const definition: FlowDefinition = { name: flow.name };
  for (const key of definitionKeys) if (flow[key] !== undefined) definition[key] = flow[key];
  return definition;
}

/**
 * The definition as it is written into the destination: every mapped ID replaced wherever it sits, in
 * the graph and in the flow's settings, trigger and schemas alike.
 */
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

export function rewrittenDefinition(definition: FlowDefinition, maps: IdMaps): FlowDefinition {
  const ids = idMapOf(maps);
  const rewritten: FlowDefinition = { name: definition.name };
  for (const key of definitionKeys) {
    const value = definition[key];
    if (value === undefined) continue;
    rewritten[key] = key === 'graphData' ? rewriteGraph(value, maps) : rewriteIds(value, ids);
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
function contentOf(definition: FlowDefinition): string {
  return stableJson(
    Object.fromEntries([
      ['name', definition.name],
      ...definitionKeys.map((key) => [key, comparableContent(key, definition[key])]),
    ]),
  );
}

function comparableContent(key: (typeof definitionKeys)[number], value: unknown): unknown {
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
  references: PlannedReference[],
  variables: PlannedVariable[],
  definitions: ComputedPlan['variables'],
  asNew: boolean,
): string {
  const state = {
    source: sourceFlows
      .map((flow) => [
        flow.id,
        flow.currentVersion ?? null,
        flow.updatedAt ?? null,
        contentOf(definitionOf(flow)),
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
    // Destination names this plan depends on (a match to update, a copy's name to avoid); others belong
    // to other promotions, which must not invalidate this one.
    namesTaken: destinationFlows
      .map((flow) => flow.name.toLowerCase())
      .filter((name) =>
        sourceFlows.some((flow) => {
          const own = flow.name.toLowerCase();
          return name === own || (asNew && name.startsWith(`${own} (copy`));
        }),
      )
      .sort(),
    connectors: connectors.map((c) => [c.sourceId, c.destinationId]),
    forms: forms.map((f) => [f.sourceId, f.destinationId]),
    references: references.map((r) => [r.kind, r.sourceId, r.status, r.destinationId]),
    // What is to be written is part of what is approved: a change to it makes a new plan.
    variables: variables.map((v) => {
      const written = v.action === 'create' || v.action === 'update';
      const pair = definitions.get(variableKey(v));
      return [
        variableKey(v),
        v.action,
        v.destinationId ?? null,
        v.dataType,
        written ? stableJson(pair?.source ?? null) : null,
      ];
    }),
  };
  // The whole SHA-256: a plan is run only if what it was made from is the same, and 64 bits would let
  // someone who can shape both environments search for a plan that passes for another.
  return createHash('sha256').update(JSON.stringify(state)).digest('hex');
}

/** The values of one kind of reference across the scanned flows. */
function referencesOfKind(
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
  options: Pick<PlanOptions, 'saved'>,
): number | undefined {
  if (!summary) return undefined;
  return options.saved ? summary.currentVersion : (summary.publishedVersion ?? summary.currentVersion);
}

/** What the plan says about the version it copies, when the saved and the deployed one differ. */
function versionNote(
  from: EnvironmentRef,
  name: string,
  summary: FlowSummary | undefined,
  options: Pick<PlanOptions, 'saved'>,
): string | undefined {
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
function pinnedVersions(
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
