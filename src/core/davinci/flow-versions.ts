import type pg from 'pg';
import type { PingOneClient } from '../../pingone/client.js';
import { davinciPaths, flowVersionSchema } from '../../pingone/davinci.js';
import { type VersionWrite, versionsWritten } from '../../store/promotions.js';
import type { Actor } from '../access.js';
import type { CredentialMonitor } from '../credentials/monitor.js';
import { type EnvironmentMatch, matchEnvironment } from '../environment-match.js';
import type { EnvironmentDirectory, EnvironmentSummary } from '../environments.js';
import { type Problem, problemOf } from '../problem.js';
import type { PromotionPlanner } from '../promotion/plan/planner.js';
import type { FlowLookup } from '../promotion/plan/types.js';
import type { Tenant, TenantService } from '../tenants/service.js';

/**
 * `/flightiq versions <flow> --env <env>`: a flow's saved versions, newest first, with their aliases,
 * when each was saved and deployed, and which FlightIQ wrote (from its own record of the promotion's
 * steps, not from the alias, which anyone may change in PingOne).
 */

export interface FlowVersionLine {
  version: number;
  alias: string | null;
  savedAt: Date | null;
  /** When PingOne last deployed it; null if never (or PingOne did not say). */
  deployedAt: Date | null;
  /** The flow's deployed version now: what a policy following the deployed version runs. */
  live: boolean;
  /** The flow's current (saved, latest) version. */
  current: boolean;
  writtenBy: VersionWrite | null;
}

export interface FlowVersions {
  environment: EnvironmentSummary;
  flow: { id: string; name: string; currentVersion: number | null; publishedVersion: number | null };
  versions: FlowVersionLine[];
}

export type FlowVersionsOutcome =
  | { outcome: 'refused' }
  | { outcome: 'environment_not_matched'; match: Extract<EnvironmentMatch, { ok: false }> }
  | { outcome: 'no_davinci'; environment: EnvironmentSummary }
  | {
      outcome: 'flow_not_found';
      lookup: Extract<FlowLookup, { ok: false }>;
      asked: string;
      environment: EnvironmentSummary;
    }
  | { outcome: 'failed'; problem: Problem }
  | { outcome: 'versions'; history: FlowVersions };

export class FlowVersionReader {
  constructor(
    private readonly deps: {
      pool: pg.Pool;
      pingone: PingOneClient;
      tenants: TenantService;
      environments: EnvironmentDirectory;
      planner: Pick<PromotionPlanner, 'findFlow'>;
      monitor?: Pick<CredentialMonitor, 'observe'>;
    },
  ) {}

  /** For readers, like every list. */
  async read(actor: Actor, tenant: Tenant, flow: string, asked: string): Promise<FlowVersionsOutcome> {
    if (!(await this.deps.tenants.authorizeReader(actor, 'versions', tenant.name)))
      return { outcome: 'refused' };
    try {
      const { environments } = await this.deps.environments.list(tenant);
      const match = matchEnvironment(environments, asked);
      if (!match.ok) return { outcome: 'environment_not_matched', match };
      const environment = match.environment;
      if (environment.hasDavinci === false) return { outcome: 'no_davinci', environment };
      const credentials = this.deps.tenants.credentialsOf(tenant);
      const lookup = await this.deps.planner.findFlow(credentials, environment, flow);
      if (!lookup.ok) return { outcome: 'flow_not_found', lookup, asked: flow, environment };
      const found = lookup.flow;
      const [listed, written] = await Promise.all([
        this.deps.pingone.collect(
          credentials,
          davinciPaths.flowVersions(environment.id, found.id),
          'versions',
          flowVersionSchema,
        ),
        versionsWritten(this.deps.pool, tenant.id, environment.id, found.id),
      ]);
      const versions = listed.items
        .map(
          (item): FlowVersionLine => ({
            version: item.version,
            alias: item.alias ?? null,
            savedAt: dateOf(item.createdAt),
            deployedAt: dateOf(item.deployedAt),
            live: item.version === found.publishedVersion,
            current: item.version === found.currentVersion,
            writtenBy: written.get(item.version) ?? null,
          }),
        )
        .sort((a, b) => b.version - a.version);
      return {
        outcome: 'versions',
        history: {
          environment,
          flow: {
            id: found.id,
            name: found.name,
            currentVersion: found.currentVersion ?? null,
            publishedVersion: found.publishedVersion ?? null,
          },
          versions,
        },
      };
    } catch (error) {
      const problem = problemOf(error);
      if (!problem) throw error;
      await this.deps.monitor?.observe(tenant, problem);
      return { outcome: 'failed', problem };
    }
  }
}

/** PingOne's timestamps; one it writes some other way is shown as unknown rather than as a wrong date. */
function dateOf(text: string | undefined): Date | null {
  if (!text) return null;
  const at = new Date(text);
  return Number.isNaN(at.getTime()) ? null : at;
}
