/**
 * Why a promotion is asked for: free text, often a change ticket ("CHG-1042: fix the consent
 * wording"), shown to approvers on the card and kept in the audit. It is the requester's own words,
 * so it is kept to one readable line: control characters and runs of white space become one space.
 */
export const maxReasonLength = 300;

export type ReasonReading = { ok: true; reason: string | null } | { ok: false; problem: string };

export function readReason(text: string | undefined): ReasonReading {
  if (text === undefined) return { ok: true, reason: null };
  const reason = text.replace(/[\p{Cc}\p{Cf}\s]+/gu, ' ').trim();
  if (reason.length === 0) return { ok: false, problem: '`--reason` needs some words' };
  const length = [...reason].length;
  if (length > maxReasonLength)
    return {
      ok: false,
      problem: `\`--reason\` is ${length} characters; keep it to ${maxReasonLength} (a ticket number and a line)`,
    };
  return { ok: true, reason };
}
