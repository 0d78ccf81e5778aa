import { slashCommand } from '../../../commands/subcommands.js';
import { tenantArgument } from '../../../commands/tenant-argument.js';
import type { CoreServices } from '../../../core/services.js';
import { credentialCheckMessage } from '../../views/credential-check.js';
import { notice } from '../../views/notices.js';
import type { SubcommandHandler } from './flightiq.js';
import { readerAndTenant, readersOnlyText } from './read-preamble.js';

/** `/flightiq test [<tenant>]` (or `--tenant <tenant>`): the worker-app guide's validation checklist, run now. */
export function testSubcommand(services: CoreServices): SubcommandHandler {
  return async (request) => {
    const named = tenantArgument(request.args);
    if (!named.ok) {
      await request.ack(
        {
          response_type: 'ephemeral',
          ...notice(
            `${named.problem} Usage: \`${slashCommand} test [<tenant>]\` or \`${slashCommand} test --tenant <tenant>\``,
          ),
        },
        { final: true },
      );
      return;
    }
    const { name } = named;
    await request.ack({
      response_type: 'ephemeral',
      ...notice(':hourglass_flowing_sand: Testing the worker app credentials…'),
    });
    const chosen = await readerAndTenant(request, services, 'tenant.test', name);
    if (!chosen) return;
    const checked = await services.checks.run(chosen.actor, chosen.tenant);
    await request.respond({
      response_type: 'ephemeral',
      replace_original: true,
      ...(checked.outcome === 'checked' ? credentialCheckMessage(checked.report) : notice(readersOnlyText)),
    });
  };
}
