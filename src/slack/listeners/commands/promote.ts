import { policyAsked } from '../../../commands/command-options.js';
import { slashCommand, usageOf } from '../../../commands/subcommands.js';
import { planOptionsFrom } from '../../../core/promotion/plan/types.js';
import { readReason } from '../../../core/promotion/reason.js';
import type { RequestOutcome } from '../../../core/promotion/service.js';
import type { CoreServices } from '../../../core/services.js';
import { chooseRequestTenant } from '../../../core/tenants/choice.js';
import { actorOf } from '../../actor.js';
import { sendForApproval } from '../../approval-channel.js';
import { sendPromotionCard } from '../../promotion-card.js';
import { environmentNotMatchedMessage } from '../../views/artifact-list.js';
import { flowNotFoundMessage } from '../../views/flow-lookup.js';
import { escapedShort, escapeMrkdwn } from '../../views/mrkdwn.js';
import { notice } from '../../views/notices.js';
import { problemMessage } from '../../views/pingone-problem.js';
import { sentForApprovalMessage } from '../../views/promotion.js';
import { answerWith, flowPairArgs, openCommand } from './command-opening.js';
import type { SubcommandHandler, SubcommandRequest } from './flightiq.js';
import { tenantChoiceText } from './read-preamble.js';

const usage = `\`${slashCommand} ${usageOf('promote')}\``;

export const operatorsOnlyText =
  'You are not allowed to request promotions. Ask a FlightIQ admin to add you (or a user group you are in) to FLIGHTIQ_OPERATORS.';

/**
 * `/flightiq promote`: plans the promotion and shows the plan. Into a protected environment the plan
 * goes to the approval channel with Approve / Reject; otherwise the requester gets Run / Cancel.
 */
export function promoteSubcommand(services: CoreServices): SubcommandHandler {
  return async (request) => {
    const asked = flowPairArgs(
      request.args,
      'promote',
      ['as-new', 'no-subflows', 'saved', 'with-policies'],
      ['reason'],
    );
    const reason = readReason(asked.values.reason);
    const policy = policyAsked(asked.flow, asked.flags);
    const problems = [
      ...asked.problems,
      ...(reason.ok ? [] : [reason.problem]),
      ...(policy && !policy.ok ? [policy.problem] : []),
    ];
    if (!(await openCommand(request, { problems, usage, working: 'Planning the promotion…' }))) return;
    const actor = actorOf(request.command);
    const reply = answerWith(request);
    if (!(await services.promotions.mayRequest(actor, asked)))
      return void (await reply(notice(operatorsOnlyText)));
    const choice = await chooseRequestTenant(services.tenants, asked);
    if (!choice.ok) {
      await reply(notice(tenantChoiceText(choice)));
      return;
    }
    const outcome = await services.promotions.request(actor, {
      tenant: choice.tenant,
      flow: asked.flow,
      from: asked.from,
      to: asked.to,
      options:
        policy?.ok === true
          ? { asNew: false, withSubflows: false, policy: policy.policy }
          : planOptionsFrom(asked.flags),
      reason: reason.ok ? reason.reason : null,
    });
    await answerRequest(request, services, outcome);
  };
}

/**
 * What a promotion (or revert) request ends with: why there is none, or its card: to the requester
 * when it is blocked or needs no approver, else to the approval channel, the requester told where.
 */
export async function answerRequest(
  request: SubcommandRequest,
  services: CoreServices,
  outcome: RequestOutcome,
): Promise<void> {
  const reply = answerWith(request);
  if (outcome.outcome !== 'planned') {
    await reply(requestProblem(outcome));
    return;
  }
  const { promotion } = outcome;
  if (promotion.status === 'blocked' || !promotion.protected) {
    await sendPromotionCard(promotion, 'requester', reply);
    return;
  }
  const told = await sendForApproval(request.client, services, promotion, request.logger);
  const sent = (await services.promotions.find(promotion.id))?.status === 'pending';
  await request.respond({
    response_type: 'ephemeral',
    replace_original: true,
    ...(sent ? sentForApprovalMessage(told, promotion) : notice(told)),
  });
}

/** What to tell someone whose request (or diff) did not get a plan. */
export function requestProblem(
  outcome: Exclude<RequestOutcome, { outcome: 'planned' }>,
  refusedText = operatorsOnlyText,
) {
  switch (outcome.outcome) {
    case 'refused':
      return notice(refusedText);
    case 'environment_not_matched': {
      const message = environmentNotMatchedMessage(outcome.match);
      const which = outcome.which === 'from' ? '`--from`' : '`--to`';
      return { ...message, text: `${which}: ${message.text}` };
    }
    case 'same_environment':
      return notice(
        `\`--from\` and \`--to\` are both *${escapeMrkdwn(outcome.environment.name)}*: promote between two different environments.`,
      );
    case 'no_davinci':
      return notice(
        `\`--${outcome.which}\`: *${escapeMrkdwn(outcome.environment.name)}* has no DaVinci (its bill of materials in PingOne does not include it), so it has no flows to ${outcome.which === 'from' ? 'promote from' : 'promote into'}. Add DaVinci to the environment in PingOne, or name one that has it: \`/flightiq envs\` marks those without.`,
      );
    case 'no_approval_channel':
      return notice(
        `*${escapeMrkdwn(outcome.environment.name)}* is protected, so promotions into it need an approver, but no approval channel is configured. A FlightIQ admin must set FLIGHTIQ_APPROVAL_CHANNEL.`,
      );
    case 'flow_not_found':
      return flowNotFoundMessage(outcome);
    case 'policy_not_found': {
      const where = escapeMrkdwn(outcome.environment.name);
      const asked = escapedShort(outcome.asked, 100);
      const listed = outcome.candidates.slice(0, 20).map((name) => escapedShort(name, 100));
      const intro =
        outcome.what === 'application'
          ? `*${where}* has no DaVinci application named "${asked}".`
          : `That DaVinci application in *${where}* has no flow policy named "${asked}".`;
      return notice(
        `${intro}${listed.length > 0 ? ` There: ${listed.join(', ')}.` : ''} Name it as \`<DaVinci application>/<policy>\`; \`${slashCommand} list policies --env ${where}\` shows them.`,
      );
    }
    case 'no_such_version':
      return notice(
        `*${escapeMrkdwn(outcome.flow)}* in *${escapeMrkdwn(outcome.environment.name)}* has no version ${outcome.version}${outcome.latest === null ? '' : `: its versions go up to v${outcome.latest}`}. \`${slashCommand} versions ${escapedShort(outcome.flow, 100)} --env ${escapeMrkdwn(outcome.environment.name)}\` lists them.`,
      );
    case 'failed':
      return problemMessage(outcome.problem);
  }
}
