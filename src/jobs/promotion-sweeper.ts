import type { PromotionService } from '../core/promotion/service.js';
import type { Logger } from '../logger.js';

/**
 * Expires promotions nobody decided on in time (so their message says so) and finds runs whose process
 * stopped (their lease ran out, so they show as interrupted). Safe on every replica at once: each change
 * is a conditional UPDATE that only one of them wins. Sweeps at least as often as a lease lasts.
 */
export function startPromotionSweeper(
  promotions: PromotionService,
  logger: Logger,
  { intervalMs }: { intervalMs: number },
): { stop(): void; sweep(): Promise<void> } {
  let running: Promise<void> | undefined;
  const sweep = async () => {
    running ??= promotions
      .sweep()
      .catch((error: unknown) => logger.warn({ err: error }, 'promotion sweep failed'))
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const first = sweep();
  const timer = setInterval(() => void sweep(), intervalMs);
  timer.unref();
  return {
    stop: () => clearInterval(timer),
    sweep: async () => {
      await first;
      await sweep();
    },
  };
}
