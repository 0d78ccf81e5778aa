import type { DecisionOutcome, Promotion } from '../../core/promotion/service.js';
import { type Decision as CoreDecision, openDecisions } from '../../core/promotion/state.js';
import {
  alreadyText,
  approvalCountedText,
  plainText,
  promotionRoute,
  refusalText,
} from '../../core/promotion/texts.js';
import { problemText, promotionText, shortId } from '../render.js';
import { askYesNo, type Session } from '../session.js';

/** `show`, `approve`, `reject`, `run`, `cancel` and `rollback <id>`: what Slack's buttons on a card do. */

/** Core's decisions as typed here: a rollback asked for is approved and rejected with approve and reject. */
export type Decision = Exclude<CoreDecision, 'approveRollback' | 'rejectRollback'>;

/**
 * approve, reject, run, cancel, rollback <id>: what Slack's buttons on a promotion do, by the same
 * rules of core. A rollback asked for is approved and rejected with approve and reject.
 */
export async function decisionCommand(decision: Decision, args: string[], session: Session): Promise<void> {
  const { services, actor, say } = session;
  const asked = args.join(' ').trim();
  if (!asked) {
    say(
      `Usage: ${decision} <id>, with the ID "promotions recent" shows (its first 8 characters are enough).`,
    );
    return;
  }
  const promotion = await promotionCalled(asked, session);
  if (!promotion) return;
  const promotions = services.promotions;
  const open = openDecisions(promotion);
  // A rollback asked for is decided with approve and reject, as Slack's Approve/Reject rollback buttons.
  const rollbackAsked = open.includes('approveRollback');
  // Slack shows a decision's buttons only while one can be made; a command can be typed any time, and
  // is answered as a late click is, before a rule about who decides could suggest it is still open.
  // Rollback always goes to core, which says why it is not offered (its window passed, nothing to undo).
  if (decision !== 'rollback' && !open.some((other) => other !== 'rollback')) {
    say(alreadyText(promotion));
    return;
  }
  // A card is seen before its button is clicked: here the plan is shown before a write is agreed to.
  if ((decision === 'approve' || decision === 'run') && !rollbackAsked) {
    say(promotionText(promotion));
    const sure = await askYesNo(
      session.prompter,
      `${decision === 'approve' ? 'Approve' : 'Run'} it now? [y/N] `,
      false,
    );
    if (!sure) {
      say('Nothing done.');
      return;
    }
  }
  // A rollback writes into the destination, production often: asked once more, as Slack's button does.
  // Only while Rollback is on offer (the card's button): otherwise core's answer says why not.
  if ((decision === 'rollback' && promotion.rollbackUntil) || (decision === 'approve' && rollbackAsked)) {
    const sure = await askYesNo(
      session.prompter,
      `Roll back ${promotion.flowName} in ${promotion.toEnvName}? It puts back what this promotion wrote there. [y/N] `,
      false,
    );
    if (!sure) {
      say('Nothing done.');
      return;
    }
  }
  let outcome: DecisionOutcome;
  switch (decision) {
    case 'approve':
      outcome = rollbackAsked
        ? await promotions.approveRollback(actor, promotion.id)
        : await promotions.approve(actor, promotion.id);
      break;
    case 'reject':
      outcome = rollbackAsked
        ? await promotions.rejectRollback(actor, promotion.id)
        : await promotions.reject(actor, promotion.id);
      break;
    case 'run':
      outcome = await promotions.run(actor, promotion.id);
      break;
    case 'cancel':
      outcome = await promotions.cancel(actor, promotion.id);
      break;
    case 'rollback':
      outcome = await promotions.rollback(actor, promotion.id);
      // The only approver here approves a rollback into a protected environment in place (core
      // runs it at once in a single-user setup), as a promotion is approved in place: said, not hidden.
      if (
        outcome.outcome === 'done' &&
        promotion.protected &&
        outcome.promotion.status !== promotion.status
      ) {
        say(
          `${promotion.toEnvName} is protected: a rollback there needs an approver; as its only approver here, you approve it in place.`,
        );
      }
      break;
  }
  if (rollbackAsked && decision === 'reject' && outcome.outcome === 'done') {
    say('Rollback request rejected; nothing was written.');
  }
  await settle(outcome, promotion, session, decision);
}

