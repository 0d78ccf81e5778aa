import type { Promotion, Refusal } from './service.js';

/**
 * What a person is told when a decision on a promotion changes nothing, in the same words on every
 * front end. A front end says how it names a person and how it makes a name from PingOne safe to
 * show (Slack: a mention, and mrkdwn escaped); plain text by default.
 */
export interface TextStyle {
  person(userId: string): string;
  escape(text: string): string;
}

export const plainText: TextStyle = { person: (userId) => userId, escape: (text) => text };

export function refusalText(
  reason: Refusal,
  details: readonly string[] = [],
  style: TextStyle = plainText,
): string {
  switch (reason) {
    case 'own_request':
      return 'You requested this promotion, so someone else must approve or reject it.';
    case 'own_rollback_request':
      return 'You asked for this rollback, so another approver must decide on it.';
    case 'already_approved':
      return 'You have approved this already; it waits for another approver.';
    case 'not_approver':
      return "Only the approvers of the destination can decide on promotions into its protected environments: its tenant's own (`tenant approvers <tenant>` names them), else FLIGHTIQ_APPROVERS. Ask one of them.";
    case 'not_requester':
      return 'Only the person who requested this promotion (or an approver or admin) can do that.';
    case 'not_allowed':
      return 'That is not possible for this promotion.';
    case 'no_longer_allowed':
      return 'You are no longer allowed to act on promotions (not a FlightIQ operator now, or not a full member of the workspace). Ask an approver or an admin.';
    case 'too_late':
      return 'Rollback is no longer offered for this promotion: its window (FLIGHTIQ_ROLLBACK_WINDOW) has passed. Promote the earlier version again instead.';
    case 'nothing_to_undo':
      return 'This promotion wrote nothing that a rollback could undo.';
    case 'changed_since':
      // The details name flows as PingOne has them, and the answer may be a notification: escaped.
      return `Not rolled back, and nothing was written: ${details.map((detail) => style.escape(detail)).join(' ')} Promote the version you want instead.`;
  }
}

export function alreadyText(promotion: Promotion, style: TextStyle = plainText): string {
  const by = promotion.decidedBy ? ` by ${style.person(promotion.decidedBy)}` : '';
  return `Nothing done: this promotion is already ${promotion.status.replace('_', ' ')}${by}.`;
}

/**
 * An approval counted, with approvers still to come; `dropped` are earlier approvers whose approval no
 * longer counts because they lost the approver role before the count was reached.
 */
export function approvalCountedText(
  remaining: number,
  dropped: readonly string[] = [],
  style: TextStyle = plainText,
): string {
  const lapsed =
    dropped.length === 0
      ? ''
      : ` ${dropped.map((userId) => style.person(userId)).join(', ')} ${dropped.length === 1 ? 'is no longer an approver, so that approval no longer counts' : 'are no longer approvers, so those approvals no longer count'}.`;
  return `Your approval is counted.${lapsed} ${remaining} more approver${remaining === 1 ? ' is' : 's are'} needed before it runs.`;
}

type Titled = Pick<Promotion, 'flowName' | 'fromEnvName' | 'toEnvName' | 'options'> &
  Partial<Pick<Promotion, 'tenantName' | 'toTenantName'>>;

/**
 * Each side's name; across PingOne organizations, with its tenant as the command names it
 * ("Dev:Staging"), since the two may have environments of the same name.
 */
function sides(promotion: Titled, shown: (text: string) => string): { from: string; to: string } {
  const { toTenantName, tenantName } = promotion;
  if (!toTenantName || !tenantName)
    return { from: shown(promotion.fromEnvName), to: shown(promotion.toEnvName) };
  return {
    from: shown(`${tenantName}:${promotion.fromEnvName}`),
    to: shown(`${toTenantName}:${promotion.toEnvName}`),
  };
}

/** What a promotion does, in one line: "Promote X from A to B", or "Revert X in B to v7". */
export function promotionTitle(promotion: Titled, style: Pick<TextStyle, 'escape'> = plainText): string {
  const flow = style.escape(promotion.flowName);
  const { from, to } = sides(promotion, style.escape);
  if (promotion.options?.revertTo !== undefined)
    return `Revert ${flow} in ${to} to v${promotion.options?.revertTo}`;
  if (promotion.options?.policy) return `Promote flow policy ${flow} from ${from} to ${to}`;
  return `Promote ${flow} from ${from} to ${to}`;
}

/** Where it goes, for lists: "A → B" (the console's arrow is "->"), or "B, back to v7" for a revert. */
export function promotionRoute(
  promotion: Titled,
  style: Pick<TextStyle, 'escape'> = plainText,
  arrow = '→',
): string {
  const { from, to } = sides(promotion, style.escape);
  if (promotion.options?.revertTo !== undefined) return `${to}, back to v${promotion.options?.revertTo}`;
  return `${from} ${arrow} ${to}`;
}
