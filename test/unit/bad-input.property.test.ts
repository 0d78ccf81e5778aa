import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitWords } from '../../src/commands/command-line.js';
import { parseOptions } from '../../src/commands/command-options.js';
import { matchEnvironment } from '../../src/core/environment-match.js';
import { type TenantField, validateTenantInput } from '../../src/core/tenants/input.js';

/**
 * Whatever people type: unicode, control characters, 10,000-character values, injection strings,
 * nothing at all. Every answer must be a clear message or a valid value, never an exception.
 */

const nasty = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ maxLength: 10_000 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\u202e\u200b',
    "'; DROP TABLE tenants; --",
    '<!channel> <@U123> &amp;',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an injection string, on purpose
    '${jndi:ldap://x}',
    '{{global.variables.x}}',
    '--env',
    '—tenant',
    '"unclosed',
    'x'.repeat(10_000),
    '5b2a6c1e-0000-4000-8000-000000000001',
  ),
);

const fields: TenantField[] = ['name', 'region', 'environmentId', 'clientId', 'clientSecret', 'authMethod'];

describe('command line parsing', () => {
  it('splits and parses any text without throwing, naming each bad option', () => {
    fc.assert(
      fc.property(nasty, (text) => {
        const words = splitWords(text);
        expect(Array.isArray(words)).toBe(true);
        const parsed = parseOptions(words, {
          values: ['env', 'tenant', 'from', 'to'],
          flags: ['as-new', 'no-subflows'],
        });
        for (const problem of parsed.problems)
          expect(problem).toMatch(/^--[a-z-]+ (needs a value|is not an option here)$/);
        // Nothing typed is lost or invented: the positional words are the typed words in order, less
        // the options and the values they took; each value is the word typed right after its option.
        const optionWord = /^(?:--|\u2014|\u2013)[a-z][a-z-]*$/i;
        const rest = [...words];
        for (const word of parsed.positional) {
          const at = rest.indexOf(word);
          expect(at, `"${word}" was not typed`).toBeGreaterThanOrEqual(0);
          rest.splice(0, at + 1);
        }
        for (const [name, value] of Object.entries(parsed.values)) {
          const typedAfter = words.some(
            (word, i) =>
              optionWord.test(word) &&
              word.replace(/^\W+/, '').toLowerCase() === name &&
              words[i + 1] === value,
          );
          expect(typedAfter, `--${name} ${value}`).toBe(true);
        }
        const typedOptions = words.filter((word) => optionWord.test(word)).length;
        const takenValues = Object.keys(parsed.values).length;
        expect(parsed.positional.length + takenValues).toBeLessThanOrEqual(
          words.length - Math.min(typedOptions, words.length),
        );
        if (typedOptions === 0) expect(parsed.positional).toEqual(words);
      }),
      { numRuns: 500 },
    );
  });

  it('matches environments by any text without throwing', () => {
    const envs = [
      {
        id: 'bb22bb22-0000-4000-8000-000000000002',
        name: 'Staging',
        type: 'SANDBOX',
        region: 'EU',
        hasDavinci: true,
      },
      {
        id: 'cc33cc33-0000-4000-8000-000000000003',
        name: 'Production',
        type: 'PRODUCTION',
        region: 'EU',
        hasDavinci: true,
      },
    ];
    fc.assert(
      fc.property(nasty, (text) => {
        const match = matchEnvironment(envs, text);
        if (!match.ok) expect(['unknown', 'ambiguous']).toContain(match.reason);
      }),
    );
  });
});

describe('tenant form fields', () => {
  it('validate any input to a value or to one clear message per bad field', () => {
    fc.assert(
      fc.property(
        fc.record(
          Object.fromEntries(fields.map((f) => [f, fc.option(nasty, { nil: undefined })])) as Record<
            TenantField,
            fc.Arbitrary<string | undefined>
          >,
        ),
        fc.constantFrom('add' as const, 'edit' as const),
        (raw, mode) => {
          const result = validateTenantInput(raw, mode);
          if (result.ok) {
            expect(result.value.name.length).toBeGreaterThan(0);
            expect(result.value.name.length).toBeLessThanOrEqual(64);
            expect(result.value.environmentId).toMatch(/^[0-9a-f-]{36}$/);
            expect(result.value.clientId).toMatch(/^[0-9a-f-]{36}$/);
            return;
          }
          for (const [field, message] of Object.entries(result.errors)) {
            expect(fields).toContain(field);
            expect(typeof message).toBe('string');
            expect(message.length).toBeGreaterThan(10);
            expect(message.length).toBeLessThan(300);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
