import type { CoreServices } from '../../../core/services.js';
import { credentialCheckMessage } from '../../views/credential-check.js';
import { notice } from '../../views/notices.js';
import type { SubcommandHandler } from './flightiq.js';
import { readerAndTenant } from './read-preamble.js';

/** `/flightiq test [<tenant>]`: the worker-app guide's validation checklist, run now. */
export function testSubcommand(services: CoreServices): SubcommandHandler {
  return async (request) => {
    const name = request.args.join(' ').trim() || undefined;
    await request.ack({
      response_type: 'ephemeral',
      ...notice(':hourglass_flowing_sand: Testing the worker app credentials…'),
    });
    const chosen = await readerAndTenant(request, services, 'tenant.test', name);
    if (!chosen) return;
    const report = await services.checks.run(chosen.actor, chosen.tenant);
    await request.respond({
      response_type: 'ephemeral',
      replace_original: true,
      ...credentialCheckMessage(report),
    });
  };
}
