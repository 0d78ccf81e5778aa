import type { App } from '@slack/bolt';
import { type SubcommandInfo, slashCommand } from '../../../commands/subcommands.js';
import type { PersonSlots } from '../../../core/fair-use.js';
import type { CoreServices } from '../../../core/services.js';
import type { Logger } from '../../../logger.js';
import { auditSubcommand } from './audit.js';
import { diffSubcommand } from './diff.js';
import { envsSubcommand } from './envs.js';
import { flightiqCommand, type SubcommandHandler } from './flightiq.js';
import { helpSubcommand } from './help.js';
import { listSubcommand } from './list.js';
import { mappingsSubcommand } from './mappings.js';
import { promoteSubcommand } from './promote.js';
import { promotionsSubcommand } from './promotions.js';
import { revertSubcommand } from './revert.js';
import { tenantSubcommand } from './tenant.js';
import { testSubcommand } from './test.js';
import { versionsSubcommand } from './versions.js';

/** The handlers this version has, by sub-command name; the rest of the catalog answers "not available yet". */
export function builtInHandlers(
  services: CoreServices,
  workspaceUrl?: string,
): Record<string, SubcommandHandler> {
  return {
    tenant: tenantSubcommand(services),
    test: testSubcommand(services),
    envs: envsSubcommand(services),
    list: listSubcommand(services),
    promote: promoteSubcommand(services),
    diff: diffSubcommand(services),
    versions: versionsSubcommand(services),
    revert: revertSubcommand(services),
    mappings: mappingsSubcommand(services),
    promotions: promotionsSubcommand(services, workspaceUrl),
    audit: auditSubcommand(services),
  };
}

export function register(
  app: Pick<App, 'command'>,
  deps: {
    logger: Logger;
    catalog: readonly SubcommandInfo[];
    handlers: Record<string, SubcommandHandler>;
    slots: PersonSlots;
    firstDelivery?: ((deliveryId: string) => Promise<boolean>) | undefined;
  },
): void {
  const handlers = { help: helpSubcommand(deps.catalog), ...deps.handlers };
  app.command(
    slashCommand,
    flightiqCommand({
      catalog: deps.catalog,
      handlers,
      logger: deps.logger,
      slots: deps.slots,
      firstDelivery: deps.firstDelivery,
    }),
  );
}
