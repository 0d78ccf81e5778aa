import { parseOptions } from '../../../commands/command-options.js';
import { slashCommand } from '../../../commands/subcommands.js';
import { artifactKindNamed, artifactKindNames, kindNoun } from '../../../core/listing/artifact-kinds.js';
import type { ListOutcome } from '../../../core/listing/artifact-listing.js';
import type { PolicyChainOutcome } from '../../../core/policies/chain.js';
import type { CoreServices } from '../../../core/services.js';
import {
  artifactListMessage,
  environmentNotMatchedMessage,
  listPageSize,
  noDavinciMessage,
} from '../../views/artifact-list.js';
import { escapedShort, escapeMrkdwn } from '../../views/mrkdwn.js';
import { notice } from '../../views/notices.js';
import { problemMessage } from '../../views/pingone-problem.js';
import { policyChainMessage } from '../../views/policy-chain.js';
import { openCommand } from './command-opening.js';
import type { SubcommandHandler, SubcommandRequest } from './flightiq.js';
import { readerAndTenant, readersOnlyText } from './read-preamble.js';

const usage = `\`${slashCommand} list <kind> --env <env> [--tenant <t>] [filter words]\`, where <kind> is one of ${[...artifactKindNames, 'policies'].join(', ')}`;

/** `/flightiq list <kind> --env <env> [--tenant <t>] [filter words]`. */
export function listSubcommand(services: CoreServices): SubcommandHandler {
  return async (request) => {
    const options = parseOptions(request.args, { values: ['env', 'tenant'] });
    const [kindWord, ...filterWords] = options.positional;
    if (kindWord?.toLowerCase() === 'policies') return listPolicies(request, services, options);
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

/** `/flightiq list policies --env <env>`: the chain that makes flows reachable, not a paged list. */
async function listPolicies(
  request: SubcommandRequest,
  services: CoreServices,
  options: ReturnType<typeof parseOptions>,
): Promise<void> {
  const problems = [...options.problems];
  if (options.values.env === undefined) {
    problems.push(`Name the environment with \`--env <name or ID>\` (\`${slashCommand} envs\` lists them)`);
  }
  if (options.positional.length > 1) problems.push('`list policies` takes no filter words');
  const working = 'Reading DaVinci applications, flow policies and the applications that use them…';
  if (!(await openCommand(request, { problems, usage, working })) || options.values.env === undefined) return;
  const chosen = await readerAndTenant(request, services, 'list.policies', options.values.tenant);
  if (!chosen) return;
  const outcome = await services.policies.read(chosen.actor, chosen.tenant, options.values.env);
  await request.respond({ response_type: 'ephemeral', replace_original: true, ...policiesMessage(outcome) });
}

function policiesMessage(outcome: PolicyChainOutcome) {
  switch (outcome.outcome) {
    case 'chain':
      return policyChainMessage(outcome.chain);
    case 'refused':
      return notice(readersOnlyText);
    case 'environment_not_matched':
      return environmentNotMatchedMessage(outcome.match);
    case 'no_davinci':
      return notice(
        `:information_source: *${escapeMrkdwn(outcome.environment.name)}* has no DaVinci, so it has no flow policies. Add DaVinci to the environment in PingOne, or list another environment (\`${slashCommand} envs\` shows which have it).`,
      );
    case 'failed':
      return problemMessage(outcome.problem);
  }
}
