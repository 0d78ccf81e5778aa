import { slashCommand } from '../../../commands/subcommands.js';
import type { CoreServices } from '../../../core/services.js';
import { actorOf } from '../../actor.js';
import { notice } from '../../views/notices.js';
import { promotionListMessage } from '../../views/promotion.js';
import type { SubcommandHandler } from './flightiq.js';
import { readersOnlyText } from './read-preamble.js';

/** `/flightiq promotions [pending|recent]`: what waits or runs, or what happened lately. */
export function promotionsSubcommand(
  services: CoreServices,
  workspaceUrl: string | undefined,
): SubcommandHandler {
  return async (request) => {
    const which = (request.args[0] ?? 'pending').toLowerCase();
    if ((which !== 'pending' && which !== 'recent') || request.args.length > 1) {
      await request.ack({
        response_type: 'ephemeral',
        ...notice(`Usage: \`${slashCommand} promotions [pending|recent]\`.`),
      });
      return;
    }
    await request.ack();
    const actor = actorOf(request.command);
    if (!(await services.tenants.authorizeReader(actor, 'promotion.list'))) {
      await request.respond({ response_type: 'ephemeral', ...notice(readersOnlyText) });
      return;
    }
    const promotions = await services.promotions.list(which);
    await request.respond({
      response_type: 'ephemeral',
      ...promotionListMessage(promotions, which, workspaceUrl),
    });
  };
}
