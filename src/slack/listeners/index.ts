import type { App } from '@slack/bolt';
import { withAvailability } from '../../commands/subcommands.js';
import type { CoreServices } from '../../core/services.js';
import type { Logger } from '../../logger.js';
import { homePublisher } from '../home.js';
import * as actions from './actions/index.js';
import type { SubcommandHandler } from './commands/flightiq.js';
import * as commands from './commands/index.js';
import * as events from './events/index.js';
import * as views from './views/index.js';

export interface ListenerDeps {
  logger: Logger;
  services: CoreServices;
  /** Replaces or adds sub-command handlers (tests use it to provoke failures). */
  handlers?: Record<string, SubcommandHandler>;
  /** The workspace's web address, for links to messages (from auth.test). */
  workspaceUrl?: string | undefined;
  /** Records a Slack delivery id; true the first time (slash commands are recorded after their ack). */
  firstDelivery?: ((deliveryId: string) => Promise<boolean>) | undefined;
}

/** Every listener of the app. The manifest test registers them on a recorder and compares with manifest.yml. */
export function registerListeners(
  app: Pick<App, 'command' | 'event' | 'action' | 'view'>,
  deps: ListenerDeps,
): void {
  const handlers = { ...commands.builtInHandlers(deps.services, deps.workspaceUrl), ...deps.handlers };
  const catalog = withAvailability((name) => name === 'help' || name in handlers);
  commands.register(app, {
    logger: deps.logger,
    catalog,
    handlers,
    slots: deps.services.commandSlots,
    firstDelivery: deps.firstDelivery,
  });
  const publishHome = homePublisher(deps.services, catalog, deps.logger);
  actions.register(app, deps.services, deps.logger, publishHome, deps.workspaceUrl);
  views.register(app, deps.services, publishHome);
  events.register(app, { publishHome });
}
