import type { App } from '@slack/bolt';
import type { Logger } from '../logger.js';
import { reportFailure } from './report-failure.js';

/**
 * Last line of defence for listeners (buttons, modals, events) whose errors nobody else caught:
 * log it with a reference and, where Slack gave us a way to answer, tell the user honestly.
 */
type ErrorHandlerArgs = { error: Error & { original?: unknown }; body: unknown };

export function globalErrorHandler(logger: Logger): Parameters<App['error']>[0] {
  return async ({ error, body }: ErrorHandlerArgs): Promise<void> => {
    const payload = body as {
      response_url?: string;
      user?: { id?: string };
      user_id?: string;
      type?: string;
    };
    const user = payload.user?.id ?? payload.user_id;
    const message = reportFailure(logger, error.original ?? error, { user, payloadType: payload.type });
    if (!payload.response_url) return;
    try {
      const response = await fetch(payload.response_url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, ...message }),
        redirect: 'error',
        signal: AbortSignal.timeout(5_000),
      });
      if (!response.ok) logger.warn({ status: response.status }, 'could not tell the user about the failure');
    } catch (notified) {
      logger.warn({ err: notified }, 'could not tell the user about the failure');
    }
  };
}
