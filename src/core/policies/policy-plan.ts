import { createHash } from 'node:crypto';
import type { PingOneClient, WorkerCredentials } from '../../pingone/client.js';
import {
  davinciApplicationNameSchema,
  davinciPaths,
  type FlowPolicyResource,
  type FlowSummary,
  flowListQuery,
  flowPolicyResourceSchema,
  flowSummarySchema,
} from '../../pingone/davinci.js';
import type {
  EnvironmentRef,
  PlannedDistribution,
  PolicyBody,
  PromotionPlan,
} from '../promotion/plan/types.js';
import { stableJson } from '../stable-json.js';

/**
 * The plan of a flow policy promotion (docs/promotions.md, "Promoting a flow policy"): the source
 * policy, found by its DaVinci application's name and its own, copied to the destination's application
 * of that name, each distribution's flow mapped by name and its version to one the destination runs.
 */

export type PolicyPlanOutcome =
  | { outcome: 'not_found'; what: 'application' | 'policy'; asked: string; candidates: string[] }
  | { outcome: 'planned'; plan: PromotionPlan; current: FlowPolicyResource | null };

export async function planPolicy(
  pingone: PingOneClient,
  credentials: WorkerCredentials,
  from: EnvironmentRef,
  to: EnvironmentRef,
  asked: { application: string; policy: string },
  /**
   * Flows a promotion carrying this policy writes (`--with-policies`), source flow ID → destination
   * name: they need not exist in the destination yet, and a version pinned to them becomes the one the
   * promotion deploys.
   */
  incoming: ReadonlyMap<string, string> = new Map(),
): Promise<PolicyPlanOutcome> {
  const collect = <T extends Parameters<PingOneClient['collect']>[3]>(
    path: string,
    embedded: string,
    item: T,
  ) => pingone.collect(credentials, path, embedded, item).then((collected) => collected.items);
  const [sourceApps, destinationApps, sourceFlows, destinationFlows] = await Promise.all([
    collect(davinciPaths.davinciApplications(from.id), 'davinciApplications', davinciApplicationNameSchema),
    collect(davinciPaths.davinciApplications(to.id), 'davinciApplications', davinciApplicationNameSchema),
    collect(davinciPaths.collection(from.id, flowListQuery), 'flows', flowSummarySchema),
    collect(davinciPaths.collection(to.id, flowListQuery), 'flows', flowSummarySchema),
  ]);
  const app = named(sourceApps, asked.application);
  if (!app)
    return {
      outcome: 'not_found',
      what: 'application',
      asked: asked.application,
      candidates: names(sourceApps),
    };
  const sourcePolicies = await collect(
    davinciPaths.flowPolicies(from.id, app.id),
    'flowPolicies',
    flowPolicyResourceSchema,
  );
  const policy = named(sourcePolicies, asked.policy);
  if (!policy)
    return { outcome: 'not_found', what: 'policy', asked: asked.policy, candidates: names(sourcePolicies) };

  const blockers: string[] = [];
  const warnings: string[] = [];
  const sameName = (item: { name: string }) => item.name.toLowerCase() === app.name.toLowerCase();
  const destinationAppMatches = destinationApps.filter(sameName);
  if (destinationAppMatches.length > 1)
    blockers.push(
      `${to.name} has ${destinationAppMatches.length} DaVinci applications named "${app.name}"; FlightIQ cannot tell which to write to. Rename the extra ones in ${to.name}.`,
    );
  const destinationApp = destinationAppMatches.length === 1 ? destinationAppMatches[0] : undefined;
  const destinationPolicies = destinationApp
    ? await collect(
        davinciPaths.flowPolicies(to.id, destinationApp.id),
        'flowPolicies',
        flowPolicyResourceSchema,
      )
    : [];
  const policyMatches = destinationPolicies.filter(
    (candidate) => candidate.name.toLowerCase() === policy.name.toLowerCase(),
  );
  if (policyMatches.length > 1)
    blockers.push(
      `${to.name}'s "${app.name}" has ${policyMatches.length} flow policies named "${policy.name}"; FlightIQ cannot tell which to update.`,
    );
  const current = policyMatches.length === 1 ? (policyMatches[0] ?? null) : null;

  const { distributions, requestDistributions } = mapDistributions(
    policy,
    { source: sourceFlows, destination: destinationFlows, incoming },
    { from, to },
    { blockers, warnings },
  );
  const body: PolicyBody = {
    name: policy.name,
    ...(policy.status ? { status: policy.status } : {}),
    ...(policy.trigger ? { trigger: policy.trigger } : {}),
    flowDistributions: requestDistributions,
  };
  if (!destinationApp && destinationAppMatches.length === 0)
    warnings.push(
      `${to.name} has no DaVinci application named "${app.name}": the promotion creates it. Its API key and client secret are ${to.name}'s own, never copied: read them in PingOne (DaVinci → Applications → ${app.name}) for whatever calls it.`,
    );
  let action: 'create' | 'update' | 'unchanged' = 'create';
  if (current) action = stableJson(bodyOf(current)) === stableJson(body) ? 'unchanged' : 'update';
  const plan: PromotionPlan = {
    from,
    to,
    flows: [],
    connectors: [],
    forms: [],
    variables: [],
    blockers,
    warnings,
    policy: {
      application: { name: app.name, sourceId: app.id, destinationId: destinationApp?.id ?? null },
      name: policy.name,
      sourceId: policy.id,
      destinationId: current?.id ?? null,
      action,
      body,
      distributions,
    },
    fingerprint: createHash('sha256')
      .update(
        stableJson({ body, current: current ? bodyOf(current) : null, app: destinationApp?.id ?? null }),
      )
      .digest('hex'),
  };
  return { outcome: 'planned', plan, current };
}

