import { describe, expect, it } from 'vitest';
import { maxReasonLength, readReason } from '../../../src/core/promotion/reason.js';

describe('the reason a promotion is asked for', () => {
  it('is optional', () => {
    expect(readReason(undefined)).toEqual({ ok: true, reason: null });
  });

  it('is kept to one line: control characters and runs of white space become one space', () => {
    expect(readReason('  CHG-1042:\n\tfix\u0000 the\u202e  text ')).toEqual({
      ok: true,
      reason: 'CHG-1042: fix the text',
    });
  });

  it('names the problem when it is empty or too long, counting characters a person sees', () => {
    expect(readReason(' \n ')).toEqual({ ok: false, problem: '`--reason` needs some words' });
    expect(readReason('🛫'.repeat(maxReasonLength))).toEqual({
      ok: true,
      reason: '🛫'.repeat(maxReasonLength),
    });
    const long = readReason('x'.repeat(maxReasonLength + 1));
    expect(long.ok).toBe(false);
    expect(!long.ok && long.problem).toBe(
      `\`--reason\` is ${maxReasonLength + 1} characters; keep it to ${maxReasonLength} (a ticket number and a line)`,
    );
  });
});
