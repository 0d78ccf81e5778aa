import { parseOptions } from '../../../commands/command-options.js';
import { slashCommand, usageOf } from '../../../commands/subcommands.js';
import { readReason } from '../../../core/promotion/reason.js';
import type { CoreServices } from '../../../core/services.js';
import { chooseTenant } from '../../../core/tenants/choice.js';
import { actorOf } from '../../actor.js';
import { escapedShort } from '../../views/mrkdwn.js';
import { notice } from '../../views/notices.js';
import { answerWith, openCommand } from './command-opening.js';
import type { SubcommandHandler } from './flightiq.js';
import { answerRequest, operatorsOnlyText } from './promote.js';
import { tenantChoiceText } from './read-preamble.js';

const usage = `\`${slashCommand} ${usageOf('revert')}\``;

/**
 * `/flightiq revert <flow> --env <env> --to <version>`: a promotion of the flow's own older version into
 * its environment, by PingOne's revert, then deployed. Gated, backed up and rolled back like any
 * promotion into that environment (docs/promotions.md, "Reverting a flow").
 */
export function revertSubcommand(services: CoreServices): SubcommandHandler {
  return async (request) => {
    const options = parseOptions(request.args, { values: ['env', 'to', 'tenant'], phrases: ['reason'] });
    const flow = options.positional.join(' ').trim();
    const reason = readReason(options.values.reason);
    const problems = [...options.problems];
    if (!flow) problems.push('Name the flow to revert');
    if (!options.values.env) problems.push('Say in which environment with `--env <env>`');
    const version = versionNumber(options.values.to);
    if (options.values.to === undefined)
      problems.push('Say which version to go back to with `--to <version>`');
    else if (version === undefined)
      problems.push(
        `\`--to\` takes a version number, like \`--to 7\`, not "${escapedShort(options.values.to, 40)}"`,
      );
    if (!reason.ok) problems.push(reason.problem);
    const working = 'Planning the revert…';
    if (!(await openCommand(request, { problems, usage, working })) || version === undefined) return;
    const actor = actorOf(request.command);
    const reply = answerWith(request);
    if (!(await services.promotions.mayRequest(actor, { tenant: options.values.tenant, flow })))
      return void (await reply(notice(operatorsOnlyText)));
    const choice = await chooseTenant(services.tenants, options.values.tenant);
    if (!choice.ok) return void (await reply(notice(tenantChoiceText(choice))));
    const env = options.values.env ?? '';
    const outcome = await services.promotions.request(actor, {
      tenant: choice.tenant,
      flow,
      from: env,
      to: env,
      options: { asNew: false, withSubflows: false, revertTo: version },
      reason: reason.ok ? reason.reason : null,
    });
    await answerRequest(request, services, outcome);
  };
}

/** "7" or "v7"; nothing else is a version. */
function versionNumber(text: string | undefined): number | undefined {
  const match = /^v?(\d{1,9})$/i.exec(text?.trim() ?? '');
  return match ? Number(match[1]) : undefined;
}
