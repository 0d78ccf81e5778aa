import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The date check: no test, fixture, simulator sample, demo or benchmark holds a calendar date, so that a
 * suite that passes today passes next year (a sample key that expired with the calendar once turned CI
 * red with no change to the code). Times are written relative to now: `daysFromNow(-3)` in code,
 * `"@now-3d"` in JSON fixtures (test/support/relative-times.ts).
 *
 * Ping's own documents and exports are kept verbatim with their licences, so their dates stay; nothing
 * in them is read as a time that could expire.
 */
const repo = resolve(import.meta.dirname, '../..');
const scanned = ['src', 'test', 'bench', 'scripts', 'deploy', 'migrations'];
const verbatim = [/^test\/contract\/openapi\//, /^test\/fixtures\/ping\//];
const textFile = /\.(ts|mjs|js|json|ya?ml|sql|tpl)$/;

const calendar: { what: string; pattern: RegExp }[] = [
  { what: 'an ISO date', pattern: /(?<!\d)(?:19|20)\d\d-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?!\d)/ },
  { what: 'a Date built from a year', pattern: /\b(?:new Date|Date\.UTC)\(\s*(?:19|20)\d\d\s*,/ },
  // Epoch seconds or milliseconds between 2017 and 2033 (Slack message timestamps are of this form).
  { what: 'an epoch time', pattern: /(?<![\w.-])1[5-9]\d{8}(?:\d{3})?(?![\w-])/ },
];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules') return [];
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

function calendarDatesIn(root: string): string[] {
  return scanned
    .flatMap((dir) => files(join(root, dir)))
    .map((path) => relative(root, path).split('\\').join('/'))
    .filter((path) => textFile.test(path) && !verbatim.some((skip) => skip.test(path)))
    .flatMap((path) =>
      readFileSync(join(root, path), 'utf8')
        .split('\n')
        .flatMap((line, i) =>
          calendar
            .filter(({ pattern }) => pattern.test(line))
            .map(({ what }) => `${path}:${i + 1}: ${what}: ${line.trim().slice(0, 120)}`),
        ),
    );
}

describe('the date check', () => {
  it('finds no calendar date in code, tests, fixtures, the simulator, the demo or benchmarks', () => {
    expect(calendarDatesIn(repo)).toEqual([]);
  });

  it('would find one', () => {
    // Put together here, so that this file itself holds none.
    const year = String(2000 + 27);
    const planted = [
      `expiresAt: '${year}-01-01T00:00:00.000Z'`,
      `const at = new Date(${year}, 0, 1);`,
      `messageTs: '${17 * 10 ** 8}.000100'`,
    ];
    for (const line of planted)
      expect(
        calendar.some(({ pattern }) => pattern.test(line)),
        line,
      ).toBe(true);
    for (const line of [
      "expiresAt: '@now+395d'",
      "id: '33333333-0000-4000-8000-000000000001'",
      'count: 1700',
    ])
      expect(
        calendar.some(({ pattern }) => pattern.test(line)),
        line,
      ).toBe(false);
  });
});
