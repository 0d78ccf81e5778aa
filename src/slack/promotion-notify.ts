import type { WebClient } from '@slack/web-api';
import type { Promotion } from '../core/promotion/service.js';
import type { Logger } from '../logger.js';
import { sendMessageToUser } from './direct-messages.js';
import type { PromotionNotices } from './views/promotion-notices.js';

/**
 * Posts a promotion's notices: in its card's thread (when it has a card) and to each person directly.
 * A notice that cannot be sent is logged, never thrown: the decision it reports is already made.
 */
export async function sendPromotionNotices(
  client: WebClient,
  promotion: Promotion,
  notices: PromotionNotices,
  logger: Logger,
): Promise<void> {
  const { channelId, messageTs } = promotion;
  const sends: Promise<unknown>[] = [];
  if (notices.thread && channelId && messageTs) {
    sends.push(client.chat.postMessage({ channel: channelId, thread_ts: messageTs, text: notices.thread }));
  }
  for (const { userId, text } of notices.direct) sends.push(sendMessageToUser(client, userId, { text }));
  for (const result of await Promise.allSettled(sends)) {
    if (result.status === 'rejected') {
      logger.warn({ err: result.reason, promotion: promotion.id }, 'could not send a promotion notice');
    }
  }
}
