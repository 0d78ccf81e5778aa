import type { Promotion } from '../../core/promotion/service.js';
import { promotionRoute } from '../../core/promotion/texts.js';
import { escapeMrkdwn, mention } from './mrkdwn.js';

/**
 * What happened to a promotion that someone other than the person who made it happen should hear of.
 * Editing the card changes no notification in Slack: approvers would never learn a rollback waits for
 * them, nor a requester that their promotion ran, was rejected or expired.
 */
export type PromotionEvent =
  | 'ran'
  | 'rejected'
  | 'cancelled'
  | 'expired'
  | 'interrupted'
  | 'rollback_requested'
  | 'rollback_rejected'
  | 'rolled_back';

export interface PromotionNotices {
  /** Posted in the card's thread, where the approval channel sees it. */
  thread?: string;
  /** Sent to each person in their messages with the app. */
  direct: { userId: string; text: string }[];
}

export interface NoticeContext {
  /** Who made it happen: never notified of their own doing. Absent when nobody clicked (expiry). */
  actorId?: string;
  /** Who asked for the rollback, read before the decision cleared it. */
  rollbackRequestedBy?: string | null;
  /** The destination's approvers (users and user groups) to call on a rollback that waits for them. */
  approvers: readonly string[];
  /** The card, for a link from a direct message. */
  cardLink?: string;
}

export function promotionNotices(
  event: PromotionEvent,
  promotion: Promotion,
  context: NoticeContext,
): PromotionNotices {
  const subject = `*${escapeMrkdwn(promotion.flowName)}* (${promotionRoute(promotion, { escape: escapeMrkdwn })}, tenant ${escapeMrkdwn(promotion.tenantName)})`;
  const by = context.actorId ? `<@${context.actorId}>` : 'FlightIQ';
  const card = context.cardLink ? ` <${context.cardLink}|Open its card>.` : '';
  const to = (userIds: (string | null | undefined)[], text: string) =>
    [...new Set(userIds)]
      .filter((userId): userId is string => Boolean(userId) && userId !== context.actorId)
      .map((userId) => ({ userId, text: `${text}${card}` }));
  const requester = promotion.requestedBy;
  switch (event) {
    case 'ran':
      return { direct: to([requester], `Your promotion of ${subject} ${ranText(promotion, by)}`) };
    case 'rejected':
      return { direct: to([requester], `${by} rejected your promotion of ${subject}. Nothing was written.`) };
    case 'cancelled':
      return {
        direct: to([requester], `${by} cancelled your promotion of ${subject}. Nothing was written.`),
      };
    case 'expired':
      return {
        direct: to(
          [requester],
          `Your promotion of ${subject} expired: no approver decided in time. Nothing was written; ask again with \`/flightiq promote\` if it is still wanted.`,
        ),
      };
    case 'interrupted':
      return {
        direct: to(
          [requester],
          `Your promotion of ${subject} was interrupted: the process running it stopped. Its steps on the card say what was written; nothing is re-run on its own.`,
        ),
      };
    case 'rollback_requested': {
      const callees = context.approvers.filter((id) => id !== context.actorId).map(mention);
      const asked = `${by} asks to roll back ${subject}. Approve or reject on the card above; nothing is written before.`;
      return {
        thread: callees.length > 0 ? `${callees.join(' ')} ${asked}` : asked,
        direct: to(
          [requester],
          `${by} asked to roll back your promotion of ${subject}; an approver decides.`,
        ),
      };
    }
    case 'rollback_rejected':
      return {
        direct: to(
          [context.rollbackRequestedBy, requester],
          `${by} rejected the rollback of ${subject}. Nothing was written; the promotion stays in place.`,
        ),
      };
    case 'rolled_back':
      return {
        direct: to(
          [context.rollbackRequestedBy, requester],
          promotion.status === 'rolled_back'
            ? `${subject} was rolled back by ${by}: the destination holds again what it held before the promotion.`
            : `The rollback of ${subject} by ${by} did not complete. Its steps on the card say what was put back.`,
        ),
      };
  }
}

function ranText(promotion: Promotion, by: string): string {
  const approvers = promotion.approvals.map((approval) => `<@${approval.userId}>`);
  const approved = approvers.length > 0 ? `, approved by ${approvers.join(', ')}` : ` (run by ${by})`;
  if (promotion.status === 'succeeded') return `succeeded${approved}.`;
  if (promotion.status === 'failed')
    return `failed${approved}. The card says which step failed and what was rolled back.`;
  return `ended ${promotion.status}${approved}.`;
}

/**
 * Which event a decision made, from the decision and the state it left. A decision that left the
 * promotion waiting (an approval still short of the count) made none worth a notification.
 */
export function eventOfDecision(decision: string, promotion: Promotion): PromotionEvent | undefined {
  const { status } = promotion;
  switch (decision) {
    case 'approve':
    case 'run':
      if (status === 'succeeded' || status === 'failed') return 'ran';
      return status === 'interrupted' ? 'interrupted' : undefined;
    case 'reject':
      return status === 'rejected' ? 'rejected' : undefined;
    case 'cancel':
      return status === 'cancelled' ? 'cancelled' : undefined;
    case 'rollback':
    case 'approveRollback':
      if (status === 'rolled_back' || status === 'rollback_failed') return 'rolled_back';
      return decision === 'rollback' && promotion.rollbackRequestedBy ? 'rollback_requested' : undefined;
    case 'rejectRollback':
      return promotion.rollbackRequestedBy ? undefined : 'rollback_rejected';
    default:
      return undefined;
  }
}
