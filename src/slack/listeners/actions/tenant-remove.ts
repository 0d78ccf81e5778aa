import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { CoreServices } from '../../../core/services.js';
import { removalBusyText, removedText } from '../../../core/tenants/service.js';
import { actorOf } from '../../actor.js';
import { escapeMrkdwn } from '../../views/mrkdwn.js';
import { adminOnlyText, notice } from '../../views/notices.js';

type ButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/**
 * The Remove button. Anyone who sees the message can click it, so the clicker's rights are checked
 * again; the button's value only names which tenant, and a tenant already gone is reported, not an error.
 */
export function removeTenantConfirmed({ tenants }: CoreServices) {
  return async ({ ack, body, action, respond }: ButtonArgs): Promise<void> => {
    await ack();
    const actor = actorOf(body);
    const result = await tenants.remove(actor, action.value ?? '');
    switch (result.outcome) {
      case 'refused':
        await respond({ response_type: 'ephemeral', replace_original: false, ...notice(adminOnlyText) });
        return;
      case 'not_found':
        await respond({
          replace_original: true,
          ...notice('That tenant no longer exists; nothing was removed.'),
        });
        return;
      case 'busy':
        await respond({
          replace_original: true,
          ...notice(`:no_entry: ${removalBusyText(result.tenant, result.promotions, escapeMrkdwn)}`),
        });
        return;
      case 'removed':
        await respond({
          replace_original: true,
          ...notice(
            `:wastebasket: ${removedText(result.tenant.name, result.promotionsKept, (name) => `*${escapeMrkdwn(name)}*`)}`,
          ),
        });
    }
  };
}

export async function removeTenantCancelled({ ack, respond }: ButtonArgs): Promise<void> {
  await ack();
  await respond({ replace_original: true, ...notice('Nothing removed.') });
}
