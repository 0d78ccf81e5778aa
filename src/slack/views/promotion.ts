import type { ActionsBlock, Button, KnownBlock } from '@slack/types';
import { entryText } from '../../core/mappings/service.js';
import { plannedPolicyLines, policyResultText } from '../../core/policies/policy-text.js';
import { lintFindingText, lintHeading } from '../../core/promotion/lint-gate.js';
import { policyUseText } from '../../core/promotion/plan/blast-radius.js';
import { shownFingerprint } from '../../core/promotion/plan/fingerprint.js';
import { mappableReferences } from '../../core/promotion/plan/mappable.js';
import { referenceText } from '../../core/promotion/plan/references.js';
import type { PlannedFlow, PlannedVariable } from '../../core/promotion/plan/types.js';
import { reachabilityLines } from '../../core/promotion/reachability.js';
import type { Promotion, Refusal } from '../../core/promotion/service.js';
import { openDecisions } from '../../core/promotion/state.js';
import {
  alreadyText as coreAlreadyText,
  approvalCountedText as coreApprovalCountedText,
  refusalText as coreRefusalText,
  promotionRoute,
  promotionTitle,
  type TextStyle,
} from '../../core/promotion/texts.js';
import { diffActions, diffSummaryLine } from './flow-diff.js';
import { mapActions, mapButtonsShown } from './mapping-profile.js';
import { escapedShort, escapeMrkdwn, packLines, shorten, slackDate } from './mrkdwn.js';

export const promotionActions = {
  approve: 'promotion_approve',
  reject: 'promotion_reject',
  run: 'promotion_run',
  cancel: 'promotion_cancel',
  rollback: 'promotion_rollback',
  approveRollback: 'promotion_rollback_approve',
  rejectRollback: 'promotion_rollback_reject',
} as const;

/** Where a promotion message is shown: the approval channel gets Approve/Reject, the requester Run/Cancel. */
export type PromotionSurface = 'approval' | 'requester' | 'copy';

const statusLines: Record<Promotion['status'], string> = {
  blocked: ':no_entry: *Blocked.* Fix the blockers below, then request the promotion again.',
  pending: ':hourglass_flowing_sand: *Waiting for approval.*',
  rejected: ':x: *Rejected.*',
  expired: ':alarm_clock: *Expired* without a decision. Request it again if it is still wanted.',
  cancelled: ':heavy_multiplication_x: *Cancelled* by the requester.',
  running: ':gear: *Running…*',
  succeeded: ':white_check_mark: *Done.*',
  failed: ':warning: *Failed.*',
  interrupted: ':warning: *Interrupted.*',
  rolling_back: ':rewind: *Rolling back…*',
  rolled_back: ':rewind: *Rolled back.*',
  rollback_failed: ':warning: *Rollback failed.*',
};

const actionText: Record<PlannedFlow['action'], string> = {
  create: ':new: create new',
  update: ':arrows_counterclockwise: update in place',
  unchanged: ':white_circle: unchanged',
};

const maxListed = 40;
/** The reachability verdict's lines on a card: with its title and "…and N more", one section. */
const verdictLines = 7;
/** Section blocks a card may use besides its header, context, status and buttons. */
const maxSections = 44;

/** Why it was asked for, in the requester's words: escaped, so it can neither mention nor link. */
function reasonBlocks(promotion: Promotion): KnownBlock[] {
  if (!promotion.reason) return [];
  return [{ type: 'section', text: { type: 'mrkdwn', text: `*Reason:* ${escapeMrkdwn(promotion.reason)}` } }];
}

