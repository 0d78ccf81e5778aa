import { describe, expect, it } from 'vitest';
import type { Promotion } from '../../../src/core/promotion/service.js';
import { type PromotionSurface, promotionMessage } from '../../../src/slack/views/promotion.js';
import { eventOfDecision, promotionNotices } from '../../../src/slack/views/promotion-notices.js';
import { aPromotion } from '../../support/builders.js';

/** The action IDs of the buttons a copy of the card offers, Show diff aside. */
function buttons(promotion: Promotion, surface: PromotionSurface): string[] {
  const actions = promotionMessage(promotion, surface).blocks.filter((block) => block.type === 'actions');
  return actions.flatMap((block) =>
    'elements' in block
      ? block.elements.map((element) => ('action_id' in element ? String(element.action_id) : ''))
      : [],
  );
}

const now = new Date();
const ended = { finishedAt: now, rollbackUntil: new Date(now.getTime() + 86_400_000) };

describe("the card's buttons follow the decisions core leaves open", () => {
  it('pending into a protected destination: Approve and Reject in the approval channel, nothing for the requester', () => {
    const pending = aPromotion();
    expect(buttons(pending, 'approval')).toEqual(['promotion_approve', 'promotion_reject']);
    expect(buttons(pending, 'requester')).toEqual([]);
  });

  it('pending into an unprotected one: Run and Cancel for the requester', () => {
    expect(buttons(aPromotion({ protected: false }), 'requester')).toEqual([
      'promotion_run',
      'promotion_cancel',
    ]);
  });

  it('blocked: the requester can only withdraw it', () => {
    expect(buttons(aPromotion({ status: 'blocked', protected: false }), 'requester')).toEqual([
      'promotion_cancel',
    ]);
    expect(buttons(aPromotion({ status: 'blocked' }), 'approval')).toEqual([]);
  });

  it('succeeded with its rollback offered: Rollback, asking once more; once asked for, the approvers decide', () => {
    const succeeded = aPromotion({ status: 'succeeded', ...ended });
    expect(buttons(succeeded, 'approval')).toEqual(['promotion_rollback']);
    const confirm = JSON.stringify(promotionMessage(succeeded, 'approval').blocks);
    expect(confirm).toContain('Roll back this promotion?');
    const asked = aPromotion({ status: 'succeeded', ...ended, rollbackRequestedBy: 'U0REQUESTER' });
    expect(buttons(asked, 'approval')).toEqual(['promotion_rollback_approve', 'promotion_rollback_reject']);
    expect(buttons(asked, 'requester')).toEqual([]);
  });

  it('running or rolling back: no decision, whatever is left in the record', () => {
    for (const status of ['running', 'rolling_back'] as const)
      expect(
        buttons(aPromotion({ status, ...ended, rollbackRequestedBy: 'U0REQUESTER' }), 'approval'),
      ).toEqual([]);
  });

  it('shows the reason to approvers, escaped', () => {
    const text = JSON.stringify(
      promotionMessage(aPromotion({ reason: 'CHG-1 <!channel> & more' }), 'approval'),
    );
    expect(text).toContain('*Reason:* CHG-1 &lt;!channel&gt; &amp; more');
  });
});

describe('who hears of a state change', () => {
  it('the requester hears of the run, never the person who clicked of their own click', () => {
    const ran = aPromotion({
      status: 'succeeded',
      approvals: [{ userId: 'U0APPROVER', at: now.toISOString() }],
    });
    const notices = promotionNotices('ran', ran, { actorId: 'U0APPROVER', approvers: ['U0APPROVER'] });
    expect(notices.direct).toEqual([
      {
        userId: 'U0REQUESTER',
        text: 'Your promotion of *Checkout* (Staging → Production, tenant Acme) succeeded, approved by <@U0APPROVER>.',
      },
    ]);
    expect(promotionNotices('ran', ran, { actorId: 'U0REQUESTER', approvers: [] }).direct).toEqual([]);
  });

  it('a rollback asked for calls on the approvers, user groups too, in the thread', () => {
    const asked = aPromotion({ status: 'succeeded', rollbackRequestedBy: 'U0OTHER' });
    const notices = promotionNotices('rollback_requested', asked, {
      actorId: 'U0OTHER',
      approvers: ['U0APPROVER', 'S0APPROVERS', 'U0OTHER'],
    });
    expect(notices.thread).toBe(
      '<@U0APPROVER> <!subteam^S0APPROVERS> <@U0OTHER> asks to roll back *Checkout* (Staging → Production, tenant Acme). Approve or reject on the card above; nothing is written before.',
    );
    expect(notices.direct.map((notice) => notice.userId)).toEqual(['U0REQUESTER']);
  });

  it('names the event a decision made, and none for an approval still short of the count', () => {
    expect(eventOfDecision('approve', aPromotion({ status: 'pending' }))).toBeUndefined();
    expect(eventOfDecision('approve', aPromotion({ status: 'failed' }))).toBe('ran');
    expect(eventOfDecision('reject', aPromotion({ status: 'rejected' }))).toBe('rejected');
    expect(eventOfDecision('rollback', aPromotion({ status: 'succeeded', rollbackRequestedBy: 'U1' }))).toBe(
      'rollback_requested',
    );
    expect(eventOfDecision('approveRollback', aPromotion({ status: 'rolled_back' }))).toBe('rolled_back');
    expect(eventOfDecision('rejectRollback', aPromotion({ status: 'succeeded' }))).toBe('rollback_rejected');
  });

  it('escapes names from PingOne, so a flow named with a mention cannot ping anyone', () => {
    const promotion = aPromotion({ status: 'rejected', flowName: 'Checkout <!channel>' });
    const [notice] = promotionNotices('rejected', promotion, { actorId: 'U0APPROVER', approvers: [] }).direct;
    expect(notice?.text).toContain('*Checkout &lt;!channel&gt;*');
  });
});
