import type { WebClient } from '@slack/web-api';
import type { Promotion } from '../core/promotion/service.js';
import type { CoreServices } from '../core/services.js';
import type { Logger } from '../logger.js';
import { sendPromotionCard } from './promotion-card.js';
import { escapeMrkdwn } from './views/mrkdwn.js';

/**
 * Posts a protected promotion's plan in the approval channel, with Approve and Reject, and records
 * where it is. When it cannot be posted nobody could approve it, so it is cancelled. Returns what to
 * tell the requester.
 */
export async function sendForApproval(
  client: WebClient,
  services: CoreServices,
  promotion: Promotion,
  logger: Logger,
): Promise<string> {
  const channel = services.promotions.approvalChannel;
  const flow = escapeMrkdwn(promotion.flowName);
  const into = escapeMrkdwn(promotion.toEnvName);
  if (!channel) {
    await services.promotions.cancel({ userId: promotion.requestedBy }, promotion.id);
    return `*${into}* is protected, so promotions into it need an approver, but no approval channel is configured, so the request is cancelled. A FlightIQ admin must set FLIGHTIQ_APPROVAL_CHANNEL.`;
  }
  try {
    const posted = await sendPromotionCard(promotion, 'approval', (message) =>
      client.chat.postMessage({ channel, ...message }),
    );
    if (!posted.ts) throw new Error('chat.postMessage returned no ts');
    await services.promotions.attachMessage(promotion.id, channel, posted.ts);
  } catch (error) {
    const slackError = (error as { data?: { error?: string } }).data?.error ?? 'unknown error';
    logger.error(
      { err: error, promotion: promotion.id, channel },
      'could not post the promotion for approval',
    );
    await services.promotions.cancel({ userId: promotion.requestedBy }, promotion.id);
    return `:warning: Could not post the plan to the approval channel <#${channel}> (Slack said \`${escapeMrkdwn(slackError)}\`), so the request is cancelled. Invite the app to that channel (\`/invite @FlightIQ\`) and request again.`;
  }
  const approvers =
    promotion.requiredApprovals === 1 ? 'an approver' : `${promotion.requiredApprovals} approvers`;
  const what =
    promotion.options?.revertTo === undefined
      ? `promote *${flow}* into it`
      : `revert *${flow}* there to v${promotion.options?.revertTo}`;
  return `:inbox_tray: *${into}* is protected: the plan to ${what} is waiting for ${approvers} in <#${channel}>. You cannot approve your own request.`;
}