/** A promotion by its ID, or by the start of it (8 characters at least), as `promotions` shows them. */
export async function promotionCalled(asked: string, { services, say }: Session): Promise<Promotion | null> {
  const id = asked.toLowerCase();
  if (!/^[0-9a-f-]+$/.test(id)) {
    say(`"${asked}" is not a promotion ID. See the IDs with: promotions recent`);
    return null;
  }
  if (id.replace(/-/g, '').length < 8) {
    say(`Type at least 8 characters of the promotion ID ("${asked}" is too short to tell promotions apart).`);
    return null;
  }
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)) {
    const found = await services.promotions.find(id);
    if (!found) say(`There is no promotion with the ID ${asked}. See the IDs with: promotions recent`);
    return found;
  }
  const known = new Map<string, Promotion>();
  for (const which of ['pending', 'recent'] as const) {
    for (const promotion of await services.promotions.list(which, promotionsSearched)) {
      known.set(promotion.id, promotion);
    }
  }
  const matching = [...known.values()].filter((promotion) => promotion.id.startsWith(id));
  if (matching.length === 0) {
    say(`No promotion has an ID starting with ${asked}. See the IDs with: promotions recent`);
    return null;
  }
  if (matching.length > 1) {
    say(
      [
        `${asked} is the start of ${matching.length} promotions' IDs; type more of the one you mean:`,
        ...matching.map(
          (p) =>
            `  ${p.id}  ${p.flowName}: ${promotionRoute(p, plainText, '->')}  ${p.status.replace('_', ' ')}`,
        ),
      ].join('\n'),
    );
    return null;
  }
  return matching[0] ?? null;
}

/** How many of the latest promotions a short ID is looked for among (a full ID finds any). */
export const promotionsSearched = 200;

/**
 * Says what a decision came to, as Slack's answers to a button do. In this single-user setup a
 * promotion (or rollback) found to need an approver is approved in place by the one person here, and
 * the console says so.
 */
export async function settle(
  first: DecisionOutcome,
  asked: Promotion,
  session: Session,
  decision?: Decision,
): Promise<void> {
  const { services, actor, say } = session;
  let outcome = first;
  for (let inPlace = 0; inPlace < 2; inPlace++) {
    if (outcome.outcome === 'now_protected') {
      say(`${asked.toEnvName} is protected now; as its only approver here, you approve it in place.`);
      outcome = await services.promotions.approve(actor, asked.id);
    } else if (outcome.outcome === 'rollback_requested') {
      say(
        `${asked.toEnvName} is protected: a rollback there needs an approver; as its only approver here, you approve it in place.`,
      );
      outcome = await services.promotions.approveRollback(actor, asked.id);
    } else break;
  }
  const id = shortId(asked.id);
  switch (outcome.outcome) {
    case 'not_found':
      say('That promotion no longer exists.');
      return;
    case 'refused': {
      say(refusalText(outcome.reason, outcome.details));
      const { promotion } = outcome;
      if (decision === 'reject' && outcome.reason === 'own_request')
        say(`To withdraw your own request instead: cancel ${id}`);
      else if (
        decision === 'approve' &&
        outcome.reason === 'not_allowed' &&
        !promotion.protected &&
        promotion.status === 'pending'
      )
        say(`It goes to an environment that is not protected, so it needs no approver: run ${id}`);
      else if (
        decision === 'run' &&
        outcome.reason === 'not_allowed' &&
        promotion.protected &&
        promotion.status === 'pending'
      )
        say(`It goes to a protected environment, so an approver runs it: approve ${id}`);
      return;
    }
    case 'already':
      say(alreadyText(outcome.promotion));
      return;
    case 'failed':
      say(problemText(outcome.problem));
      return;
    case 'approved':
      say(promotionText(outcome.promotion, { withPlan: false }));
      say(approvalCountedText(outcome.remaining, outcome.dropped));
      return;
    case 'now_protected':
    case 'rollback_requested':
      say(promotionText(outcome.promotion, { withPlan: false }));
      return;
    case 'expired':
    case 'done':
      say(promotionText(outcome.promotion, { withPlan: false }));
  }
}
