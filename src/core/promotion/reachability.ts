import type { FlowPolicy, PolicyLinks } from '../policies/chain.js';

/**
 * After a run: can users reach what the promotion deployed? Each PingOne application that assigns a
 * policy sending users to a promoted flow is checked along the chain (docs/pingone-facts.md, "Flow
 * policies and their assignments"): the policy enabled, the version it runs the one deployed, the flow
 * deployed and enabled, its subflows too. References were resolved before anything was written (the
 * plan blocks otherwise) and the read-back proved the written flows hold them.
 */

/** A flow the promotion deployed, and what it deployed. */
export interface DeployedFlow {
  id: string;
  name: string;
  role: 'main' | 'subflow';
  deployedVersion: number | null;
}

/** A link between an application and what the promotion deployed that does not hold. */
export type BrokenLink =
  | { link: 'policy_status'; policy: string; status: string }
  | { link: 'pinned'; policy: string; flow: string; pinned: number; deployed: number | null }
  | { link: 'flow_missing' | 'flow_disabled' | 'flow_not_deployed'; flow: string; subflow: boolean }
  | { link: 'flow_redeployed'; flow: string; subflow: boolean; published: number; deployed: number | null };

/** What no application explains: a flow no policy runs, a policy no application assigns, a cut list. */
export type VerdictNote =
  | { note: 'unassigned_policy'; policy: string; flow: string }
  | { note: 'no_policy'; flow: string }
  | { note: 'truncated' };

/** One PingOne application that runs a promoted flow, and the links broken on its way there. */
export interface ApplicationReach {
  name: string;
  /** Empty when every link holds: the application reaches what was deployed. */
  broken: BrokenLink[];
}

export interface ReachabilityVerdict {
  environment: string;
  applications: ApplicationReach[];
  notes: VerdictNote[];
  /** Why the chain could not be read; then nothing else is said. */
  unchecked?: string;
}

export function reachabilityOf(
  flows: DeployedFlow[],
  links: PolicyLinks,
  environment: string,
): ReachabilityVerdict {
  const promoted = new Map(flows.map((flow) => [flow.id, flow]));
  const byApplication = new Map<string, ApplicationReach>();
  const notes: VerdictNote[] = [];
  const ran = new Set<string>();
  for (const app of links.applications) {
    for (const policy of app.policies) {
      for (const distribution of policy.distributions) {
        const flow = promoted.get(distribution.flowId);
        if (!flow) continue;
        ran.add(flow.id);
        if (policy.usedBy.length === 0) {
          notes.push({ note: 'unassigned_policy', policy: policy.name, flow: flow.name });
          continue;
        }
        const broken = brokenLinks(policy, distribution.version, flow, flows, links);
        for (const use of policy.usedBy) {
          const reach = byApplication.get(use.applicationId) ?? { name: use.applicationName, broken: [] };
          const seen = new Set(reach.broken.map((link) => JSON.stringify(link)));
          reach.broken.push(...broken.filter((link) => !seen.has(JSON.stringify(link))));
          byApplication.set(use.applicationId, reach);
        }
      }
    }
  }
  for (const flow of flows) {
    if (flow.role === 'main' && !ran.has(flow.id)) notes.push({ note: 'no_policy', flow: flow.name });
  }
  if (links.truncated) notes.push({ note: 'truncated' });
  const applications = [...byApplication.values()].sort((a, b) => a.name.localeCompare(b.name));
  return { environment, applications, notes };
}

