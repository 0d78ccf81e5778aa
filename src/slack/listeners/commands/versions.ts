import { parseOptions } from '../../../commands/command-options.js';
import { slashCommand } from '../../../commands/subcommands.js';
import type { FlowVersionsOutcome } from '../../../core/davinci/flow-versions.js';
import type { CoreServices } from '../../../core/services.js';
import { environmentNotMatchedMessage } from '../../views/artifact-list.js';
import { flowNotFoundMessage } from '../../views/flow-lookup.js';
import { flowVersionsMessage } from '../../views/flow-versions.js';
import { escapeMrkdwn } from '../../views/mrkdwn.js';
import { notice } from '../../views/notices.js';
import { problemMessage } from '../../views/pingone-problem.js';
import { openCommand } from './command-opening.js';
import type { SubcommandHandler } from './flightiq.js';
import { readerAndTenant, readersOnlyText } from './read-preamble.js';

const usage = `\`${slashCommand} versions <flow> --env <env> [--tenant <t>]\``;

/** `/flightiq versions <flow> --env <env>`: a flow's saved versions, and which FlightIQ wrote. */
export function versionsSubcommand(services: CoreServices): SubcommandHandler {
  return async (request) => {
    const options = parseOptions(request.args, { values: ['env', 'tenant'] });
    const flow = options.positional.join(' ').trim();
    const problems = [...options.problems];
    if (!flow) problems.push('Name the flow');
    if (options.values.env === undefined) {
      problems.push(`Name the environment with \`--env <name or ID>\` (\`${slashCommand} envs\` lists them)`);
    }
    const working = 'Reading the flow’s versions…';
    if (!(await openCommand(request, { problems, usage, working })) || options.values.env === undefined)
      return;
    const chosen = await readerAndTenant(request, services, 'versions', options.values.tenant);
    if (!chosen) return;
    const outcome = await services.versions.read(chosen.actor, chosen.tenant, flow, options.values.env);
    await request.respond({
      response_type: 'ephemeral',
      replace_original: true,
      ...versionsMessage(outcome),
    });
  };
}

function versionsMessage(outcome: FlowVersionsOutcome) {
  switch (outcome.outcome) {
    case 'versions':
      return flowVersionsMessage(outcome.history);
    case 'refused':
      return notice(readersOnlyText);
    case 'environment_not_matched':
      return environmentNotMatchedMessage(outcome.match);
    case 'no_davinci':
      return notice(
        `:information_source: *${escapeMrkdwn(outcome.environment.name)}* has no DaVinci, so it has no flows. Name an environment that has it (\`${slashCommand} envs\` shows which).`,
      );
    case 'flow_not_found':
      return flowNotFoundMessage(outcome);
    case 'failed':
      return problemMessage(outcome.problem);
  }
}
