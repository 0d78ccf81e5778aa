import { parseOptions, policyAsked } from '../../commands/command-options.js';
import { usageOf } from '../../commands/subcommands.js';
import { planOptionsFrom } from '../../core/promotion/plan/types.js';
import { readReason } from '../../core/promotion/reason.js';
import type { RequestOutcome } from '../../core/promotion/service.js';
import { environmentMatchText, problemText, promotionText, shortId } from '../render.js';
import { pickTenant, type Session } from '../session.js';
import { settle } from './decisions.js';

/** `promote <flow> --from <env> --to <env>`: the plan, then (asked) the approval or the run in place. */

export async function promoteCommand(args: string[], session: Session): Promise<void> {
  const { services, actor, say } = session;
  const options = parseOptions(args, {
    values: ['from', 'to', 'tenant'],
    flags: ['as-new', 'no-subflows', 'saved', 'with-policies'],
    phrases: ['reason'],
  });
  const flow = options.positional.join(' ').trim();
  const reason = readReason(options.values.reason);
  const policy = policyAsked(flow, options.flags);
  const problems = [
    ...options.problems,
    ...(reason.ok ? [] : [reason.problem]),
    ...(policy && !policy.ok ? [policy.problem] : []),
  ];
  if (!flow || !options.values.from || !options.values.to || problems.length > 0 || !reason.ok) {
    say(
      problems
        .map((problem) => problem.replace(/`/g, ''))
        .map((problem) => `${problem}.`)
        .concat(`Usage: ${usageOf('promote')}`)
        .join(' '),
    );
    return;
  }
  const tenant = await pickTenant(session, options.values.tenant, options.values.from);
  if (!tenant) return;
  const outcome = await services.promotions.request(actor, {
    tenant,
    flow,
    from: options.values.from,
    to: options.values.to,
    options:
      policy?.ok === true
        ? { asNew: false, withSubflows: false, policy: policy.policy }
        : planOptionsFrom(options.flags),
    reason: reason.reason,
  });
  await offerToSettle(outcome, session);
}

/** A request's plan shown, then (asked) approved or run in place; or why there is none. */
export async function offerToSettle(outcome: RequestOutcome, session: Session): Promise<void> {
  const { services, actor, say, prompter } = session;
  if (outcome.outcome !== 'planned') {
    say(planProblemText(outcome));
    return;
  }
  const { promotion } = outcome;
  say(promotionText(promotion));
  if (promotion.status !== 'pending') return;
  const verb = promotion.protected ? 'Approve and run it' : 'Run it';
  const answer = (await prompter.ask(`${verb} now? [y/N] `))?.trim().toLowerCase();
  if (answer !== 'y' && answer !== 'yes') {
    // No is "not now", as the card said it waits: the request stays, as in Slack, until it is decided,
    // cancelled or expires.
    const id = shortId(promotion.id);
    say(
      `Nothing written; it waits${promotion.protected ? ' for an approver' : ''}. ${promotion.protected ? 'Approve' : 'Run'} it later with: ${promotion.protected ? 'approve' : 'run'} ${id}, or withdraw it with: cancel ${id}`,
    );
    return;
  }
  await settle(
    promotion.protected
      ? await services.promotions.approve(actor, promotion.id)
      : await services.promotions.run(actor, promotion.id),
    promotion,
    session,
  );
}

/** Why a promotion (or a diff) has no plan, in a line. */
export function planProblemText(outcome: Exclude<RequestOutcome, { outcome: 'planned' }>): string {
  switch (outcome.outcome) {
    case 'environment_not_matched':
      return `--${outcome.which}: ${environmentMatchText(outcome.match)}`;
    case 'no_davinci':
      return `--${outcome.which}: ${outcome.environment.name} has no DaVinci (its bill of materials in PingOne does not include it), so it has no flows to ${outcome.which === 'from' ? 'promote from' : 'promote into'}. Add DaVinci to it in PingOne, or name one that has it: envs marks those without.`;
    case 'flow_not_found':
      return `${outcome.environment.name} has no flow named "${outcome.asked}". ${outcome.lookup.candidates.slice(0, 20).join(', ')}`;
    case 'policy_not_found':
      return `${outcome.environment.name} has no ${outcome.what === 'application' ? 'DaVinci application' : 'flow policy'} named "${outcome.asked}". There: ${outcome.candidates.slice(0, 20).join(', ') || 'none'}.`;
    case 'no_such_version':
      return `${outcome.flow} in ${outcome.environment.name} has no version ${outcome.version}${outcome.latest === null ? '' : `: its versions go up to v${outcome.latest}`}. "versions ${outcome.flow} --env ${outcome.environment.name}" lists them.`;
    case 'failed':
      return problemText(outcome.problem);
    default:
      return `Cannot plan it: ${outcome.outcome.replace(/_/g, ' ')}.`;
  }
}
