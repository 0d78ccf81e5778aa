import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { Logger } from '../logger.js';

/** Whether a delivery was seen before: `unknown` when the database did not say in time. */
export type DeliveryCheck = 'first' | 'repeat' | 'unknown';

/** Records the delivery id and says whether it is new, giving up (as `unknown`) after `timeoutMs`. */
export async function checkDelivery(
  firstTime: (deliveryId: string) => Promise<boolean>,
  deliveryId: string,
  timeoutMs: number,
): Promise<DeliveryCheck> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const fresh = await Promise.race([
      firstTime(deliveryId),
      new Promise<never>((_, fail) => {
        timer = setTimeout(() => fail(new Error('timed out')), timeoutMs);
        timer.unref();
      }),
    ]);
    return fresh ? 'first' : 'repeat';
  } catch {
    return 'unknown';
  } finally {
    clearTimeout(timer);
  }
}

export const uncertainClickText =
  ':warning: FlightIQ could not make sure this click is acted on only once (its database did not answer in time), so it did nothing. Click again in a moment.';

export interface DeduplicateOptions {
  /** Clicks that change something (a promotion decision, a removal): refused when the check is unknown. */
  changesState?: (actionId: string) => boolean;
  /** How long a click that changes nothing waits for the database before it is handled anyway. */
  timeoutMs?: number;
  /** How long a click that changes something waits before it is refused; inside Slack's 3 s. */
  stateChangeTimeoutMs?: number;
}

/**
 * Acts on each Slack delivery once: Slack sends an event again when our answer was slow or lost, and
 * a captured request can be replayed while its signature is valid (5 minutes); the id Slack gave it
 * (event_id, or trigger_id for interactions) is recorded in Postgres, so a repeat is acknowledged and
 * dropped on every replica. Slash commands are recorded by the command listener after their
 * acknowledgement instead: a database round trip before it cost 186 ms p50 at 50/s (bench:ack).
 * When the database does not answer in time, a click that changes something is refused (the person
 * is told to click again); anything else is handled rather than lost or acknowledged late.
 */
export function deduplicateDeliveries(
  firstTime: (deliveryId: string) => Promise<boolean>,
  logger: Logger,
  { changesState = () => false, timeoutMs = 500, stateChangeTimeoutMs = 1500 }: DeduplicateOptions = {},
): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const body = args.body as {
      event_id?: unknown;
      trigger_id?: unknown;
      command?: unknown;
      type?: unknown;
      actions?: { action_id?: unknown }[];
      user?: { id?: unknown };
    };
    if (typeof body.command === 'string') return args.next();
    const id =
      typeof body.event_id === 'string'
        ? body.event_id
        : typeof body.trigger_id === 'string'
          ? body.trigger_id
          : undefined;
    if (!id) return args.next();
    const actionId = body.type === 'block_actions' ? body.actions?.[0]?.action_id : undefined;
    const mustBeOnce = typeof actionId === 'string' && changesState(actionId);
    const seen = await checkDelivery(firstTime, id, mustBeOnce ? stateChangeTimeoutMs : timeoutMs);
    if (seen === 'first') return args.next();
    const ack = (args as { ack?: () => Promise<void> }).ack;
    if (seen === 'repeat') {
      logger.info({ deliveryId: id }, 'ignored a repeated Slack delivery');
      if (typeof ack === 'function') await ack();
      return;
    }
    if (!mustBeOnce) {
      logger.warn('could not check for a repeated Slack delivery in time; handling it');
      return args.next();
    }
    logger.warn({ action: actionId }, 'refused a click: could not check in time that it is not a repeat');
    if (typeof ack === 'function') await ack();
    await tellUncertain(args, body.user?.id);
  };
}

/** Tells the person who clicked, where they clicked (or in their messages with the app, from Home). */
async function tellUncertain(args: AnyMiddlewareArgs, userId: unknown): Promise<void> {
  const { respond, client } = args as {
    respond?: (message: {
      response_type: 'ephemeral';
      replace_original: false;
      text: string;
    }) => Promise<unknown>;
    client?: { chat: { postMessage: (message: { channel: string; text: string }) => Promise<unknown> } };
  };
  try {
    if (typeof respond === 'function')
      await respond({ response_type: 'ephemeral', replace_original: false, text: uncertainClickText });
    else if (client && typeof userId === 'string')
      await client.chat.postMessage({ channel: userId, text: uncertainClickText });
  } catch {
    // The click was already refused and acknowledged; a lost notice costs only the explanation.
  }
}
