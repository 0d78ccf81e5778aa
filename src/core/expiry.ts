import { dayMs } from './clock.js';

/** Days before expiry from which a certificate or key is marked in lists. */
export const certificateWarningDays = 30;

/**
 * How a certificate or key stands at `now` (core's clock): expired, expiring within `warningDays`
 * (with the whole days left), or valid. Slack and the console only put words to it.
 */
export type Expiry = { state: 'expired' } | { state: 'expiring'; days: number } | { state: 'valid' };

export function expiryOf(expiresAt: Date, now: Date, warningDays = certificateWarningDays): Expiry {
  const left = expiresAt.getTime() - now.getTime();
  if (left <= 0) return { state: 'expired' };
  const days = Math.floor(left / dayMs);
  return days < warningDays ? { state: 'expiring', days } : { state: 'valid' };
}

/** "less than a day", "1 day", "12 days". */
export function daysText(days: number): string {
  return days === 0 ? 'less than a day' : `${days} day${days === 1 ? '' : 's'}`;
}
