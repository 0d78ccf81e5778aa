import { z } from 'zod';
import type { PingOneClient, WorkerCredentials } from '../../pingone/client.js';
import { davinciPaths, flowSummarySchema } from '../../pingone/davinci.js';
import { PingOneError } from '../../pingone/errors.js';
import type { Actor } from '../access.js';
import type { CredentialMonitor } from '../credentials/monitor.js';
import { type EnvironmentMatch, matchEnvironment } from '../environment-match.js';
import type { EnvironmentDirectory, EnvironmentSummary } from '../environments.js';
import { type Problem, problemOf } from '../problem.js';
import type { Tenant, TenantService } from '../tenants/service.js';

/**
 * What makes a DaVinci flow reachable in an environment: a PingOne application assigns a flow policy,
 * the policy belongs to a DaVinci application, and its distributions name a flow, a version and a
 * weight (docs/pingone-facts.md, "Flow policies and their assignments"). Read here, end to end, so a
 * person sees which applications run which flow at which version.
 */

/** One flow a policy sends users to, and how many of them. */
export interface PolicyDistribution {
  flowId: string;
  /** The flow's name in the environment; null when the environment has no such flow. */
  flowName: string | null;
  /** The version the policy runs; -1 (or absent) means whatever version is deployed. */
  version: number | null;
  /** Its share of users, in percent; null when PingOne gave none (one distribution takes them all). */
  weight: number | null;
}

/** A PingOne application that assigns a policy, and where in its order it is evaluated (lower first). */
export interface PolicyUse {
  applicationId: string;
  applicationName: string;
  priority: number;
}

export interface FlowPolicy {
  id: string;
  name: string;
  status: string;
  distributions: PolicyDistribution[];
  usedBy: PolicyUse[];
}

export interface DavinciApplication {
  id: string;
  name: string;
  policies: FlowPolicy[];
}

export interface PolicyChain {
  environment: EnvironmentSummary;
  applications: DavinciApplication[];
  /** Lists cut at the page cap: the chain may be missing some. */
  truncated: boolean;
}

/** A flow as an environment holds it now: what a policy that sends users to it would run. */
export interface FlowState {
  /** Null when no version is deployed. */
  publishedVersion: number | null;
  /** Undefined when PingOne did not say. */
  enabled: boolean | undefined;
}

/** The chain without its environment, plus each flow's state by flow ID. */
export interface PolicyLinks {
  applications: DavinciApplication[];
  flows: Map<string, FlowState>;
  truncated: boolean;
}

export type PolicyChainOutcome =
  | { outcome: 'refused' }
  | { outcome: 'environment_not_matched'; match: Extract<EnvironmentMatch, { ok: false }> }
  | { outcome: 'no_davinci'; environment: EnvironmentSummary }
  | { outcome: 'failed'; problem: Problem }
  | { outcome: 'chain'; chain: PolicyChain };

// Only what is shown is kept: a DaVinci application's answer also carries its API key and OAuth secret.
const davinciApplicationSchema = z.object({ id: z.string(), name: z.string() });
const flowPolicySchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.string().optional(),
  flowDistributions: z
    .array(z.looseObject({ id: z.string(), version: z.number().optional(), weight: z.number().optional() }))
    .optional(),
});
// `enabled` is one of the attributes the flows list can be asked for (docs/pingone-facts.md).
const flowStateQuery = 'flows?attributes=id,name,publishedVersion,enabled';
const flowStateSchema = flowSummarySchema.extend({ enabled: z.boolean().optional() });
const pingoneApplicationSchema = z.object({ id: z.string(), name: z.string() });
const assignmentSchema = z.object({ flowPolicy: z.object({ id: z.string() }), priority: z.number() });

/** PingOne applications whose assignments are read at once: an environment may have hundreds. */
const assignmentReads = 4;

export class PolicyChainReader {
  constructor(
    private readonly deps: {
      pingone: PingOneClient;
      tenants: TenantService;
      environments: EnvironmentDirectory;
      monitor?: Pick<CredentialMonitor, 'observe'>;
    },
  ) {}

  /** `/flightiq list policies --env <env>`: for readers, like every list. */
  async read(actor: Actor, tenant: Tenant, asked: string): Promise<PolicyChainOutcome> {
    if (!(await this.deps.tenants.authorizeReader(actor, 'list.policies', tenant.name)))
      return { outcome: 'refused' };
    try {
      const { environments } = await this.deps.environments.list(tenant);
      const match = matchEnvironment(environments, asked);
      if (!match.ok) return { outcome: 'environment_not_matched', match };
      if (match.environment.hasDavinci === false)
        return { outcome: 'no_davinci', environment: match.environment };
      const chain = await this.chainOf(this.deps.tenants.credentialsOf(tenant), match.environment);
      return { outcome: 'chain', chain };
    } catch (error) {
      const problem = problemOf(error);
      if (!problem) throw error;
      await this.deps.monitor?.observe(tenant, problem);
      return { outcome: 'failed', problem };
    }
  }

