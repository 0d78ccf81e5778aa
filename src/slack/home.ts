import type { WebClient } from '@slack/web-api';
import type { SubcommandInfo } from '../commands/subcommands.js';
import { overviewFor } from '../core/overview.js';
import type { CoreServices } from '../core/services.js';
import type { Logger } from '../logger.js';
import { homeView } from './views/home.js';

export type HomePublisher = (client: WebClient, userId: string, teamId?: string) => Promise<void>;

/**
 * Publishes a person's App Home tab from what is true now. Called when they open it and when something
 * they see there changes because of them; a failure only costs a stale tab, so it is logged, not thrown.
 */
export function homePublisher(
  services: CoreServices,
  catalog: readonly SubcommandInfo[],
  logger: Logger,
): HomePublisher {
  return async (client, userId, teamId) => {
    try {
      const actor = { userId, ...(teamId ? { teamId } : {}) };
      await client.views.publish({
        user_id: userId,
        view: homeView(catalog, await overviewFor(services, actor)),
      });
    } catch (error) {
      logger.warn({ err: error, user: userId }, 'could not publish the App Home tab');
    }
  };
}
