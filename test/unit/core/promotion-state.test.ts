import { describe, expect, it } from 'vitest';
import {
  type DeciderFacts,
  type Decision,
  type DecisionState,
  openDecisions,
  promotionStatuses,
  refusalOf,
  refusalRules,
  rollbackableStatuses,
  transitions,
} from '../../../src/core/promotion/state.js';

/** A person who may do nothing: every test turns on what it needs. */
const nobody: DeciderFacts = {
  protected: true,
  requester: false,
  rollbackAsker: false,
  singleUser: false,
  approver: false,
  admin: false,
  canPromote: false,
  approved: false,
  approvedRollback: false,
};
const facts = (changes: Partial<DeciderFacts>): DeciderFacts => ({ ...nobody, ...changes });

const state = (changes: Partial<DecisionState>): DecisionState => ({
  status: 'pending',
  protected: true,
  rollbackRequestedBy: null,
  rollbackUntil: null,
  ...changes,
});

describe('the transition table', () => {
  it('names only real statuses, and every status but the first is reached by some transition', () => {
    const reached = new Set<string>(['blocked', 'pending']);
    for (const { from, to } of Object.values(transitions)) {
      for (const status of [...from, to]) expect(promotionStatuses).toContain(status);
      reached.add(to);
    }
    expect([...reached].sort()).toEqual([...promotionStatuses].sort());
  });

  it('never leaves an ended promotion except by a rollback', () => {
    const ended = ['rejected', 'expired', 'cancelled', 'rolled_back', 'rollback_failed'];
    for (const [name, { from }] of Object.entries(transitions)) {
      if (from.some((status) => ended.includes(status))) throw new Error(`${name} leaves an ended promotion`);
    }
    expect(transitions.rollback.from).toEqual(rollbackableStatuses);
  });
});

describe('the decisions a promotion leaves open', () => {
  it('pending into a protected destination: approvers approve or reject', () => {
    expect(openDecisions(state({}))).toEqual(['approve', 'reject']);
  });

  it('pending into an unprotected one: the requester runs or withdraws it', () => {
    expect(openDecisions(state({ protected: false }))).toEqual(['run', 'cancel']);
  });

  it('blocked: it can only be withdrawn', () => {
    expect(openDecisions(state({ status: 'blocked' }))).toEqual(['cancel']);
  });

  it('ended with something to undo: Rollback while it is offered, and the rollback decision once asked for', () => {
    const until = new Date(0);
    for (const status of rollbackableStatuses) {
      expect(openDecisions(state({ status, rollbackUntil: until }))).toEqual(['rollback']);
      expect(openDecisions(state({ status, rollbackUntil: null }))).toEqual([]);
      expect(openDecisions(state({ status, rollbackUntil: until, rollbackRequestedBy: 'U1' }))).toEqual([
        'approveRollback',
        'rejectRollback',
      ]);
    }
  });

  it('running, rolling back or ended for good: nothing, whatever is left in the record', () => {
    for (const status of [
      'running',
      'rolling_back',
      'rejected',
      'expired',
      'cancelled',
      'rolled_back',
      'rollback_failed',
    ] as const) {
      expect(openDecisions(state({ status, rollbackUntil: new Date(0), rollbackRequestedBy: 'U1' }))).toEqual(
        [],
      );
    }
  });
});

describe('the refusal table', () => {
  const cases: [Decision, Partial<DeciderFacts>, ReturnType<typeof refusalOf>][] = [
    // Approve: only on a protected promotion, never one's own (unless the console's one person), approvers once.
    ['approve', { protected: false, approver: true }, 'not_allowed'],
    ['approve', { requester: true, approver: true }, 'own_request'],
    ['approve', { requester: true, approver: true, singleUser: true }, undefined],
    ['approve', { admin: true, canPromote: true }, 'not_approver'],
    ['approve', { approver: true, approved: true }, 'already_approved'],
    ['approve', { approver: true }, undefined],
    // Run: the requester's own, unprotected, while still allowed to promote.
    ['run', { protected: false, approver: true }, 'not_requester'],
    ['run', { protected: false, requester: true }, 'no_longer_allowed'],
    ['run', { protected: true, requester: true, canPromote: true }, 'not_allowed'],
    ['run', { protected: false, requester: true, canPromote: true }, undefined],
    // Reject: an approver's decision on someone else's request; the requester cancels instead.
    ['reject', { requester: true, approver: true }, 'own_request'],
    ['reject', { requester: true, approver: true, singleUser: true }, 'own_request'],
    ['reject', { canPromote: true }, 'not_approver'],
    ['reject', { protected: false, approver: true }, 'not_allowed'],
    ['reject', { approver: true }, undefined],
    // Cancel: the requester, still allowed to promote.
    ['cancel', { approver: true, canPromote: true }, 'not_requester'],
    ['cancel', { requester: true }, 'no_longer_allowed'],
    ['cancel', { requester: true, canPromote: true }, undefined],
    // Rollback: approvers and admins; the requester while still allowed to promote.
    ['rollback', { canPromote: true }, 'not_requester'],
    ['rollback', { requester: true }, 'no_longer_allowed'],
    ['rollback', { requester: true, canPromote: true }, undefined],
    ['rollback', { admin: true }, undefined],
    ['rollback', { approver: true }, undefined],
    // A rollback asked for: another approver decides, once; the asker may withdraw it.
    ['approveRollback', { admin: true, canPromote: true }, 'not_approver'],
    ['approveRollback', { approver: true, rollbackAsker: true }, 'own_rollback_request'],
    ['approveRollback', { approver: true, rollbackAsker: true, singleUser: true }, undefined],
    ['approveRollback', { approver: true, approvedRollback: true }, 'already_approved'],
    ['approveRollback', { approver: true }, undefined],
    ['rejectRollback', { canPromote: true }, 'not_approver'],
    ['rejectRollback', { rollbackAsker: true }, 'not_approver'],
    ['rejectRollback', { rollbackAsker: true, canPromote: true }, undefined],
    ['rejectRollback', { approver: true }, undefined],
  ];

  it.each(cases)('%s by %o: %s', (decision, changes, refusal) => {
    expect(refusalOf(decision, facts(changes))).toBe(refusal);
  });

  it('refuses nobody-in-particular everything', () => {
    for (const decision of Object.keys(refusalRules) as Decision[]) {
      expect(refusalOf(decision, nobody), decision).toBeDefined();
      expect(refusalOf(decision, facts({ protected: false })), decision).toBeDefined();
    }
  });

  it('a guest or a former operator who requested it can no longer run, cancel or roll it back', () => {
    const former = facts({ protected: false, requester: true, canPromote: false });
    expect(refusalOf('run', former)).toBe('no_longer_allowed');
    expect(refusalOf('cancel', former)).toBe('no_longer_allowed');
    expect(refusalOf('rollback', former)).toBe('no_longer_allowed');
  });
});
