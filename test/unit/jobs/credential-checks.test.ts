import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkOffsetMs, checksDue } from '../../../src/jobs/credential-checks.js';

const fifteenMinutes = 15 * 60_000;
const tenants = Array.from({ length: 1000 }, () => randomUUID());

describe('when each tenant is checked', () => {
  it('checks every tenant exactly once per interval, a minute at a time, each within its interval', () => {
    // The start of the interval that now falls in: intervals are counted from the epoch.
    const start = new Date(Math.floor(Date.now() / fifteenMinutes) * fifteenMinutes);
    const seen = new Map<string, number>();
    for (let minute = 0; minute < 15; minute++) {
      // The tick of each minute runs a few seconds late; it still covers the same minute.
      const now = new Date(start.getTime() + minute * 60_000 + 7_000);
      for (const { tenantId, at } of checksDue(tenants, fifteenMinutes, now)) {
        seen.set(tenantId, (seen.get(tenantId) ?? 0) + 1);
        expect(at.getTime()).toBeGreaterThanOrEqual(start.getTime() + minute * 60_000);
        expect(at.getTime()).toBeLessThan(start.getTime() + (minute + 1) * 60_000);
      }
    }
    expect(seen.size).toBe(tenants.length);
    expect([...seen.values()].every((times) => times === 1)).toBe(true);
  });

  it('spreads a thousand tenants over the interval: no minute gets more than one and a half times its share', () => {
    const perMinute = Array.from({ length: 15 }, () => 0);
    for (const tenant of tenants) {
      const minute = Math.floor(checkOffsetMs(tenant, fifteenMinutes) / 60_000);
      perMinute[minute] = (perMinute[minute] ?? 0) + 1;
    }
    const mean = tenants.length / 15;
    expect(Math.max(...perMinute) / mean).toBeLessThan(1.5);
    expect(Math.min(...perMinute)).toBeGreaterThan(0);
  });

  it('puts a tenant at the same moment on every replica', () => {
    const tenant = tenants[0] ?? '';
    expect(checkOffsetMs(tenant, fifteenMinutes)).toBe(checkOffsetMs(tenant, fifteenMinutes));
  });
});