/**
 * Each distribution's flow, found by name in the destination, and its version: -1 stays -1 (whatever is
 * deployed); a pinned number becomes the destination's deployed version, said in a warning. A flow the
 * carrying promotion writes is there by the time the policy is written, at the version it deploys.
 */
function mapDistributions(
  policy: FlowPolicyResource,
  flows: { source: FlowSummary[]; destination: FlowSummary[]; incoming: ReadonlyMap<string, string> },
  envs: { from: EnvironmentRef; to: EnvironmentRef },
  said: { blockers: string[]; warnings: string[] },
): { distributions: PlannedDistribution[]; requestDistributions: Record<string, unknown>[] } {
  const sourceNames = new Map(flows.source.map((flow) => [flow.id, flow.name]));
  const distributions: PlannedDistribution[] = [];
  const requestDistributions: Record<string, unknown>[] = [];
  for (const distribution of policy.flowDistributions ?? []) {
    const flowName = sourceNames.get(distribution.id) ?? null;
    const sourceVersion = distribution.version ?? null;
    const promotedAs = flows.incoming.get(distribution.id);
    const wanted = promotedAs ?? flowName;
    const matches = wanted ? flows.destination.filter((flow) => flow.name === wanted) : [];
    const target = matches.length === 1 ? matches[0] : undefined;
    const problem = flowProblem(policy.name, distribution.id, flowName, matches.length, envs);
    if (problem && !promotedAs) said.blockers.push(problem);
    const version = versionIn(
      policy.name,
      flowName,
      sourceVersion,
      { target, promoted: Boolean(promotedAs) },
      envs,
      said,
    );
    distributions.push({
      flowName,
      sourceFlowId: distribution.id,
      destinationFlowId: target?.id ?? null,
      sourceVersion,
      version,
      weight: distribution.weight ?? null,
      ...(promotedAs ? { promoted: true } : {}),
    });
    requestDistributions.push({ ...distribution, id: target?.id ?? distribution.id, version: version ?? -1 });
  }
  return { distributions, requestDistributions };
}

/**
 * The version the destination's policy runs: -1 stays -1; a pinned number means nothing in another
 * environment, so it becomes the destination's deployed one (null: the one a carrying promotion deploys).
 */
function versionIn(
  policy: string,
  flowName: string | null,
  sourceVersion: number | null,
  flow: { target: FlowSummary | undefined; promoted: boolean },
  { from, to }: { from: EnvironmentRef; to: EnvironmentRef },
  said: { blockers: string[]; warnings: string[] },
): number | null {
  if (sourceVersion === null || sourceVersion < 0) return -1;
  const { target } = flow;
  if (flow.promoted || !target) return null;
  const version = target.publishedVersion ?? null;
  if (version === null)
    said.blockers.push(
      `"${policy}" pins ${flowName} to a version, and ${flowName} is not deployed in ${to.name}.`,
    );
  else
    said.warnings.push(
      `"${policy}" pins ${flowName} to v${sourceVersion} in ${from.name}; in ${to.name} it will pin v${version}, the version deployed there. Use -1 in ${from.name} to follow whatever is deployed.`,
    );
  return version;
}

/** Why a distribution's flow cannot be mapped: the source lacks it, or the destination has none or several. */
function flowProblem(
  policy: string,
  flowId: string,
  flowName: string | null,
  matches: number,
  { from, to }: { from: EnvironmentRef; to: EnvironmentRef },
): string | undefined {
  if (!flowName) return `"${policy}" sends users to the flow ${flowId}, which ${from.name} does not have.`;
  if (matches === 0)
    return `${to.name} has no flow named "${flowName}": promote it first (/flightiq promote ${flowName} --from ${from.name} --to ${to.name}).`;
  if (matches > 1)
    return `${to.name} has ${matches} flows named "${flowName}"; FlightIQ cannot tell which the policy means.`;
  return undefined;
}

/** What of a policy its replace request takes: the part compared, backed up and put back. */
export function bodyOf(policy: FlowPolicyResource): PolicyBody {
  return {
    name: policy.name,
    ...(policy.status ? { status: policy.status } : {}),
    ...(policy.trigger ? { trigger: policy.trigger } : {}),
    flowDistributions: (policy.flowDistributions ?? []).map((distribution) => ({ ...distribution })),
  };
}

function named<T extends { id: string; name: string }>(items: T[], asked: string): T | undefined {
  const wanted = asked.trim().toLowerCase();
  const matches = items.filter(
    (item) => item.id.toLowerCase() === wanted || item.name.toLowerCase() === wanted,
  );
  return matches.length === 1 ? matches[0] : undefined;
}

function names(items: { name: string }[]): string[] {
  return items.map((item) => item.name).sort((a, b) => a.localeCompare(b));
}
