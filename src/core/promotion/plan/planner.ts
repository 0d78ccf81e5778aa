import type { z } from 'zod';
import type { PingOneClient, WorkerCredentials } from '../../../pingone/client.js';
import {
  davinciPaths,
  exportedFlowSchema,
  type Flow,
  type FlowSummary,
  flowListQuery,
  flowSchema,
  flowSummarySchema,
  formSchema,
  instanceSchema,
} from '../../../pingone/davinci.js';
import { PingOneError } from '../../../pingone/errors.js';
import type { MappingEntry } from '../../../store/mapping-entries.js';
import { diffFlows } from '../../davinci/flow-diff.js';
import {
  type ConnectionUse,
  connectionsOf,
  formsOf,
  type IdMaps,
  subflowsOf,
} from '../../davinci/flow-graph.js';
import { type FoundReference, type KnownIds, scanReferences } from '../../davinci/references.js';
import {
  definitionFromExport,
  definitionFromResource,
  type VariableDefinition,
  variableResourceSchema,
} from '../../davinci/variables.js';
import { definitionOf, hasGraph, keepingSettings, rewrittenDefinition, sameContent } from './definition.js';
import { fingerprintOf, groupBy } from './fingerprint.js';
import { ProfileLookup } from './profile.js';
import { resolveReferences } from './references.js';
import {
  builtInConnections,
  builtInIds,
  credentialLessConnectors,
  destinationFlowMap,
  orderByDepth,
  pinnedVersions,
  planVariables,
  promotedVersion,
  referencesOfKind,
  renamedVariables,
  subflowIds,
  versionNote,
} from './rules.js';
import {
  type ComputedPlan,
  definitionKeys,
  type EnvironmentRef,
  type FlowDefinition,
  type FlowLookup,
  type PlannedDiff,
  type PlannedFlow,
  type PlanOptions,
  type PromotionPlan,
  type SourceRead,
} from './types.js';

/**
 * FlightIQ Director's "Run Setup" step: what promoting a flow would do, computed from both
 * environments as they are now. Execution computes it again and compares fingerprints, so nothing is
 * written from a plan that no longer matches.
 */

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
    /**
     * The source's and the destination's flow lists, when the caller has them (or is reading them), and
     * the pair's mapping profile, asked for references the destination's names do not settle.
     */
    given: {
      source?: FlowSummary[];
      destination?: Promise<FlowSummary[]>;
      profile?: readonly MappingEntry[];
    } = {},
  ): Promise<ComputedPlan> {
    const blockers: string[] = [];
    const warnings: string[] = [];
    const profile = new ProfileLookup(given.profile ?? [], { from: from.name, to: to.name });
    // Reads start as soon as what they need is known, never later: the flow lists; then the export,
    // the connector instances and the variables together; then the forms and the destination's flows
    // together. Four round trips with the environment list before it, whatever the flow's size.
    const [listed, destinationFlows] = await Promise.all([
      given.source ? Promise.resolve(given.source) : this.listFlows(credentials, from.id),
      given.destination ?? this.listFlows(credentials, to.id),
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
      profile,
      blockers,
      warnings,
    );
    const variableRenames = renamedVariables(
      source,
      sourceVariables,
      destinationVariables,
      profile,
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
        : this.mapForms(credentials, from, to, formIds, profile, blockers, warnings);
    const referencesRead = resolveReferences(this.pingone, credentials, { from, to }, scanned, profile);
    const mapsRead = Promise.all([formsRead, referencesRead]).then(([forms, resolved]) => ({
      connections: new Map(
        connectors.flatMap((c) => (c.destinationId ? [[c.sourceId, c.destinationId] as const] : [])),
      ),
      forms: new Map(forms.flatMap((f) => (f.destinationId ? [[f.sourceId, f.destinationId] as const] : []))),
      objects: resolved.objects,
      variables: variableRenames,
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
      variableRenames,
    );
    const mappedByProfile = profile.mapped();

    const plan: PromotionPlan = {
      from,
      to,
      flows,
      connectors,
      forms,
      references: resolved.references,
      variables: variables.planned,
      ...(mappedByProfile.length > 0 ? { mappedByProfile } : {}),
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
        mappedByProfile,
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
      await this.pingone.get(credentials, davinciPaths.flowVersionDetails(envId, id, version), {
        large: true,
      }),
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
        path: davinciPaths.flowVersion(envId, flowId, version),
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
      // A revert writes the flow itself, whatever it was called at that version.
      const matches =
        options.revertTo === undefined
          ? (byName.get(flow.name.toLowerCase()) ?? [])
          : destinationFlows.filter((candidate) => candidate.id === flow.id);
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
    profile: ProfileLookup,
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
      // Asked only where the name settles nothing: an instance of the same ID or name is never overridden.
      const profiled =
        sameId || named.length === 1
          ? undefined
          : profile.answer('connectorInstance', { id: use.connectionId, name }, destinationInstances);
      if (sameId) destinationId = sameId.id;
      else if (named.length === 1 && named[0]) destinationId = named[0].id;
      else if (profiled && 'blocker' in profiled) blockers.push(profiled.blocker);
      else if (profiled) destinationId = profiled.destinationId;
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
    profile: ProfileLookup,
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
      const profiled = matches.length === 1 ? undefined : profile.answer('form', form, destinationForms);
      if (profiled && 'blocker' in profiled) blockers.push(profiled.blocker);
      else if (profiled) {
        mapped.push({ sourceId: id, name: form.name, destinationId: profiled.destinationId });
        continue;
      } else if (matches.length === 0)
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
    const body = await this.pingone.get(credentials, davinciPaths.flow(envId, flowId), {
      large: true,
    });
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
        await this.pingone.collect(credentials, davinciPaths.collection(env.id, collection), embedded, item)
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
