import type { Logger } from '../../logger.js';
import { type Activity, activitiesPath, activitySchema } from '../../pingone/activities.js';
import type { PingOneClient, WorkerCredentials } from '../../pingone/client.js';
import { davinciPaths, exportedFlowSchema } from '../../pingone/davinci.js';
import { type DiffInput, diffFlows, type FlowDiff } from '../davinci/flow-diff.js';
import { problemOf } from '../problem.js';
import type { PolicyBody } from '../promotion/plan/types.js';

/**
 * Who changed a drifted flow or policy, when, and what changed: PingOne's audit activities since
 * FlightIQ's write name the person (docs/pingone-facts.md, "Audit activities"), and the flow's version
 * FlightIQ left is compared with the flow now. Neither may stop the alert: what cannot be read is said
 * in a few words instead.
 */

/**
 * The role that lets the worker read the audit: PingOne's Identity Data Read Only (Environment Admin
 * reads it too) (docs/pingone-facts.md, "Audit activities").
 */
export const auditRole = 'Identity Data Read Only';

/** Who changed it: a person or an app named by the audit, or "someone" with why no name is known. */
export type DriftAuthor =
  | { kind: 'person' | 'app'; name: string; id?: string | undefined; at: Date }
  | { kind: 'someone'; reason: string; missingRole?: string };

/** What a drift alert is about, as the audit names it. */
export interface DriftTarget {
  id: string;
  name: string;
  kind: 'flow' | 'policy';
}

/** The audit since the earliest write of an environment's drifted objects, or why it could not be read. */
export type AuditRead =
  | { activities: Activity[]; truncated: boolean }
  | { unreadable: string; missingRole?: string };

/** Pages of audit read per environment and scan: the audit also holds every sign-on. */
const auditPageCap = 10;

/** Reads the environment's audit between two times; never throws. */
export async function readAudit(
  pingone: PingOneClient,
  credentials: WorkerCredentials,
  environmentId: string,
  since: Date,
  until: Date,
): Promise<AuditRead> {
  try {
    const { items, truncated } = await pingone.collect(
      credentials,
      activitiesPath(environmentId, since, until),
      'activities',
      activitySchema,
      { pageCap: auditPageCap },
    );
    return { activities: items, truncated };
  } catch (error) {
    const problem = problemOf(error);
    // A 401 that a fresh token did not cure is a role too: the token works for everything else.
    if (problem?.code === 'missing_role' || problem?.code === 'token_rejected') {
      return { unreadable: "the worker app may not read PingOne's audit", missingRole: auditRole };
    }
    return {
      unreadable: problem
        ? `PingOne's audit could not be read (${problem.code.replaceAll('_', ' ')})`
        : "PingOne's audit could not be read",
    };
  }
}

/** Flow runs are audited too (`DAVINCI_INTERACTION`): they name the flow, but change nothing. */
const runs = /INTERACTION/i;
const kindPatterns: Record<DriftTarget['kind'], (type: string) => boolean> = {
  flow: (type) => /FLOW/i.test(type) && !/POLIC/i.test(type),
  policy: (type) => /POLIC/i.test(type),
};

/**
 * The newest change of `target` after `since`, by anyone but the worker app itself: FlightIQ's own
 * writes carry its client ID as `actors.client`, and are never blamed on a person. An activity names
 * its target by ID, or by name under a resource type of the target's kind (the audit's spelling of
 * types is tolerated, not relied on). Failed attempts and flow runs change nothing, so they are skipped.
 */
export function pickDriftActivity(
  activities: readonly Activity[],
  target: DriftTarget,
  since: Date,
  workerClientId: string,
): { activity: Activity; at: Date } | undefined {
  let newest: { activity: Activity; at: Date } | undefined;
  for (const activity of activities) {
    const at = activity.recordedAt ? new Date(activity.recordedAt) : undefined;
    if (!at || Number.isNaN(at.getTime()) || at <= since) continue;
    if (activity.actors?.client?.id === workerClientId) continue;
    if (/FAIL/i.test(activity.result?.status ?? '')) continue;
    if (runs.test(activity.action?.type ?? '')) continue;
    const names = (activity.resources ?? []).some(
      (resource) =>
        !runs.test(resource.type ?? '') &&
        (resource.id === target.id ||
          (resource.name === target.name && kindPatterns[target.kind](resource.type ?? ''))),
    );
    if (names && (!newest || at > newest.at)) newest = { activity, at };
  }
  return newest;
}

