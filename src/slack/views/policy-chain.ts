import type { KnownBlock } from '@slack/types';
import type { FlowPolicy, PolicyChain, PolicyDistribution } from '../../core/policies/chain.js';
import { escapedShort, escapeMrkdwn, packLines, shorten } from './mrkdwn.js';

/** Sections the list may use besides its header and footer (Slack takes 50 blocks in a message). */
const maxSections = 45;

/**
 * `/flightiq list policies`: each DaVinci application with its flow policies, each policy with the
 * flows it sends users to (version and share) and the PingOne applications that run it, in the order
 * PingOne evaluates them. Names come from PingOne, so they are escaped; secrets are never read.
 */
export function policyChainMessage(chain: PolicyChain): { text: string; blocks: KnownBlock[] } {
  const where = escapeMrkdwn(chain.environment.name);
  const policies = chain.applications.reduce((count, app) => count + app.policies.length, 0);
  const summary = `${chain.applications.length} DaVinci application${chain.applications.length === 1 ? '' : 's'} and ${policies} flow polic${policies === 1 ? 'y' : 'ies'} in *${where}*`;
  const lines = chain.applications.flatMap((app) => [
    `*${escapedShort(app.name, 150)}*`,
    ...(app.policies.length > 0 ? app.policies.map(policyLine) : ['• no flow policy']),
  ]);
  const sections = packLines(lines);
  const shown = sections.slice(0, maxSections);
  const footer = [
    ...(chain.truncated
      ? ['Some lists were longer than FlightIQ reads; this shows the first part of them.']
      : []),
    ...(shown.length < sections.length ? ['The rest did not fit in one message.'] : []),
  ];
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `:twisted_rightwards_arrows: ${summary}.` } },
    ...shown.map((text): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text } })),
    ...(footer.length > 0
      ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: footer.join(' ') }] } as KnownBlock]
      : []),
  ];
  if (chain.applications.length === 0) {
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `No DaVinci application in *${where}*: no flow there is reachable from a PingOne application.`,
      },
    });
  }
  return { text: shorten(`${summary.replace(/\*/g, '')}.`, 3000), blocks };
}

function policyLine(policy: FlowPolicy): string {
  const status = policy.status === 'enabled' ? '' : ` (${escapeMrkdwn(policy.status)})`;
  const runs =
    policy.distributions.length > 0 ? policy.distributions.map(distributionText).join(', ') : 'no flow';
  const used =
    policy.usedBy.length > 0
      ? `used by ${policy.usedBy.map((use) => `*${escapedShort(use.applicationName, 80)}* (priority ${use.priority})`).join(', ')}`
      : 'used by no PingOne application';
  return `• *${escapedShort(policy.name, 150)}*${status}: ${runs}; ${used}`;
}

function distributionText(
  distribution: PolicyDistribution,
  _: number,
  all: readonly PolicyDistribution[],
): string {
  const flow = distribution.flowName
    ? `*${escapedShort(distribution.flowName, 100)}*`
    : `:warning: a flow this environment does not have (\`${escapeMrkdwn(distribution.flowId)}\`)`;
  const version =
    distribution.version === null || distribution.version < 0
      ? 'deployed version'
      : `v${distribution.version}`;
  const weight = distribution.weight ?? (all.length === 1 ? 100 : null);
  return `${flow} ${version}${weight === null ? '' : ` ${weight}%`}`;
}
