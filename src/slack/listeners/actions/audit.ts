import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { CoreServices } from '../../../core/services.js';
import type { Logger } from '../../../logger.js';
import { sendFileToUser } from '../../direct-messages.js';
import { reportFailure } from '../../report-failure.js';
import { notice } from '../../views/notices.js';
import { auditAdminsOnlyText } from '../commands/audit.js';

type ButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/** Download CSV under the audit trail: up to 10,000 events, to the admin who clicked, in a DM. */
export function auditCsvClicked(services: CoreServices, logger: Logger) {
  return async ({ ack, body, respond, client }: ButtonArgs): Promise<void> => {
    await ack();
    const actor = { userId: body.user.id, ...(body.user.team_id ? { teamId: body.user.team_id } : {}) };
    const tell = (message: { text: string }) =>
      respond({ response_type: 'ephemeral', replace_original: false, ...message });
    const result = await services.audit.csv(actor);
    if (result.outcome === 'refused') {
      await tell(notice(auditAdminsOnlyText));
      return;
    }
    try {
      await sendFileToUser(client, actor.userId, {
        filename: result.filename,
        content: result.content,
        comment: `The latest ${result.rows} FlightIQ audit events.`,
      });
    } catch (error) {
      await tell(reportFailure(logger, error, { user: actor.userId, action: 'audit.csv' }));
      return;
    }
    await tell(
      notice(
        `:page_facing_up: Sent \`${result.filename}\` (${result.rows} events) to you in a direct message from FlightIQ.`,
      ),
    );
  };
}
