import type { Promotion } from '../core/promotion/service.js';
import { compactPromotionMessage, type PromotionSurface, promotionMessage } from './views/promotion.js';

type CardMessage = ReturnType<typeof promotionMessage>;

/** Slack's answers that refuse a message for what it holds, not for where or when it was sent. */
const refusedForContent = new Set([
  'invalid_blocks',
  'invalid_blocks_format',
  'msg_too_long',
  'msg_blocks_too_long',
  'invalid_arguments',
  'too_many_blocks',
]);

function refusedContent(error: unknown): boolean {
  const failure = error as { data?: { error?: unknown }; response?: { data?: unknown } };
  const fromResponse = failure.response?.data;
  const code =
    failure.data?.error ??
    (typeof fromResponse === 'object' && fromResponse !== null
      ? (fromResponse as { error?: unknown }).error
      : fromResponse);
  return typeof code === 'string' && refusedForContent.has(code);
}

/**
 * Sends a promotion card (post, update or response_url). If Slack refuses the full card for what it
 * holds, the compact one is sent instead: a card left saying "Running…" after the run ended would tell
 * the approver something false, and the compact card still carries the status and the buttons.
 */
export async function sendPromotionCard<T>(
  promotion: Promotion,
  surface: PromotionSurface,
  send: (message: CardMessage) => Promise<T>,
  waiting?: string,
): Promise<T> {
  try {
    return await send(promotionMessage(promotion, surface, waiting));
  } catch (error) {
    if (!refusedContent(error)) throw error;
    return send(compactPromotionMessage(promotion, surface, waiting));
  }
}
