import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { CoreServices } from '../../../core/services.js';
import type { Logger } from '../../../logger.js';
import { actorOf } from '../../actor.js';
import { sendFileToUser } from '../../direct-messages.js';
import { reportFailure } from '../../report-failure.js';
import { artifactListMessage, listPageSize, type PageButtonValue } from '../../views/artifact-list.js';
import { escapeMrkdwn } from '../../views/mrkdwn.js';
import { notice } from '../../views/notices.js';
import { readersOnlyText } from '../commands/read-preamble.js';

type ButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

const expiredText =
  'That list is no longer kept (lists are kept for a day). Run the command again for a fresh one.';
const notYoursText =
  'Only the person who ran this list can page through it or download it. Run the command yourself.';

/**
 * Previous / Next. The button names a stored list and a page; the list is read from Postgres, so any
 * replica can answer, and it is shown only to the person who ran it (checked from the signed payload).
 */
export function listPageClicked({ listing }: CoreServices) {
  return async ({ ack, body, action, respond }: ButtonArgs): Promise<void> => {
    await ack();
    const actor = actorOf(body);
    const wanted = parsePageValue(action.value);
    if (!wanted) {
      await respond({ response_type: 'ephemeral', replace_original: false, ...notice(expiredText) });
      return;
    }
    const result = await listing.page(actor, wanted.s, wanted.p, listPageSize);
    if (result.outcome === 'page') {
      await respond({ replace_original: true, ...artifactListMessage(result.page) });
      return;
    }
    await respond({
      response_type: 'ephemeral',
      replace_original: false,
      ...notice(refusalText(result.outcome)),
    });
  };
}

/** Download CSV: the whole list as a file, sent to the clicker in a direct message (never to the channel). */
export function listCsvClicked({ listing }: CoreServices, logger: Logger) {
  return async ({ ack, body, action, respond, client }: ButtonArgs): Promise<void> => {
    await ack();
    const actor = actorOf(body);
    const result = await listing.csv(actor, action.value ?? '');
    if (result.outcome !== 'csv') {
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        ...notice(refusalText(result.outcome)),
      });
      return;
    }
    try {
      await sendFileToUser(client, actor.userId, {
        filename: result.filename,
        content: result.content,
        comment: `${result.snapshot.total} ${result.snapshot.kind} in ${escapeMrkdwn(result.snapshot.environmentName)} (tenant ${escapeMrkdwn(result.snapshot.tenantName)}).`,
      });
    } catch (error) {
      const message = reportFailure(logger, error, { user: actor.userId, action: 'list.csv' });
      await respond({ response_type: 'ephemeral', replace_original: false, ...message });
      return;
    }
    await respond({
      response_type: 'ephemeral',
      replace_original: false,
      ...notice(
        `:page_facing_up: Sent \`${result.filename}\` (${result.snapshot.total} rows) to you in a direct message from FlightIQ.`,
      ),
    });
  };
}

function refusalText(outcome: 'expired' | 'not_yours' | 'refused'): string {
  if (outcome === 'refused') return readersOnlyText;
  return outcome === 'not_yours' ? notYoursText : expiredText;
}

function parsePageValue(value: string | undefined): PageButtonValue | undefined {
  try {
    const parsed = JSON.parse(value ?? '') as Partial<PageButtonValue>;
    if (
      typeof parsed.s === 'string' &&
      typeof parsed.p === 'number' &&
      Number.isInteger(parsed.p) &&
      parsed.p >= 0
    ) {
      return { s: parsed.s, p: parsed.p };
    }
  } catch {
    // A value we did not write: treated like an expired list.
  }
  return undefined;
}
