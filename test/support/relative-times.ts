/**
 * Fixtures write times relative to when they are loaded, never as calendar dates, so that no sample
 * certificate expires and no flow turns old as the calendar moves: `"@now"`, `"@now-94d"`,
 * `"@now+395d"`, `"@now-2h"` or `"@now-3d+4h"` become ISO times that far from `now`.
 */
const relative = /^@now(?:([+-]\d+)d)?(?:([+-]\d+)h)?$/;

export function resolveRelativeTimes<T>(value: T, now: Date): T {
  return walk(value, now) as T;
}

function walk(value: unknown, now: Date): unknown {
  if (typeof value === 'string') {
    const match = relative.exec(value);
    if (!match) return value;
    const days = Number(match[1] ?? 0);
    const hours = Number(match[2] ?? 0);
    return new Date(now.getTime() + (days * 24 + hours) * 3_600_000).toISOString();
  }
  if (Array.isArray(value)) return value.map((item) => walk(item, now));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, walk(item, now)]));
  return value;
}
