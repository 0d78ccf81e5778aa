import type { KnownBlock } from '@slack/types';
import { authMethodNames, regionNames } from '../../core/tenants/input.js';
import type { Tenant } from '../../core/tenants/service.js';
import { escapedShort, slackDate } from './mrkdwn.js';

// A message holds 50 blocks: a header, one section per tenant, and a closing note if some are left out.
const maxShown = 47;

export function tenantListMessage(tenants: readonly Tenant[]): { text: string; blocks: KnownBlock[] } {
  if (tenants.length === 0) {
    const text = 'No tenants yet. An admin can add one with `/flightiq tenant add`.';
    return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
  }
  const shown = tenants.slice(0, maxShown);
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: `Tenants (${tenants.length})` } },
    ...shown.map(
      (tenant): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text: describe(tenant) } }),
    ),
  ];
  if (tenants.length > shown.length) {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `${tenants.length - shown.length} more not shown.` }],
    });
  }
  return { text: `Tenants (${tenants.length})`, blocks };
}

function describe(tenant: Tenant): string {
  const test = tenant.lastTest
    ? `${tenant.lastTest.outcome === 'passed' ? ':white_check_mark: passed' : ':x: failed'} ${slackDate(tenant.lastTest.at)}${tenant.lastTest.summary ? `: ${escapedShort(tenant.lastTest.summary, 300)}` : ''}`
    : 'not tested yet';
  return [
    `*${escapedShort(tenant.name, 200)}*  ·  ${regionNames[tenant.region]} (\`${tenant.region}\`)`,
    `Environment \`${tenant.environmentId}\`  ·  Client \`${tenant.clientId}\``,
    `${authMethodNames[tenant.authMethod]}  ·  secret ${tenant.secretFingerprint}`,
    `Last test: ${test}`,
  ].join('\n');
}
