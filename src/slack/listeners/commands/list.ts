import { parseOptions } from '../../../commands/command-options.js';
import { slashCommand } from '../../../commands/subcommands.js';
import { artifactKindNamed, artifactKindNames, kindNoun } from '../../../core/listing/artifact-kinds.js';
import type { ListOutcome } from '../../../core/listing/artifact-listing.js';
import type { CoreServices } from '../../../core/services.js';
import {
  artifactListMessage,
  environmentNotMatchedMessage,
  listPageSize,
  noDavinciMessage,
} from '../../views/artifact-list.js';
import { escapedShort } from '../../views/mrkdwn.js';
import { problemMessage } from '../../views/pingone-problem.js';
import { openCommand } from './command-opening.js';
import type { SubcommandHandler } from './flightiq.js';
import { readerAndTenant } from './read-preamble.js';

const usage = `\`${slashCommand} list <kind> --env <env> [--tenant <t>] [filter words]\`, where <kind> is one of ${artifactKindNames.join(', ')}`;

/** `/flightiq list <kind> --env <env> [--tenant <t>] [filter words]`. */
export function listSubcommand(services: CoreServices): SubcommandHandler {
  return async (request) => {
    const options = parseOptions(request.args, { values: ['env', 'tenant'] });
    const [kindWord, ...filterWords] = options.positional;
    const kind = kindWord ? artifactKindNamed(kindWord) : undefined;
    const problems = [...options.problems];
    if (!kindWord) problems.push('Say what to list');
    else if (!kind) problems.push(`"${escapedShort(kindWord, 40)}" is not something FlightIQ lists`);
    if (options.values.env === undefined) {
      problems.push(`Name the environment with \`--env <name or ID>\` (\`${slashCommand} envs\` lists them)`);
    }
    const working = kind ? `Reading ${kindNoun(kind)}…` : '';
    const goesOn = await openCommand(request, { problems, usage, working });
    if (!goesOn || !kind || options.values.env === undefined) return;
    const chosen = await readerAndTenant(request, services, `list.${kind.name}`, options.values.tenant);
    if (!chosen) return;
    const outcome = await services.listing.list({
      actor: chosen.actor,
      tenant: chosen.tenant,
      kind,
      environment: options.values.env,
      filterWords,
      pageSize: listPageSize,
    });
    await request.respond({ response_type: 'ephemeral', replace_original: true, ...listMessage(outcome) });
  };
}

function listMessage(outcome: ListOutcome) {
  switch (outcome.outcome) {
    case 'listed':
      return artifactListMessage(outcome.page);
    case 'environment_not_matched':
      return environmentNotMatchedMessage(outcome.match);
    case 'no_davinci':
      return noDavinciMessage(outcome.environment, outcome.kind);
    case 'failed':
      return problemMessage(outcome.problem);
  }
}
