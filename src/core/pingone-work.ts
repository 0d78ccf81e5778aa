/**
 * How a front end runs a piece of work that calls PingOne: with a deadline, and told when a call
 * waits for PingOne's rate limit so the person waiting can be told too. The PingOne client reads both.
 */
export { type PingOneWait, withCallContext } from '../pingone/call-context.js';

/** How long a command may keep a person waiting, rate-limit waits included. */
export const commandWorkMs = 120_000;

/** How long one promotion run or rollback may take: DaVinci writes take seconds, and may be rate limited. */
export const promotionWorkMs = 15 * 60_000;

/** What a wait means, in the words shown under a command's progress message. */
export function waitText(wait: { reason: 'rate_limited' | 'unavailable'; seconds: number }): string {
  return wait.reason === 'rate_limited'
    ? `PingOne's rate limit was reached: waiting ${wait.seconds} s, as PingOne asked, then trying again.`
    : `PingOne is unavailable for a moment: trying again in ${wait.seconds} s.`;
}