/** The links between a policy and what the promotion deployed that do not hold, in chain order. */
function brokenLinks(
  policy: FlowPolicy,
  pinned: number | null,
  flow: DeployedFlow,
  flows: DeployedFlow[],
  links: PolicyLinks,
): BrokenLink[] {
  const broken: BrokenLink[] = [];
  if (policy.status !== 'enabled')
    broken.push({ link: 'policy_status', policy: policy.name, status: policy.status });
  if (pinned !== null && pinned >= 0 && pinned !== flow.deployedVersion) {
    broken.push({
      link: 'pinned',
      policy: policy.name,
      flow: flow.name,
      pinned,
      deployed: flow.deployedVersion,
    });
  }
  // The flow must be deployed and enabled, and so must every subflow it calls.
  const needed = flow.role === 'main' ? [flow, ...flows.filter((f) => f.role === 'subflow')] : [flow];
  for (const each of needed) {
    const state = links.flows.get(each.id);
    const at = { flow: each.name, subflow: each !== flow };
    if (!state) {
      broken.push({ link: 'flow_missing', ...at });
      continue;
    }
    if (state.enabled === false) broken.push({ link: 'flow_disabled', ...at });
    if (state.publishedVersion === null) broken.push({ link: 'flow_not_deployed', ...at });
    else if (state.publishedVersion !== each.deployedVersion)
      broken.push({
        link: 'flow_redeployed',
        ...at,
        published: state.publishedVersion,
        deployed: each.deployedVersion,
      });
  }
  return broken;
}

/** Names as the caller shows them (Slack: escaped and bold); the rest is plain text. */
type Name = (text: string) => string;

function versionText(version: number | null): string {
  return version === null ? 'a new version' : `v${version}`;
}

function linkText(broken: BrokenLink, name: Name): string {
  if (broken.link === 'policy_status') return `policy ${name(broken.policy)} is ${broken.status}`;
  if (broken.link === 'pinned')
    return `policy ${name(broken.policy)} still runs v${broken.pinned} of ${name(broken.flow)}; this promotion deployed ${versionText(broken.deployed)}`;
  const label = `${broken.subflow ? 'subflow ' : ''}${name(broken.flow)}`;
  switch (broken.link) {
    case 'flow_missing':
      return `${label} is no longer in the environment`;
    case 'flow_disabled':
      return `${label} is disabled`;
    case 'flow_not_deployed':
      return `${label} is not deployed`;
    default:
      return `${label} now has v${broken.published} deployed, not ${versionText(broken.deployed)} from this promotion`;
  }
}

function noteText(note: VerdictNote, environment: string, name: Name): string {
  switch (note.note) {
    case 'unassigned_policy':
      return `Policy ${name(note.policy)} runs ${name(note.flow)}, but no PingOne application assigns it.`;
    case 'no_policy':
      return `No flow policy in ${name(environment)} runs ${name(note.flow)}: no PingOne application reaches it until a policy does.`;
    default:
      return `PingOne's lists in ${name(environment)} were cut at the page cap: some applications may be missing.`;
  }
}

/** Applications named in the "reachable" line; the rest are counted. */
const namedReached = 4;

/**
 * The verdict as lines a person reads: who reaches it, then one line per broken link of each
 * application, then notes. Names are shortened by the caller's style, so each line stays short.
 */
export function reachabilityLines(
  verdict: ReachabilityVerdict,
  style: { escape: (text: string) => string; name: (text: string) => string },
): string[] {
  const name = (text: string) => style.name(style.escape(text));
  if (verdict.unchecked) return [`Not checked: ${style.escape(verdict.unchecked)}`];
  const reached = verdict.applications.filter((app) => app.broken.length === 0);
  const lines: string[] = [];
  if (reached.length > 0) {
    const named = reached.slice(0, namedReached).map((app) => name(app.name));
    if (reached.length > namedReached) named.push(`${reached.length - namedReached} more`);
    lines.push(
      `Reachable from ${reached.length} application${reached.length === 1 ? '' : 's'}: ${named.join(', ')}`,
    );
  }
  for (const app of verdict.applications)
    for (const link of app.broken) lines.push(`${name(app.name)}: ${linkText(link, name)}`);
  lines.push(...verdict.notes.map((note) => noteText(note, verdict.environment, name)));
  return lines;
}