export function promotionMessage(
  promotion: Promotion,
  surface: PromotionSurface,
  /** While it runs: what it is waiting for (PingOne's rate limit), shown under the status. */
  waiting?: string,
): { text: string; blocks: KnownBlock[] } {
  const { plan } = promotion;
  const title = promotionTitle(promotion);
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: shorten(title, 150) } },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: [
            `Tenant *${escapeMrkdwn(promotion.tenantName)}*`,
            `requested by <@${promotion.requestedBy}> ${slackDate(promotion.createdAt)}`,
            promotion.protected
              ? ':lock: protected destination: needs an approver'
              : 'not protected: the requester runs it',
            `plan \`${shownFingerprint(promotion.fingerprint)}\``,
          ].join('  ·  '),
        },
      ],
    },
    ...reasonBlocks(promotion),
    { type: 'section', text: { type: 'mrkdwn', text: statusText(promotion, waiting) } },
  ];
  const sections: string[] = [];
  const policyStyle = { escape: escapeMrkdwn, name: (text: string) => `*${text}*` };
  if (plan.policy) {
    const [head = '', ...rest] = plannedPolicyLines(
      plan.policy,
      { from: promotion.fromEnvName, to: promotion.toEnvName },
      policyStyle,
    );
    sections.push(
      ...packLines(
        listed(
          head,
          rest.map((line) => `• ${line}`),
        ),
      ),
    );
  } else sections.push(...packLines(listed('*Flows*', plan.flows.map(flowLine))));
  if (plan.carried && plan.carried.length > 0) {
    const envs = { from: promotion.fromEnvName, to: promotion.toEnvName };
    const lines = plan.carried.flatMap(({ policy }) => {
      const [head = '', ...rest] = plannedPolicyLines(policy, envs, policyStyle);
      return [`• ${head}`, ...rest.map((line) => `    ◦ ${line}`)];
    });
    sections.push(
      ...packLines(listed('*Flow policies carried along* (written after the flows are deployed)', lines)),
    );
  }
  if (plan.diffs && plan.diffs.length > 0) {
    sections.push(
      ...packLines(listed('*What changes* (Show diff has every change)', plan.diffs.map(diffSummaryLine))),
    );
  }
  if (plan.policies && plan.policies.length > 0) {
    const style = { escape: escapeMrkdwn, name: (text: string) => `*${text}*`, when: slackDate };
    sections.push(
      ...packLines(
        listed(
          '*PingOne applications affected* (flow policies that run these flows here)',
          plan.policies.map(
            (use) => `• ${use.pinnedVersion === null ? '' : ':warning: '}${policyUseText(use, style)}`,
          ),
        ),
      ),
    );
  }
  if (plan.connectors.length > 0) {
    sections.push(
      ...packLines(
        listed(
          '*Connector instances*',
          plan.connectors.map(
            (c) =>
              `• ${escapeMrkdwn(c.name)} (${escapeMrkdwn(c.connector)}) → ${c.destinationId ? `\`${c.destinationId}\`` : ':no_entry: missing'}`,
          ),
        ),
      ),
    );
  }
  if (plan.forms.length > 0) {
    sections.push(
      ...packLines(
        listed(
          '*Forms*',
          plan.forms.map(
            (f) =>
              `• ${escapeMrkdwn(f.name)} → ${f.destinationId ? `\`${f.destinationId}\`` : ':no_entry: missing'}`,
          ),
        ),
      ),
    );
  }
  if (plan.references && plan.references.length > 0) {
    const envs = { from: promotion.fromEnvName, to: promotion.toEnvName };
    const style = { escape: escapeMrkdwn, name: (text: string) => `*${text}*` };
    sections.push(
      ...packLines(
        listed(
          '*References* (PingOne objects the flows name)',
          plan.references.map((reference) => {
            const { text, problem } = referenceText(reference, envs, style);
            return `• ${problem ? ':no_entry: ' : ''}${text}`;
          }),
        ),
      ),
    );
  }
  if (plan.mappedByProfile && plan.mappedByProfile.length > 0) {
    const style = { name: (text: string) => `*${escapeMrkdwn(text)}*` };
    sections.push(
      ...packLines(
        listed(
          `*Mapped by profile* (entries of the mapping profile ${escapeMrkdwn(promotion.fromEnvName)} → ${escapeMrkdwn(promotion.toEnvName)}: their names did not match)`,
          plan.mappedByProfile.map((m) => `• ${entryText(m, style)}, set by <@${m.setBy}>`),
        ),
      ),
    );
  }
  if (plan.variables.length > 0) {
    sections.push(
      ...packLines(
        listed(
          '*Variables*',
          plan.variables.map((v) => variableLine(v, promotion.fromEnvName, promotion.toEnvName)),
        ),
      ),
    );
  }
  if (plan.lint && plan.lint.findings.length > 0) {
    const style = {
      escape: (text: string) => escapedShort(text, 150),
      code: (text: string) => `\`${text}\``,
    };
    sections.push(
      ...packLines(
        listed(
          `${plan.lint.mode === 'block' ? ':no_entry:' : ':mag:'} *${lintHeading(plan.lint)}*`,
          plan.lint.findings.map((finding) => `• ${lintFindingText(finding, style)}`),
        ),
      ),
    );
  }
  if (plan.blockers.length > 0) {
    sections.push(
      ...packLines(
        listed(
          ':no_entry: *Blockers* (this plan cannot be approved)',
          plan.blockers.map((b) => `• ${escapeMrkdwn(b)}`),
        ),
      ),
    );
  }
  if (plan.warnings.length > 0) {
    sections.push(
      ...packLines(
        listed(
          ':warning: *Warnings*',
          plan.warnings.map((w) => `• ${escapeMrkdwn(w)}`),
        ),
      ),
    );
  }
  // What happened (steps, result) matters more than the plan once it has run: it is never the part cut.
  // Its lines stay under ~330 characters, so nine fill a section and each of its four lists takes at
  // most five of the 22 sections it is sure of, the verdict one: a long list never pushes the ones
  // after it off the card.
  const outcome: string[] = [];
  if (promotion.steps.length > 0) {
    outcome.push(
      ...packLines(
        listed(
          '*Steps*',
          promotion.steps.map(
            (step) =>
              `${step.status === 'done' ? ':white_check_mark:' : step.status === 'failed' ? ':x:' : ':grey_question: (started, outcome unknown)'} ${step.action} ${escapedShort(step.subject, 100)}${step.version === null ? '' : ` v${step.version}`}${step.detail ? ` — ${escapedShort(step.detail, 150)}` : ''}`,
          ),
        ),
      ),
    );
  }
  if (promotion.result && promotion.result.flows.length > 0) {
    outcome.push(
      ...packLines(
        listed(
          '*Result*',
          promotion.result.flows.map(
            (f) =>
              `• ${f.action} *${escapedShort(f.name, 150)}* \`${f.destinationId}\`${f.version === null ? '' : `, version ${f.version}`}${f.deployedVersion === null ? '' : `, deployed version ${f.deployedVersion}`}`,
          ),
        ),
      ),
    );
  }
  if (promotion.result?.reachability) {
    const style = { escape: (text: string) => escapedShort(text, 60), name: (text: string) => `*${text}*` };
    const lines = reachabilityLines(promotion.result.reachability, style).map((line) => `• ${line}`);
    const shown = lines.slice(0, verdictLines);
    if (lines.length > shown.length) shown.push(`…and ${lines.length - shown.length} more`);
    outcome.push(...packLines([`*Who reaches it in ${escapeMrkdwn(promotion.toEnvName)}*`, ...shown]));
  }
  if (promotion.result?.policy) {
    outcome.push(...packLines(['*Result*', `• ${policyResultText(promotion.result.policy, policyStyle)}`]));
  }
  if (promotion.result?.policies && promotion.result.policies.length > 0) {
    outcome.push(
      ...packLines(
        listed(
          '*Flow policies written*',
          promotion.result.policies.map((policy) => `• ${policyResultText(policy, policyStyle)}`),
        ),
      ),
    );
  }
  if (promotion.result?.variables && promotion.result.variables.length > 0) {
    outcome.push(
      ...packLines(
        listed(
          '*Variables written*',
          promotion.result.variables.map(
            (v) =>
              `• ${v.action} *${escapedShort(v.name, 100)}* (${v.context === 'flow' ? `flow variable of ${escapedShort(v.flowName ?? 'its flow', 100)}` : escapeMrkdwn(v.context)}) \`${v.destinationId}\``,
          ),
        ),
      ),
    );
  }
  if (promotion.result?.leftInPlace && promotion.result.leftInPlace.length > 0) {
    outcome.push(
      ...packLines(
        listed(
          '*Left in place*: flows the promotion created (delete them in PingOne if unwanted)',
          promotion.result.leftInPlace.map((name) => `• ${escapedShort(name, 200)}`),
        ),
      ),
    );
  }
  // Slack allows 50 blocks: header, context, status and buttons take 4, the rest is shared with the
  // outcome first. A plan too long for what is left says so instead of silently ending.
  const room = maxSections - Math.min(outcome.length, maxSections / 2);
  const shownPlan =
    sections.length <= room
      ? sections
      : [
          ...sections.slice(0, room - 1),
          `…the plan goes on (${sections.length - room + 1} more part${sections.length - room + 1 === 1 ? '' : 's'}); Slack cannot show all of it in one message.`,
        ];
  const shownOutcome = outcome.slice(0, maxSections - shownPlan.length);
  for (const text of [...shownPlan, ...shownOutcome]) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text } });
  }
  const buttons = buttonsFor(promotion, surface);
  if (buttons) blocks.push(buttons);
  // The fallback text notifies, so names from PingOne must not be able to say <!channel> in it.
  return { text: `${escapedShort(title, 3000)}: ${promotion.status}`, blocks };
}

