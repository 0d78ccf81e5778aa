import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { CoreServices } from '../../../core/services.js';
import { credentialCheckMessage } from '../../views/credential-check.js';
import { escapeMrkdwn } from '../../views/mrkdwn.js';
import { busyText, notice } from '../../views/notices.js';
import { readersOnlyText } from '../commands/read-preamble.js';

type ButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/**
 * "Test again" on a credential alert: runs the full checklist now for whoever clicked (if they may read),
 * shows it to them, and the outcome feeds the tenant's health, so a fixed tenant's alert resolves.
 */
export function alertTestAgain(services: CoreServices) {
  return async ({ ack, body, action, respond }: ButtonArgs): Promise<void> => {
    await ack();
    const actor = { userId: body.user.id, ...(body.user.team_id ? { teamId: body.user.team_id } : {}) };
    const reply = (message: { text: string }) =>
      respond({ response_type: 'ephemeral', replace_original: false, ...message });
    if (!(await services.access.canRead(actor))) {
      await reply(notice(readersOnlyText));
      return;
    }
    const tenant = await services.tenants.findById(action.value ?? '');
    if (!tenant) {
      await reply(notice('That tenant no longer exists.'));
      return;
    }
    const release = await services.commandSlots.take(actor.userId);
    if (!release) {
      await reply(notice(busyText(services.commandSlots.perPerson)));
      return;
    }
    try {
      await reply(
        notice(`:hourglass_flowing_sand: Testing the credentials of *${escapeMrkdwn(tenant.name)}*…`),
      );
      await reply(credentialCheckMessage(await services.checks.run(actor, tenant)));
    } finally {
      await release();
    }
  };
}
