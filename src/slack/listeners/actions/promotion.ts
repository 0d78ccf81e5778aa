import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { type PingOneWait, waitText, withCallContext } from '../../../core/pingone-work.js';
import { problemLine } from '../../../core/problem-headlines.js';
import type {
  DecisionOutcome,
  Promotion,
  PromotionNotifier,
  RunHooks,
} from '../../../core/promotion/service.js';
import type { CoreServices } from '../../../core/services.js';
import type { Logger } from '../../../logger.js';
import { actorOf } from '../../actor.js';
import { sendForApproval } from '../../approval-channel.js';
import type { ChannelPacer } from '../../channel-pacer.js';
import type { HomePublisher } from '../../home.js';
import { sendPromotionCard } from '../../promotion-card.js';
import { sendPromotionNotices } from '../../promotion-notify.js';
import { escapeMrkdwn } from '../../views/mrkdwn.js';
import { busyText, notice } from '../../views/notices.js';
import {
  alreadyText,
  approvalCountedText,
  messageLink,
  type promotionActions,
  refusalText,
} from '../../views/promotion.js';
import { eventOfDecision, type PromotionEvent, promotionNotices } from '../../views/promotion-notices.js';

type ButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;
type Decide = ((
  services: CoreServices,
  actor: { userId: string; teamId?: string },
  id: string,
  hooks: RunHooks,
) => Promise<DecisionOutcome>) & {
  /** It may read or write PingOne (a plan checked again, a run, a rollback), so it takes a slot. */
  callsPingOne?: boolean;
};

/**
 * Approve, Reject, Run, Cancel and Rollback. The button only names the promotion; who clicked comes
 * from the signed payload and every rule (approver, never one's own request, still pending, not
 * expired) is checked by core. Core makes the decision one conditional write, so double clicks,
 * Slack's retries and other replicas find it already taken and change nothing.
 */
export function promotionButton(
  services: CoreServices,
  logger: Logger,
  decision: keyof typeof promotionActions,
  publishHome: HomePublisher,
  workspaceUrl?: string,
) {
  const decide = decisions[decision];
  return async ({ ack, body, action, respond, client }: ButtonArgs): Promise<void> => {
    await ack();
    const actor = actorOf(body);
    // From a message there is a response URL; from the App Home tab there is none, so the person gets a DM.
    const fromMessage = Boolean(body.response_url);
    // Re-read just before showing, so a slow listener shows the state as it is now, not as it saw it;
    // one update after the other, so a late "waiting" note never replaces the outcome.
    let updates: Promise<void> = Promise.resolve();
    const show = (promotion: Promotion, waiting?: string) => {
      updates = updates.then(async () =>
        showPromotion(
          client,
          fromMessage ? respond : undefined,
          (await services.promotions.find(promotion.id)) ?? promotion,
          logger,
          waiting,
        ),
      );
      return updates;
    };
    let running: Promotion | undefined;
    const hooks: RunHooks = {
      started: (promotion) => {
        running = promotion;
        return show(promotion);
      },
      waiting: (promotion, note) => void show(promotion, note),
    };
    const onWait = (wait: PingOneWait) => {
      if (running) void show(running, waitText(wait));
    };
    const tell = async (text: string) => {
      if (fromMessage)
        await respond({ response_type: 'ephemeral', replace_original: false, ...notice(text) });
      else await client.chat.postMessage({ channel: actor.userId, ...notice(text) });
    };
    const release = decide.callsPingOne
      ? await services.commandSlots.take(actor.userId)
      : async () => undefined;
    if (!release) {
      await tell(busyText(services.commandSlots.perPerson));
      return;
    }
    // Who asked for a rollback is cleared by the decision on it, and the notices name them.
    const before = decision.endsWith('Rollback') ? await services.promotions.find(action.value ?? '') : null;
    const result = await withCallContext({ onWait }, () =>
      decide(services, actor, action.value ?? '', hooks),
    ).finally(release);
    const notify = async (promotion: Promotion, event: PromotionEvent | undefined) => {
      if (!event) return;
      const link = messageLink(workspaceUrl, promotion);
      const notices = promotionNotices(event, promotion, {
        actorId: actor.userId,
        rollbackRequestedBy: before?.rollbackRequestedBy ?? null,
        approvers: await services.promotions.approversOf(promotion),
        ...(link ? { cardLink: link } : {}),
      });
      await sendPromotionNotices(client, promotion, notices, logger);
    };
    if (result.outcome !== 'not_found') {
      await publishHome(client, actor.userId, actor.teamId);
      if (result.promotion.requestedBy !== actor.userId)
        await publishHome(client, result.promotion.requestedBy);
    }
    switch (result.outcome) {
      case 'not_found':
        await tell('That promotion no longer exists.');
        return;
      case 'refused':
        await tell(refusalText(result.reason, result.details));
        return;
      case 'already':
        // Whoever moved it on shows the outcome; re-rendering here could overwrite theirs with a stale state.
        await tell(alreadyText(result.promotion));
        return;
      case 'failed':
        await tell(problemLine(result.problem, escapeMrkdwn));
        return;
      case 'approved':
        await show(result.promotion);
        await tell(approvalCountedText(result.remaining, result.dropped));
        return;
      case 'rollback_requested':
        await show(result.promotion);
        await notify(result.promotion, 'rollback_requested');
        await tell(
          `Rollback asked for. An approver other than you decides on it${result.promotion.channelId ? ` in <#${result.promotion.channelId}>` : ''}; nothing is written before.`,
        );
        return;
      case 'now_protected':
        await show(result.promotion);
        await tell(await sendForApproval(client, services, result.promotion, logger));
        return;
      case 'expired':
        await show(result.promotion);
        await notify(result.promotion, 'expired');
        return;
      case 'done':
        await show(result.promotion);
        await notify(result.promotion, eventOfDecision(decision, result.promotion));
    }
  };
}