/**
 * The card without its lists, for when Slack refuses the full one: the status, the counts and the
 * buttons, so a decision or a rollback is still possible from it.
 */
export function compactPromotionMessage(
  promotion: Promotion,
  surface: PromotionSurface,
  waiting?: string,
): { text: string; blocks: KnownBlock[] } {
  const title = promotionTitle(promotion);
  const done = promotion.steps.filter((step) => step.status === 'done').length;
  const failed = promotion.steps.filter((step) => step.status === 'failed').length;
  const counts = [
    `${promotion.plan.flows.length} flow${promotion.plan.flows.length === 1 ? '' : 's'}`,
    `${promotion.plan.variables.length} variable${promotion.plan.variables.length === 1 ? '' : 's'}`,
    `${promotion.plan.blockers.length} blocker${promotion.plan.blockers.length === 1 ? '' : 's'}`,
    ...(promotion.steps.length > 0 ? [`steps: ${done} done, ${failed} failed`] : []),
  ].join('  ·  ');
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: shorten(title, 150) } },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: shorten(
            `Tenant *${escapeMrkdwn(promotion.tenantName)}*  ·  requested by <@${promotion.requestedBy}>  ·  plan \`${shownFingerprint(promotion.fingerprint)}\``,
            3000,
          ),
        },
      ],
    },
    ...reasonBlocks(promotion),
    { type: 'section', text: { type: 'mrkdwn', text: statusText(promotion, waiting) } },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `${counts}\nSlack refused the full card as too large, so this is a summary of it.`,
      },
    },
  ];
  const buttons = buttonsFor(promotion, surface);
  if (buttons) blocks.push(buttons);
  return { text: `${escapedShort(title, 3000)}: ${promotion.status}`, blocks };
}

