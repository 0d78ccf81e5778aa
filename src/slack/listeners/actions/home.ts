import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { CoreServices } from '../../../core/services.js';
import { actorOf } from '../../actor.js';
import { sendMessageToUser } from '../../direct-messages.js';
import { deadTriggerText, openModal, openThenFill } from '../../modal-opening.js';
import { adminOnlyText, notice } from '../../views/notices.js';
import { noticeModal, tenantFormModal } from '../../views/tenant-form.js';

type ButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/**
 * Add tenant / Edit on the App Home tab: the same admin check and the same modal as `/flightiq tenant`.
 * A Home tab has no channel to answer in, so when the click's trigger died before the modal could
 * open, the person is told in their messages with the app rather than left with a click that did nothing.
 */
export function homeTenantButton({ tenants }: CoreServices, mode: 'add' | 'edit') {
  return async ({ ack, body, action, client }: ButtonArgs): Promise<void> => {
    await ack();
    const actor = actorOf(body);
    let opened: boolean;
    if (!(await tenants.authorizeAdmin(actor, mode === 'add' ? 'tenant.add' : 'tenant.edit'))) {
      opened = await openModal(client, body.trigger_id, noticeModal('FlightIQ', adminOnlyText));
    } else if (mode === 'add') {
      opened = await openModal(client, body.trigger_id, tenantFormModal());
    } else {
      opened = await openThenFill(client, body.trigger_id, 'Edit tenant', async () => {
        const tenant = await tenants.findById(action.value ?? '');
        return tenant ? tenantFormModal(tenant) : noticeModal('FlightIQ', 'That tenant no longer exists.');
      });
    }
    if (!opened) await sendMessageToUser(client, body.user.id, notice(deadTriggerText));
  };
}