const callingPingOne = (decide: Decide): Decide => Object.assign(decide, { callsPingOne: true });

export const decisions: Record<keyof typeof promotionActions, Decide> = {
  approve: callingPingOne((services, actor, id, hooks) => services.promotions.approve(actor, id, hooks)),
  run: callingPingOne((services, actor, id, hooks) => services.promotions.run(actor, id, hooks)),
  reject: (services, actor, id) => services.promotions.reject(actor, id),
  cancel: (services, actor, id) => services.promotions.cancel(actor, id),
  rollback: callingPingOne((services, actor, id, hooks) => services.promotions.rollback(actor, id, hooks)),
  approveRollback: callingPingOne((services, actor, id, hooks) =>
    services.promotions.approveRollback(actor, id, hooks),
  ),
  rejectRollback: (services, actor, id) => services.promotions.rejectRollback(actor, id),
};

/** The approval-channel message is updated with chat.update; the requester's ephemeral one through response_url. */
async function showPromotion(
  client: WebClient,
  respond: ButtonArgs['respond'] | undefined,
  promotion: Promotion,
  logger: Logger,
  waiting?: string,
): Promise<void> {
  try {
    const { channelId, messageTs } = promotion;
    if (channelId && messageTs) {
      await sendPromotionCard(
        promotion,
        'approval',
        (message) => client.chat.update({ channel: channelId, ts: messageTs, ...message }),
        waiting,
      );
    } else if (respond) {
      await sendPromotionCard(
        promotion,
        'requester',
        (message) => respond({ replace_original: true, ...message }),
        waiting,
      );
    } else {
      await sendPromotionCard(promotion, 'copy', (message) =>
        client.chat.postMessage({ channel: promotion.requestedBy, ...message }),
      );
    }
  } catch (error) {
    logger.warn({ err: error, promotion: promotion.id }, 'could not update the promotion message');
  }
}

/**
 * For changes nobody clicked (expiry, an interrupted run found after a restart): background posts, on
 * their own client and paced per channel; a card changed again before its turn is sent once.
 */
export function slackPromotionNotifier(
  client: WebClient,
  pacer: ChannelPacer,
  notices: { logger: Logger; workspaceUrl?: string | undefined },
): PromotionNotifier {
  return {
    async changed(promotion) {
      // The sweeper is the only one to call this with these: each is one conditional write, so one post.
      const event = promotion.status === 'expired' ? 'expired' : 'interrupted';
      const link = messageLink(notices.workspaceUrl, promotion);
      await sendPromotionNotices(
        client,
        promotion,
        promotionNotices(event, promotion, { approvers: [], ...(link ? { cardLink: link } : {}) }),
        notices.logger,
      );
      const { channelId, messageTs } = promotion;
      if (!channelId || !messageTs) return;
      await pacer.send(
        channelId,
        () =>
          sendPromotionCard(promotion, 'approval', (message) =>
            client.chat.update({ channel: channelId, ts: messageTs, ...message }),
          ),
        messageTs,
      );
    },
  };
}
