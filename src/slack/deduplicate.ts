import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { Logger } from '../logger.js';

/**
 * Acts on each Slack delivery once: Slack sends an event again when our answer was slow or lost, and
 * a proxy may replay a request; the id Slack gave it (event_id, or trigger_id for interactions) is
 * recorded in Postgres, so a repeat is acknowledged and dropped on every replica. Slash commands are
 * let through without that write: Slack never sends a command again (reference slack-bolt.md §1.4),
 * and a database round trip before their acknowledgement cost 186 ms p50 at 50/s (bench:ack).
 * Fails open: if the database does not answer quickly, the delivery is handled (the actions that
 * must happen once are guarded again in core) rather than lost or acknowledged late.
 */
export function deduplicateDeliveries(
  firstTime: (deliveryId: string) => Promise<boolean>,
  logger: Logger,
  { timeoutMs = 500 } = {},
): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const body = args.body as { event_id?: unknown; trigger_id?: unknown; command?: unknown };
    if (typeof body.command === 'string') return args.next();
    const id =
      typeof body.event_id === 'string'
        ? body.event_id
        : typeof body.trigger_id === 'string'
          ? body.trigger_id
          : undefined;
    if (!id) return args.next();
    let fresh = true;
    try {
      fresh = await Promise.race([
        firstTime(id),
        new Promise<boolean>((_, fail) => setTimeout(() => fail(new Error('timed out')), timeoutMs).unref()),
      ]);
    } catch (error) {
      logger.warn({ err: error }, 'could not check for a repeated Slack delivery; handling it');
    }
    if (fresh) return args.next();
    logger.info({ deliveryId: id }, 'ignored a repeated Slack delivery');
    const ack = (args as { ack?: () => Promise<void> }).ack;
    if (typeof ack === 'function') await ack();
  };
}
