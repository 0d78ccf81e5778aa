import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { auditFilterText, parseAuditRequest } from '../../../commands/audit-options.js';
import type { CoreServices } from '../../../core/services.js';
import type { Logger } from '../../../logger.js';
import { actorOf } from '../../actor.js';
import { sendFileToUser } from '../../direct-messages.js';
import { reportFailure } from '../../report-failure.js';
import { notice } from '../../views/notices.js';
import { auditAdminsOnlyText } from '../commands/audit.js';

type ButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/**
 * Download CSV under the audit trail: up to 10,000 events, filtered as the list it is under was, to
 * the admin who clicked, in a DM. Who may have it is decided in core from the clicking user; the
 * button's value only says which events.
 */
export function auditCsvClicked(services: CoreServices, logger: Logger) {
  return async ({ ack, body, action, respond, client }: ButtonArgs): Promise<void> => {
    await ack();
    const actor = actorOf(body);
    const tell = (message: { text: string }) =>
      respond({ response_type: 'ephemeral', replace_original: false, ...message });
    const value = action.value ?? 'latest';
    const parsed = parseAuditRequest(value === 'latest' ? [] : value.split(' '), {
      defaultCount: 1,
      maxCount: 1,
    });
    if (!parsed.ok) {
      await tell(notice(`That button no longer says which events to export: run \`/flightiq audit\` again.`));
      return;
    }
    const { filter } = parsed.request;
    const result = await services.audit.csv(actor, filter);
    if (result.outcome === 'refused') {
      await tell(notice(auditAdminsOnlyText));
      return;
    }
    const which = `${result.rows} ${result.rows === 1 ? 'event' : 'events'}${auditFilterText(filter) ? `, ${auditFilterText(filter)}` : ''}`;
    try {
      await sendFileToUser(client, actor.userId, {
        filename: result.filename,
        content: result.content,
        comment: `The latest FlightIQ audit events (${which}).`,
      });
    } catch (error) {
      await tell(reportFailure(logger, error, { user: actor.userId, action: 'audit.csv' }));
      return;
    }
    await tell(
      notice(
        `:page_facing_up: Sent \`${result.filename}\` (${which}) to you in a direct message from FlightIQ.`,
      ),
    );
  };
}