/**
 * What the requester of a protected promotion is told: where it waits (`told`), and what it changes,
 * with Show diff, so the person who asked sees what the approvers see.
 */
export function sentForApprovalMessage(
  told: string,
  promotion: Promotion,
): { text: string; blocks: KnownBlock[] } {
  const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: shorten(told, 3000) } }];
  const diffs = promotion.plan.diffs ?? [];
  if (diffs.length > 0) {
    for (const text of packLines(listed('*What changes*', diffs.map(diffSummaryLine))).slice(0, 40)) {
      blocks.push({ type: 'section', text: { type: 'mrkdwn', text } });
    }
    blocks.push({
      type: 'actions',
      block_id: 'promotion_actions',
      elements: [
        {
          type: 'button',
          text: { type: 'plain_text', text: 'Show diff' },
          action_id: diffActions.show,
          value: promotion.id,
        },
      ],
    });
  }
  return { text: shorten(told, 3000), blocks };
}

function statusText(promotion: Promotion, waiting: string | undefined): string {
  // Nobody approves a promotion into an unprotected environment: its requester runs it.
  const lines = [
    promotion.status === 'pending' && !promotion.protected
      ? ':hourglass_flowing_sand: *Waiting for its requester to run it.*'
      : statusLines[promotion.status],
  ];
  const running = promotion.status === 'running' || promotion.status === 'rolling_back';
  if (waiting && running) lines.push(`:hourglass_flowing_sand: ${escapeMrkdwn(waiting)}`);
  const approvers = promotion.approvals.map((approval) => `<@${approval.userId}>`);
  if (promotion.status === 'pending' && promotion.protected) {
    const more = promotion.requiredApprovals - promotion.approvals.length;
    lines.push(
      approvers.length > 0
        ? `Approved by ${people(approvers)} (${approvers.length} of ${promotion.requiredApprovals}); ${more} more approver${more === 1 ? '' : 's'} needed, none of them the requester.`
        : `Needs ${promotion.requiredApprovals === 1 ? 'an approver' : `${promotion.requiredApprovals} approvers`} other than the requester.`,
    );
  }
  if (promotion.decidedBy && promotion.decidedAt && promotion.status !== 'pending') {
    const verb =
      promotion.status === 'rejected'
        ? 'Rejected'
        : promotion.status === 'cancelled'
          ? 'Cancelled'
          : promotion.protected
            ? 'Approved'
            : 'Run';
    const who = verb === 'Approved' && approvers.length > 1 ? people(approvers) : `<@${promotion.decidedBy}>`;
    lines.push(`${verb} by ${who} ${slackDate(promotion.decidedAt)}.`);
  }
  if (promotion.status === 'pending') lines.push(`Expires ${slackDate(promotion.expiresAt)}.`);
  if (promotion.status === 'expired') lines.push(`Expired ${slackDate(promotion.expiresAt)}.`);
  if (promotion.rolledBackBy) lines.push(`Rollback by <@${promotion.rolledBackBy}>.`);
  if (promotion.outcome) lines.push(escapedShort(promotion.outcome, 1500));
  if (promotion.rollbackRequestedBy && promotion.rollbackRequestedAt) {
    const yes = promotion.rollbackApprovals.map((approval) => `<@${approval.userId}>`);
    const more = promotion.requiredApprovals - yes.length;
    lines.push(
      `:rewind: *Rollback asked for* by <@${promotion.rollbackRequestedBy}> ${slackDate(promotion.rollbackRequestedAt)}: ${more} more approver${more === 1 ? '' : 's'} needed, none of them <@${promotion.rollbackRequestedBy}>.${yes.length > 0 ? ` Approved so far by ${people(yes)}.` : ''} Nothing is written before.`,
    );
  } else if (promotion.rollbackUntil) {
    lines.push(`Rollback is offered until ${slackDate(promotion.rollbackUntil)}.`);
  }
  return shorten(lines.join('\n'), 3000);
}

