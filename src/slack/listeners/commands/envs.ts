import { parseOptions } from '../../../commands/command-options.js';
import { slashCommand } from '../../../commands/subcommands.js';
import { problemOf } from '../../../core/problem.js';
import type { CoreServices } from '../../../core/services.js';
import { environmentListMessage } from '../../views/environment-list.js';
import { escapedShort } from '../../views/mrkdwn.js';
import { notice } from '../../views/notices.js';
import { problemMessage } from '../../views/pingone-problem.js';
import type { SubcommandHandler } from './flightiq.js';
import { readerAndTenant } from './read-preamble.js';

/** `/flightiq envs [--tenant <t>]`: the environments the worker app can see. */
export function envsSubcommand(services: CoreServices): SubcommandHandler {
  return async (request) => {
    const options = parseOptions(request.args, { values: ['tenant'] });
    if (options.problems.length > 0 || options.positional.length > 0) {
      const problems = [
        ...options.problems,
        ...options.positional.map((word) => `"${escapedShort(word, 40)}" is not expected`),
      ];
      await request.ack({
        response_type: 'ephemeral',
        ...notice(`${problems.join('; ')}. Usage: \`${slashCommand} envs [--tenant <t>]\``),
      });
      return;
    }
    await request.ack({
      response_type: 'ephemeral',
      ...notice(':hourglass_flowing_sand: Reading environments…'),
    });
    const chosen = await readerAndTenant(request, services, 'envs.list', options.values.tenant);
    if (!chosen) return;
    try {
      const { environments, truncated } = await services.environments.list(chosen.tenant);
      await request.respond({
        response_type: 'ephemeral',
        replace_original: true,
        ...environmentListMessage(chosen.tenant.name, environments, truncated),
      });
    } catch (error) {
      const problem = problemOf(error);
      if (!problem) throw error;
      await services.monitor.observe(chosen.tenant, problem);
      await request.respond({
        response_type: 'ephemeral',
        replace_original: true,
        ...problemMessage(problem),
      });
    }
  };
}
