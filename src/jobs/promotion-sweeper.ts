import type { PromotionService } from '../core/promotions.js';
import type { Logger } from '../logger.js';

/**
 * Expires promotions nobody decided on in time (so their message says so) and finds runs whose process
 * died (so they show as interrupted). Safe on every replica at once: each change is a conditional
 * UPDATE that only one of them wins.
 */
export function startPromotionSweeper(
  promotions: PromotionService,
  logger: Logger,
  { intervalMs = 30_000, liveLocks }: { intervalMs?: number; liveLocks: boolean },
): { stop(): void; sweep(): Promise<void> } {
  let running: Promise<void> | undefined;
  const sweep = async (interrupted: boolean) => {
    running ??= promotions
      .sweep({ interrupted })
      .catch((error: unknown) => logger.warn({ err: error }, 'promotion sweep failed'))
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  // At start-up no run of this process can be alive, whatever the database.
  const first = sweep(true);
  const timer = setInterval(() => void sweep(liveLocks), intervalMs);
  timer.unref();
  return {
    stop: () => clearInterval(timer),
    sweep: async () => {
      await first;
      await sweep(liveLocks);
    },
  };
}