function people(users: string[]): string {
  return users.length <= 1 ? (users[0] ?? '') : `${users.slice(0, -1).join(', ')} and ${users.at(-1)}`;
}

function flowLine(flow: PlannedFlow): string {
  const versions = flow.destinationVersions
    ? ` (destination current v${flow.destinationVersions.current ?? '?'}, published ${flow.destinationVersions.published === null ? 'never' : `v${flow.destinationVersions.published}`})`
    : '';
  const renamed = flow.destinationName !== flow.name ? ` as "${escapeMrkdwn(flow.destinationName)}"` : '';
  const role = flow.role === 'main' ? 'main flow' : `subflow, level ${flow.depth}`;
  return `• *${escapedShort(flow.name, 100)}* v${flow.sourceVersion ?? '?'} (${role}): ${actionText[flow.action]}${renamed}${versions}`;
}

/** What the promotion does about one variable, in words an approver can check. */
export function variableLine(variable: PlannedVariable, from: string, to: string): string {
  const owner =
    variable.context === 'flow'
      ? `flow variable of ${escapeMrkdwn(variable.flow?.name ?? 'its flow')}`
      : escapeMrkdwn(variable.context);
  const head = `• ${escapeMrkdwn(variable.name)} (${owner}, ${escapeMrkdwn(variable.dataType)})`;
  const action = variable.action ?? (variable.inDestination ? 'exists' : 'undefined');
  const what: Record<typeof action, string> = {
    exists: `in ${escapeMrkdwn(to)}${variable.destinationName === undefined ? '' : ` as *${escapeMrkdwn(variable.destinationName)}* (by profile)`}, keeps its value there`,
    create:
      variable.dataType === 'secret'
        ? `:new: *created* in ${escapeMrkdwn(to)} without a value (set it there)`
        : `:new: *created* in ${escapeMrkdwn(to)} with ${escapeMrkdwn(from)}'s value`,
    update: `:arrows_counterclockwise: *updated* in ${escapeMrkdwn(to)}: type or limits differ`,
    blocked: `:no_entry: missing in ${escapeMrkdwn(to)}: a secret, create it there`,
    undefined: `:warning: defined in neither environment`,
  };
  return `${head}: ${what[action]}`;
}

function listed(title: string, lines: string[]): string[] {
  const shown = lines.slice(0, maxListed);
  if (lines.length > shown.length) shown.push(`…and ${lines.length - shown.length} more`);
  return [title, ...shown];
}