  /** The chain in an environment, read with a tenant's credentials (a plan reads its destination's). */
  async chainOf(credentials: WorkerCredentials, environment: EnvironmentSummary): Promise<PolicyChain> {
    const { applications, truncated } = await this.linksIn(credentials, environment.id);
    return { environment, applications, truncated };
  }

  /**
   * The chain's links in an environment: its DaVinci applications and their policies, with who uses
   * them, and its flows as deployed now (a promotion's verdict checks each link against them).
   */
  async linksIn(credentials: WorkerCredentials, envId: string): Promise<PolicyLinks> {
    const { pingone } = this.deps;
    const [apps, flows, uses] = await Promise.all([
      pingone.collect(
        credentials,
        davinciPaths.collection(envId, 'davinciApplications'),
        'davinciApplications',
        davinciApplicationSchema,
      ),
      pingone.collect(credentials, davinciPaths.collection(envId, flowStateQuery), 'flows', flowStateSchema),
      this.usesOf(credentials, envId),
    ]);
    const flowNames = new Map(flows.items.map((flow) => [flow.id, flow.name]));
    let truncated = apps.truncated || flows.truncated || uses.truncated;
    const applications: DavinciApplication[] = [];
    for (const app of apps.items) {
      const policies = await pingone.collect(
        credentials,
        davinciPaths.collection(envId, `davinciApplications/${encodeURIComponent(app.id)}/flowPolicies`),
        'flowPolicies',
        flowPolicySchema,
      );
      truncated ||= policies.truncated;
      applications.push({
        id: app.id,
        name: app.name,
        policies: policies.items
          .map((policy) => ({
            id: policy.id,
            name: policy.name,
            status: policy.status ?? 'unknown',
            distributions: (policy.flowDistributions ?? []).map((distribution) => ({
              flowId: distribution.id,
              flowName: flowNames.get(distribution.id) ?? null,
              version: distribution.version ?? null,
              weight: distribution.weight ?? null,
            })),
            usedBy: (uses.byPolicy.get(policy.id) ?? []).sort((a, b) => a.priority - b.priority),
          }))
          .sort((a, b) => a.name.localeCompare(b.name)),
      });
    }
    applications.sort((a, b) => a.name.localeCompare(b.name));
    const states = new Map(
      flows.items.map((flow) => [
        flow.id,
        { publishedVersion: flow.publishedVersion ?? null, enabled: flow.enabled },
      ]),
    );
    return { applications, flows: states, truncated };
  }

  /** Which PingOne applications assign each flow policy, by policy ID. */
  private async usesOf(
    credentials: WorkerCredentials,
    envId: string,
  ): Promise<{ byPolicy: Map<string, PolicyUse[]>; truncated: boolean }> {
    const { pingone } = this.deps;
    const apps = await pingone.collect(
      credentials,
      `/environments/${encodeURIComponent(envId)}/applications`,
      'applications',
      pingoneApplicationSchema,
    );
    const byPolicy = new Map<string, PolicyUse[]>();
    let truncated = apps.truncated;
    const queue = [...apps.items];
    const worker = async () => {
      for (let app = queue.shift(); app; app = queue.shift()) {
        const assignments = await pingone
          .collect(
            credentials,
            `/environments/${encodeURIComponent(envId)}/applications/${encodeURIComponent(app.id)}/flowPolicyAssignments`,
            'flowPolicyAssignments',
            assignmentSchema,
          )
          // Only some kinds of application take flow policies; what PingOne says of the others is not
          // documented, so an application it will not answer for assigns none.
          .catch((error: unknown) => {
            if (error instanceof PingOneError && ['not_found', 'refused_request'].includes(error.code))
              return { items: [], truncated: false };
            throw error;
          });
        truncated ||= assignments.truncated;
        for (const assignment of assignments.items) {
          const uses = byPolicy.get(assignment.flowPolicy.id) ?? [];
          uses.push({ applicationId: app.id, applicationName: app.name, priority: assignment.priority });
          byPolicy.set(assignment.flowPolicy.id, uses);
        }
      }
    };
    await Promise.all(Array.from({ length: assignmentReads }, worker));
    return { byPolicy, truncated };
  }
}
