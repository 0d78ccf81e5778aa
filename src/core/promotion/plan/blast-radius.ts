import type { PolicyChain } from '../../policies/chain.js';
import type { PlannedPolicyUse, PromotionPlan } from './types.js';

/**
 * The destination's flow policies that use the flows a plan updates (docs/pingone-facts.md, "Flow
 * policies and their assignments"), and a warning for each that pins a version: it will not run what
 * the promotion deploys.
 */
export function policyUsesOf(
  plan: Pick<PromotionPlan, 'flows' | 'to'>,
  chain: PolicyChain,
): { uses: PlannedPolicyUse[]; warnings: string[] } {
  const updated = new Map(
    plan.flows
      .filter((flow) => flow.action === 'update' && flow.destinationId)
      .map((flow) => [flow.destinationId as string, flow.destinationName]),
  );
  const uses: PlannedPolicyUse[] = [];
  const warnings: string[] = [];
  for (const app of chain.applications) {
    for (const policy of app.policies) {
      const weights = policy.distributions.map((d) => d.weight ?? 100 / policy.distributions.length);
      policy.distributions.forEach((distribution, index) => {
        const flowName = updated.get(distribution.flowId);
        if (!flowName) return;
        const pinned =
          distribution.version !== null && distribution.version >= 0 ? distribution.version : null;
        const use: PlannedPolicyUse = {
          flowName,
          policy: policy.name,
          davinciApplication: app.name,
          status: policy.status,
          pinnedVersion: pinned,
          weight: Math.round(weights[index] ?? 100),
          others: policy.distributions
            .map((other, at) => ({ flowName: other.flowName, weight: Math.round(weights[at] ?? 0) }))
            .filter((_, at) => at !== index),
          usedBy: policy.usedBy.map((u) => ({ applicationName: u.applicationName, priority: u.priority })),
          ids: { davinciApplication: app.id, policy: policy.id, flow: distribution.flowId },
        };
        uses.push(use);
        if (pinned !== null) warnings.push(pinnedWarning(use, plan.to.name));
      });
    }
  }
  return { uses, warnings };
}

function pinnedWarning(use: PlannedPolicyUse, environment: string): string {
  const who =
    use.usedBy.length > 0
      ? `for ${use.usedBy.map((u) => u.applicationName).join(' and ')}`
      : 'though no PingOne application assigns it';
  return `Flow policy "${use.policy}" (DaVinci application "${use.davinciApplication}") pins ${use.flowName} to v${use.pinnedVersion} in ${environment}: this promotion deploys a newer version, and the policy keeps running v${use.pinnedVersion} ${who}. To run what this promotion deploys, set the policy's distribution of ${use.flowName} to the deployed version (-1) in PingOne after the run.`;
}

/**
 * One use as a line a person reads, in the caller's style (Slack: mrkdwn escaped, names in bold):
 * "Checkout in policy Login (Customer portal), 70% (30% to Login v2), pinned to v7: used by Web Shop
 * (priority 1) and Mobile (priority 2)".
 */
export function policyUseText(
  use: PlannedPolicyUse,
  style: { escape: (text: string) => string; name: (text: string) => string; when?: (at: Date) => string },
): string {
  const name = (text: string) => style.name(style.escape(text));
  const split =
    use.others.length > 0
      ? ` (${use.others.map((o) => `${o.weight}% to ${o.flowName ? name(o.flowName) : 'a flow not in this environment'}`).join(', ')})`
      : '';
  const version =
    use.pinnedVersion === null ? 'follows the deployed version' : `pinned to v${use.pinnedVersion}`;
  const status = use.status === 'enabled' ? '' : `, ${style.escape(use.status)}`;
  const users =
    use.usedBy.length > 0
      ? `used by ${use.usedBy.map((u) => `${name(u.applicationName)} (priority ${u.priority})`).join(' and ')}`
      : 'no PingOne application assigns the policy';
  return `${name(use.flowName)} in policy ${name(use.policy)} (${name(use.davinciApplication)}${status}), ${use.weight}%${split}, ${version}: ${users}${runsText(use.runs, style)}`;
}

/** "; 1,204 runs recorded (1,180 succeeded), the last 2 hours ago": how much this change touches. */
function runsText(runs: PlannedPolicyUse['runs'], style: { when?: (at: Date) => string }): string {
  if (!runs) return '';
  if (runs.total === 0) return '; no run recorded';
  const count = (n: number) => n.toLocaleString('en-US');
  const last = runs.lastAt && style.when ? `, the last ${style.when(new Date(runs.lastAt))}` : '';
  return `; ${count(runs.total)} run${runs.total === 1 ? '' : 's'} recorded (${count(runs.succeeded)} succeeded)${last}`;
}
