import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { CoreServices } from '../../../core/services.js';
import { actorOf } from '../../actor.js';
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
    const actor = actorOf(body);
    const reply = (message: { text: string }) =>
      respond({ response_type: 'ephemeral', replace_original: false, ...message });
    // Asked before anything is said about the tenant or "Testing…" is shown; the test itself asks again.
    if (!(await services.tenants.authorizeReader(actor, 'tenant.test'))) {
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
      const checked = await services.checks.run(actor, tenant);
      await reply(
        checked.outcome === 'checked' ? credentialCheckMessage(checked.report) : notice(readersOnlyText),
      );
    } finally {
      await release();
    }
  };
}
