import { slashCommand } from '../../../commands/subcommands.js';
import { diffText } from '../../../core/davinci/flow-diff-text.js';
import { planOptionsFrom } from '../../../core/promotion/plan/types.js';
import type { CoreServices } from '../../../core/services.js';
import { chooseRequestTenant } from '../../../core/tenants/choice.js';
import { actorOf } from '../../actor.js';
import { sendFileToUser } from '../../direct-messages.js';
import { diffMessage } from '../../views/flow-diff.js';
import { escapeMrkdwn } from '../../views/mrkdwn.js';
import { notice } from '../../views/notices.js';
import { answerWith, flowPairArgs, openCommand } from './command-opening.js';
import type { SubcommandHandler } from './flightiq.js';
import { requestProblem } from './promote.js';
import { readersOnlyText, tenantChoiceText } from './read-preamble.js';

const usage = `\`${slashCommand} diff <flow> --from <env> --to <env> [--tenant <t>] [--no-subflows]\``;

/**
 * `/flightiq diff`: what promoting a flow would change in the destination, flow by flow, planned the
 * way a promotion is planned, without requesting anything. When the whole diff does not fit one
 * message, it also goes to the person as a file.
 */
export function diffSubcommand(services: CoreServices): SubcommandHandler {
  return async (request) => {
    const asked = flowPairArgs(request.args, 'compare', ['no-subflows', 'saved']);
    if (!(await openCommand(request, { problems: asked.problems, usage, working: 'Comparing the flows…' })))
      return;
    const actor = actorOf(request.command);
    const reply = answerWith(request);
    if (!(await services.promotions.mayDiff(actor, asked)))
      return void (await reply(notice(readersOnlyText)));
    const choice = await chooseRequestTenant(services.tenants, asked);
    if (!choice.ok) return void (await reply(notice(tenantChoiceText(choice))));
    const outcome = await services.promotions.diff(actor, {
      tenant: choice.tenant,
      flow: asked.flow,
      from: asked.from,
      to: asked.to,
      options: planOptionsFrom(asked.flags),
    });
    if (outcome.outcome !== 'diff') return void (await reply(requestProblem(outcome, readersOnlyText)));
    const title = `What promoting ${outcome.flowName} from ${outcome.from.name} to ${outcome.to.name} would change`;
    const { complete, ...message } = diffMessage(title, outcome.plan);
    await reply(message);
    if (!complete) {
      await sendFileToUser(request.client, actor.userId, {
        filename: `diff-${outcome.flowName.replace(/[^\w.-]+/g, '_').slice(0, 60)}.txt`,
        content: `${title}\n\n${diffText(outcome.plan.diffs ?? [])}\n`,
        comment: `The whole diff: ${escapeMrkdwn(outcome.flowName)}, ${escapeMrkdwn(outcome.from.name)} → ${escapeMrkdwn(outcome.to.name)}.`,
      });
    }
  };
}