/** Who changed `target`, from the audit read: the newest change's actor, or someone, with why. */
export function authorOf(
  audit: AuditRead,
  target: DriftTarget,
  since: Date,
  workerClientId: string,
): DriftAuthor {
  if ('unreadable' in audit) {
    return {
      kind: 'someone',
      reason: audit.unreadable,
      ...(audit.missingRole ? { missingRole: audit.missingRole } : {}),
    };
  }
  const found = pickDriftActivity(audit.activities, target, since, workerClientId);
  if (!found) {
    return {
      kind: 'someone',
      reason: audit.truncated
        ? "PingOne's audit held more since FlightIQ's write than FlightIQ reads at once"
        : `PingOne's audit names no change of this ${target.kind} since FlightIQ's write`,
    };
  }
  const { user, client } = found.activity.actors ?? {};
  if (user?.name || user?.id) {
    return { kind: 'person', name: user.name ?? user.id ?? '', id: user.id, at: found.at };
  }
  if (client?.name || client?.id) {
    return { kind: 'app', name: client.name ?? client.id ?? '', id: client.id, at: found.at };
  }
  return { kind: 'someone', reason: "PingOne's audit does not name who made the change" };
}

/** A flow's change from the version FlightIQ left to the one now, or why it is not shown. */
export type DriftChange = { diff: FlowDiff } | { unread: string };

const diffKeys = [
  'name',
  'description',
  'color',
  'graphData',
  'inputSchema',
  'outputSchema',
  'settings',
  'trigger',
] as const;

/**
 * Both versions' details (DaVinci Admin Read Only reads them), compared as a plan compares flows: the
 * diff names nodes and properties and never carries a secret's value. Never throws.
 */
export async function readFlowChange(
  deps: { pingone: PingOneClient; logger: Logger },
  credentials: WorkerCredentials,
  environmentId: string,
  flow: { id: string; name: string; written: number; now: number },
): Promise<DriftChange> {
  try {
    const [before, after] = await Promise.all(
      [flow.written, flow.now].map(async (version) => {
        const details = exportedFlowSchema.safeParse(
          await deps.pingone.get(
            credentials,
            davinciPaths.flowVersionDetails(environmentId, flow.id, version),
            {
              large: true,
            },
          ),
        );
        if (!details.success) return undefined;
        const raw = details.data as Record<string, unknown>;
        const input: DiffInput = {};
        for (const key of diffKeys) if (raw[key] !== undefined) input[key] = raw[key];
        return input;
      }),
    );
    if (!before || !after) return { unread: "PingOne's version details were not in the expected shape" };
    return { diff: diffFlows(before, after, flow.name) };
  } catch (error) {
    deps.logger.info({ err: error, flow: flow.name }, 'drift: what changed could not be read');
    const problem = problemOf(error);
    return {
      unread:
        problem?.code === 'missing_role'
          ? "the worker app may not read the flow's versions"
          : "the flow's versions could not be read",
    };
  }
}

/** One way a flow policy routes differently from what FlightIQ left: PingOne's names, as they are. */
export interface RoutingChange {
  what: 'name' | 'status' | 'flows';
  before: string;
  after: string;
}

/**
 * Where a policy sends users now against what FlightIQ left (docs/promotions.md, "Promoting a flow
 * policy"): its name, status, and each distribution's flow, version and weight, flows by name.
 */
export function routingChanges(
  written: PolicyBody,
  held: PolicyBody,
  flowNames: ReadonlyMap<string, string>,
): RoutingChange[] {
  const changes: RoutingChange[] = [];
  if (written.name !== held.name) changes.push({ what: 'name', before: written.name, after: held.name });
  if (written.status && written.status !== held.status)
    changes.push({ what: 'status', before: written.status, after: held.status ?? 'none' });
  const routes = (body: PolicyBody) =>
    body.flowDistributions
      .map((distribution) => {
        const id = String(distribution.id);
        const version = distribution.version === -1 ? 'deployed' : `v${String(distribution.version ?? '?')}`;
        const weight = distribution.weight === undefined ? '' : ` ${String(distribution.weight)}%`;
        return `${flowNames.get(id) ?? id} ${version}${weight}`;
      })
      .join(', ') || 'no flow';
  if (routes(written) !== routes(held))
    changes.push({ what: 'flows', before: routes(written), after: routes(held) });
  return changes;
}
