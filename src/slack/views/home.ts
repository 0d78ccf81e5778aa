import type { ActionsBlock, HomeView, KnownBlock } from '@slack/types';
import type { SubcommandInfo } from '../../commands/subcommands.js';
import type { Overview } from '../../core/overview.js';
import type { Promotion } from '../../core/promotion/service.js';
import { promotionRoute } from '../../core/promotion/texts.js';
import { escapedShort, escapeMrkdwn, shorten, slackDate } from './mrkdwn.js';
import { promotionActions } from './promotion.js';

export const homeActions = { addTenant: 'home_tenant_add', editTenant: 'home_tenant_edit' } as const;

export type HomeContents = Overview;

// A Home tab holds 100 blocks: these caps keep every section inside it, whatever the counts.
const maxTenants = 30;
const maxActionable = 10;
const maxMine = 10;

/** The App Home tab: tenants and their health, what the viewer can decide now, their own promotions. */
export function homeView(subcommands: readonly SubcommandInfo[], contents?: HomeContents): HomeView {
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: '*FlightIQ* keeps your PingOne DaVinci configuration under control from Slack: test worker-app credentials, list artifacts, and promote flows with an approval step.',
      },
    },
  ];
  if (contents)
    blocks.push(...tenantBlocks(contents), ...actionableBlocks(contents), ...mineBlocks(contents));
  const commands = subcommands.map((sub) => `\`/flightiq ${sub.usage}\``).join('\n');
  blocks.push(
    { type: 'divider' },
    { type: 'section', text: { type: 'mrkdwn', text: shorten(`*FlightIQ commands*\n${commands}`, 3000) } },
  );
  return { type: 'home', blocks };
}

function tenantBlocks({ isAdmin, mayRead, tenants, health }: HomeContents): KnownBlock[] {
  if (!mayRead) return [];
  const blocks: KnownBlock[] = [{ type: 'header', text: { type: 'plain_text', text: 'Tenants' } }];
  if (tenants.length === 0) {
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: isAdmin
          ? 'No tenants yet. Add the first one.'
          : 'No tenants yet. A FlightIQ admin can add one.',
      },
    });
  }
  for (const tenant of tenants.slice(0, maxTenants)) {
    const seen = health.get(tenant.id);
    const state = !seen
      ? ':white_circle: not checked yet'
      : seen.state === 'healthy'
        ? `:large_green_circle: credentials work (checked ${slackDate(seen.lastCheckedAt)})`
        : `:red_circle: failing since ${seen.failingSince ? slackDate(seen.failingSince) : 'recently'}: ${escapedShort(seen.causeMessage ?? '', 300)}`;
    const test = tenant.lastTest
      ? `last test ${tenant.lastTest.outcome} ${slackDate(tenant.lastTest.at)}`
      : 'never tested';
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: shorten(`*${escapeMrkdwn(tenant.name)}*  ·  ${tenant.region}  ·  ${test}\n${state}`, 3000),
      },
      ...(isAdmin
        ? {
            accessory: {
              type: 'button',
              action_id: homeActions.editTenant,
              text: { type: 'plain_text', text: 'Edit' },
              value: tenant.id,
            },
          }
        : {}),
    });
  }
  if (tenants.length > maxTenants) {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `${tenants.length - maxTenants} more: \`/flightiq tenant list\`` }],
    });
  }
  if (isAdmin) {
    blocks.push({
      type: 'actions',
      block_id: 'home_admin',
      elements: [
        {
          type: 'button',
          action_id: homeActions.addTenant,
          text: { type: 'plain_text', text: 'Add tenant' },
          style: 'primary',
        },
      ],
    });
  }
  return blocks;
}

function actionableBlocks({ actionable }: HomeContents): KnownBlock[] {
  if (actionable.length === 0) return [];
  const blocks: KnownBlock[] = [{ type: 'header', text: { type: 'plain_text', text: 'Waiting for you' } }];
  for (const promotion of actionable.slice(0, maxActionable)) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: summary(promotion) } });
    const value = promotion.id;
    const elements: ActionsBlock['elements'] = promotion.protected
      ? [
          {
            type: 'button',
            action_id: promotionActions.approve,
            text: { type: 'plain_text', text: 'Approve' },
            style: 'primary',
            value,
          },
          {
            type: 'button',
            action_id: promotionActions.reject,
            text: { type: 'plain_text', text: 'Reject' },
            style: 'danger',
            value,
          },
        ]
      : [
          {
            type: 'button',
            action_id: promotionActions.run,
            text: { type: 'plain_text', text: 'Run' },
            style: 'primary',
            value,
          },
          {
            type: 'button',
            action_id: promotionActions.cancel,
            text: { type: 'plain_text', text: 'Cancel' },
            value,
          },
        ];
    blocks.push({ type: 'actions', block_id: `home_promotion_${promotion.id}`, elements });
  }
  return blocks;
}

function mineBlocks({ mine }: HomeContents): KnownBlock[] {
  if (mine.length === 0) return [];
  const lines = mine.slice(0, maxMine).map((promotion) => `• ${summary(promotion)}`);
  return [
    { type: 'header', text: { type: 'plain_text', text: 'Your recent promotions' } },
    { type: 'section', text: { type: 'mrkdwn', text: shorten(lines.join('\n'), 3000) } },
  ];
}

function summary(promotion: Promotion): string {
  const blockers = promotion.plan.blockers.length;
  return shorten(
    `*${escapeMrkdwn(promotion.flowName)}*: ${promotionRoute(promotion, { escape: escapeMrkdwn })}  ·  ${promotion.status.replace('_', ' ')}  ·  <@${promotion.requestedBy}> ${slackDate(promotion.createdAt)}  ·  ${promotion.plan.flows.length} flow(s)${blockers ? `, ${blockers} blocker(s)` : ''}`,
    700,
  );
}
