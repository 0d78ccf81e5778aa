import type { PlannedDistribution, PlannedPolicy } from '../promotion/plan/types.js';
import type { PolicyResult } from '../promotion/policy-run.js';

/** A flow policy promotion as lines a person reads, in the caller's style (Slack: escaped, bold names). */

interface Style {
  escape: (text: string) => string;
  name: (text: string) => string;
}

const actionText = {
  create: 'created',
  update: 'updated in place (never deleted and created again)',
  unchanged: 'unchanged: it already matches',
} as const;

export function plannedPolicyLines(
  policy: PlannedPolicy,
  envs: { from: string; to: string },
  style: Style,
): string[] {
  const name = (text: string) => style.name(style.escape(text));
  const app = policy.application.destinationId
    ? `in ${name(policy.application.name)}`
    : `in ${name(policy.application.name)}, a DaVinci application created for it (its key and secret are ${style.escape(envs.to)}'s own)`;
  return [
    `Flow policy ${name(policy.name)} ${app}: ${actionText[policy.action]}`,
    ...policy.distributions.map((d) => `${distributionText(d, envs, name)}`),
  ];
}

function distributionText(
  distribution: PlannedDistribution,
  envs: { from: string; to: string },
  name: (text: string) => string,
): string {
  const flow = distribution.flowName
    ? name(distribution.flowName)
    : `the missing flow ${distribution.sourceFlowId}`;
  const weight = distribution.weight === null ? '' : `, ${distribution.weight}%`;
  const follows = (version: number | null) => version === null || version < 0;
  if (follows(distribution.sourceVersion) && follows(distribution.version))
    return `${flow}: follows the deployed version${weight}`;
  if (distribution.promoted)
    return `${flow}: v${distribution.sourceVersion} in ${envs.from} → the version this promotion deploys${weight}`;
  const to = distribution.version === null ? 'not deployed' : `v${distribution.version}`;
  return `${flow}: v${distribution.sourceVersion} in ${envs.from} → ${to} in ${envs.to}${weight}`;
}

export function policyResultText(result: PolicyResult, style: Style): string {
  const name = (text: string) => style.name(style.escape(text));
  const created = result.applicationCreated
    ? ` (DaVinci application ${name(result.application)} created)`
    : '';
  return `flow policy ${name(result.name)} ${result.action} \`${result.policyId}\` in ${name(result.application)}${created}`;
}
