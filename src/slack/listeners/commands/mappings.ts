import { mappingArguments } from '../../../commands/mapping-arguments.js';
import { slashCommand, usageOf } from '../../../commands/subcommands.js';
import type { CoreServices } from '../../../core/services.js';
import {
  mappingProfileMessage,
  mappingRemoveMessage,
  mappingSetMessage,
} from '../../views/mapping-profile.js';
import { answerWith, openCommand } from './command-opening.js';
import type { SubcommandHandler } from './flightiq.js';
import { readerAndTenant, readersOnlyText } from './read-preamble.js';

/**
 * `/flightiq mappings <from> <to>`: a pair's mapping profile; `set` and `remove` change one entry.
 * Who may do which is decided in core (readers list, operators and admins change).
 */
export function mappingsSubcommand(services: CoreServices): SubcommandHandler {
  return async (request) => {
    const parsed = mappingArguments(request.args);
    const usage = `\`${slashCommand} ${usageOf('mappings')}\``;
    const problems = parsed.ok ? [] : parsed.problems;
    const working =
      parsed.ok && parsed.asked.action !== 'list' ? 'Finding both objects…' : 'Reading the profile…';
    if (!(await openCommand(request, { problems, usage, working })) || !parsed.ok) return;
    const { asked } = parsed;
    const answer = answerWith(request);
    // Readers first, as every read command: someone refused learns no tenant's name.
    const chosen = await readerAndTenant(request, services, 'mappings', asked.tenant, asked.from);
    if (!chosen) return;
    const { actor, tenant } = chosen;
    if (asked.action === 'list')
      await answer(
        mappingProfileMessage(await services.mappings.list(actor, tenant, asked), readersOnlyText),
      );
    else if (asked.action === 'set')
      await answer(mappingSetMessage(await services.mappings.set(actor, tenant, asked)));
    else await answer(mappingRemoveMessage(await services.mappings.remove(actor, tenant, asked)));
  };
}
