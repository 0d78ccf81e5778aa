import { parseOptions } from '../../../commands/command-options.js';
import { slashCommand } from '../../../commands/subcommands.js';
import { problemOf } from '../../../core/problem.js';
import type { CoreServices } from '../../../core/services.js';
import { environmentListMessage } from '../../views/environment-list.js';
import { escapedShort } from '../../views/mrkdwn.js';
import { problemMessage } from '../../views/pingone-problem.js';
import { openCommand } from './command-opening.js';
import type { SubcommandHandler } from './flightiq.js';
import { readerAndTenant } from './read-preamble.js';

/** `/flightiq envs [--tenant <t>]`: the environments the worker app can see. */
export function envsSubcommand(services: CoreServices): SubcommandHandler {
  return async (request) => {
    const options = parseOptions(request.args, { values: ['tenant'] });
    const problems = [
      ...options.problems,
      ...options.positional.map((word) => `"${escapedShort(word, 40)}" is not expected`),
    ];
    const usage = `\`${slashCommand} envs [--tenant <t>]\``;
    if (!(await openCommand(request, { problems, usage, working: 'Reading environments…' }))) return;
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