function buttonsFor(promotion: Promotion, surface: PromotionSurface): ActionsBlock | undefined {
  const button = (
    text: string,
    actionId: string,
    style?: 'primary' | 'danger',
    confirm?: Button['confirm'],
  ): Button => ({
    type: 'button',
    text: { type: 'plain_text', text },
    action_id: actionId,
    value: promotion.id,
    ...(style ? { style } : {}),
    ...(confirm ? { confirm } : {}),
  });
  // A rollback writes into the destination (production, often): Slack asks once more before the click
  // counts, naming what is put back where.
  const rollbackConfirm = (verb: string): Button['confirm'] => ({
    title: { type: 'plain_text', text: 'Roll back this promotion?' },
    text: {
      type: 'plain_text',
      text: shorten(
        `${verb} puts back in ${promotion.toEnvName} what promoting ${promotion.flowName} wrote there, and removes what it created.`,
        300,
      ),
    },
    confirm: { type: 'plain_text', text: 'Roll back' },
    deny: { type: 'plain_text', text: 'Keep it' },
    style: 'danger',
  });
  const elements: Button[] = [];
  // Which decisions the state leaves open is core's; which of them this copy of the card offers is the
  // surface's: approvers decide in the approval channel, the requester runs or withdraws their own.
  const open = openDecisions(promotion);
  if (open.includes('approve') && surface === 'approval') {
    elements.push(
      button('Approve', promotionActions.approve, 'primary'),
      button('Reject', promotionActions.reject, 'danger'),
    );
  }
  if (open.includes('run') && surface === 'requester')
    elements.push(button('Run', promotionActions.run, 'primary'));
  if (open.includes('cancel') && surface === 'requester')
    elements.push(button('Cancel', promotionActions.cancel));
  if (open.includes('approveRollback') && surface === 'approval') {
    elements.push(
      button(
        'Approve rollback',
        promotionActions.approveRollback,
        'danger',
        rollbackConfirm('Your approval, once enough approvers agree,'),
      ),
      button('Reject rollback', promotionActions.rejectRollback),
    );
  } else if (open.includes('rollback') && surface !== 'copy') {
    elements.push(
      button(
        'Rollback',
        promotionActions.rollback,
        'danger',
        rollbackConfirm(promotion.protected ? 'Once approvers agree, rolling back' : 'Rolling back'),
      ),
    );
  }
  // Whoever sees the card may see what it changes (the click is checked for reader rights).
  if (promotion.plan.diffs && promotion.plan.diffs.length > 0) {
    elements.push(button('Show diff', diffActions.show));
  }
  // A reference names did not settle can be mapped by profile from the blocked plan (the click and the
  // submission are checked for the right to change a profile); the promotion is then requested again.
  if (promotion.status === 'blocked' && surface === 'requester') {
    mappableReferences(promotion.plan)
      .slice(0, mapButtonsShown)
      .forEach((reference, at) => {
        elements.push({
          type: 'button',
          text: { type: 'plain_text', text: shorten(`Map ${reference.name}…`, 75) },
          action_id: `${mapActions.open}_${at}`,
          value: JSON.stringify({ p: promotion.id, k: reference.kind, s: reference.sourceId }),
        });
      });
  }
  return elements.length > 0 ? { type: 'actions', block_id: 'promotion_actions', elements } : undefined;
}

/** Core's wording, with people as mentions and PingOne's names escaped for mrkdwn. */
const slackText: TextStyle = { person: (userId) => `<@${userId}>`, escape: escapeMrkdwn };

export function refusalText(reason: Refusal, details: readonly string[] = []): string {
  return coreRefusalText(reason, details, slackText);
}

export function alreadyText(promotion: Promotion): string {
  return coreAlreadyText(promotion, slackText);
}

export function approvalCountedText(remaining: number, dropped: readonly string[] = []): string {
  return coreApprovalCountedText(remaining, dropped, slackText);
}

export function messageLink(workspaceUrl: string | undefined, promotion: Promotion): string | undefined {
  if (!workspaceUrl || !promotion.channelId || !promotion.messageTs) return undefined;
  return `${workspaceUrl.replace(/\/?$/, '/')}archives/${promotion.channelId}/p${promotion.messageTs.replace('.', '')}`;
}

export function promotionListMessage(
  promotions: Promotion[],
  which: 'pending' | 'recent',
  workspaceUrl: string | undefined,
) {
  const lines = promotions.map((p) => {
    const link = messageLink(workspaceUrl, p);
    return `${statusLines[p.status].split(' ')[0]} *${escapedShort(p.flowName, 80)}* ${promotionRoute(p, { escape: escapeMrkdwn })}  ·  ${p.status.replace('_', ' ')}  ·  <@${p.requestedBy}> ${slackDate(p.createdAt)}${link ? `  ·  <${link}|message>` : ''}`;
  });
  const heading = which === 'pending' ? 'Promotions waiting or running' : 'Recent promotions';
  const blocks: KnownBlock[] = [{ type: 'header', text: { type: 'plain_text', text: heading } }];
  if (lines.length === 0) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: 'None.' } });
  for (const text of packLines(lines).slice(0, 45))
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text } });
  return { text: heading, blocks };
}
