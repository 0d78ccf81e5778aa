import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import type { Promotion } from '../../../core/promotion/service.js';
import { promotionTitle } from '../../../core/promotion/texts.js';
import type { CoreServices } from '../../../core/services.js';
import { actorOf } from '../../actor.js';
import { sendMessageToUser } from '../../direct-messages.js';
import { deadTriggerText, openModal } from '../../modal-opening.js';
import { diffModal } from '../../views/flow-diff.js';
import { notice } from '../../views/notices.js';
import { noticeModal } from '../../views/tenant-form.js';
import { readersOnlyText } from '../commands/read-preamble.js';

type ButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const pageValue = z.object({ p: z.string().max(100), n: z.number().int().min(0).max(10_000) });

/**
 * "Show diff" on a promotion card: the whole diff in a modal, a page at a time. What a flow is about
 * to become is for readers, checked at every click from the signed payload; the button only names the
 * promotion, whose stored plan holds the diff, so nothing is read from PingOne again.
 */
export function showDiffClicked({ tenants, promotions }: CoreServices) {
  return async ({ ack, body, action, client }: ButtonArgs): Promise<void> => {
    await ack();
    const actor = actorOf(body);
    const view = (await tenants.authorizeReader(actor, 'promotion.diff'))
      ? await diffView(promotions, action.value ?? '', 0)
      : noticeModal('Not allowed', readersOnlyText);
    if (!(await openModal(client, body.trigger_id, view))) {
      await sendMessageToUser(client, actor.userId, notice(deadTriggerText));
    }
  };
}

/** Previous / Next inside the diff modal: the same modal, another page. */
export function diffPageClicked({ tenants, promotions }: CoreServices) {
  return async ({ ack, body, action, client }: ButtonArgs): Promise<void> => {
    await ack();
    const viewId = body.view?.id;
    if (!viewId) return;
    const actor = actorOf(body);
    const parsed = pageValue.safeParse(safeJson(action.value ?? ''));
    const view = await pageView();
    await client.views.update({ view_id: viewId, view });

    async function pageView() {
      if (!(await tenants.authorizeReader(actor, 'promotion.diff')))
        return noticeModal('Not allowed', readersOnlyText);
      if (!parsed.success)
        return noticeModal('What changes', 'That page does not exist. Close this and press Show diff again.');
      return diffView(promotions, parsed.data.p, parsed.data.n);
    }
  };
}

async function diffView(promotions: CoreServices['promotions'], id: string, page: number) {
  // A button value can be forged: only a promotion ID is looked up.
  const promotion: Promotion | null = uuid.test(id) ? await promotions.find(id) : null;
  if (!promotion) return noticeModal('What changes', 'That promotion no longer exists.');
  const title = `${promotionTitle(promotion)} (plan \`${promotion.fingerprint}\`)`;
  return diffModal(promotion.id, title, promotion.plan.diffs ?? [], page);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
