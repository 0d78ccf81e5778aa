import { describe, expect, it } from 'vitest';
import { splitWords, unescapeSlackText } from '../../src/commands/command-line.js';
import { parseOptions } from '../../src/commands/command-options.js';

describe('splitting a slash command into words', () => {
  it.each([
    ['', []],
    ['   ', []],
    ['help', ['help']],
    ['list flows  --env   Staging', ['list', 'flows', '--env', 'Staging']],
    ['promote "Sign On Flow" --to Prod', ['promote', 'Sign On Flow', '--to', 'Prod']],
    ['promote \u201cSign On Flow\u201d --to Prod', ['promote', 'Sign On Flow', '--to', 'Prod']],
    ["envs --tenant 'Acme EU'", ['envs', '--tenant', 'Acme EU']],
    ['test\u00a0acme', ['test', 'acme']],
    ['audit <@U123|alice> <#C42|ops>', ['audit', '<@U123|alice>', '<#C42|ops>']],
    ['promote "" x', ['promote', 'x']],
  ])('%j → %j', (text, words) => {
    expect(splitWords(text)).toEqual(words);
  });

  it('keeps an unbalanced quote as part of a word rather than failing', () => {
    expect(splitWords('promote "Sign On')).toEqual(['promote', '"Sign', 'On']);
  });
});

describe('reading what Slack escaped', () => {
  it('undoes the escaping of &, < and > that Slack applies to command text', () => {
    expect(splitWords(unescapeSlackText('list flows --env "R&amp;D" a&lt;b&gt;c'))).toEqual([
      'list',
      'flows',
      '--env',
      'R&D',
      'a<b>c',
    ]);
    expect(unescapeSlackText('&amp;lt;')).toBe('&lt;');
  });
});

describe('a phrase option', () => {
  const spec = { values: ['from', 'to'], phrases: ['reason'] };

  it('takes every word up to the next option, so a sentence needs no quotes', () => {
    const parsed = parseOptions(
      splitWords('Sign On --reason CHG-1042 fix the consent text --from Staging --to Production'),
      spec,
    );
    expect(parsed).toEqual({
      positional: ['Sign', 'On'],
      values: { reason: 'CHG-1042 fix the consent text', from: 'Staging', to: 'Production' },
      flags: new Set(),
      problems: [],
    });
  });

  it('takes the rest of the line when it comes last, and says so when it has no words', () => {
    expect(parseOptions(['x', '--reason', 'a', 'b'], spec).values.reason).toBe('a b');
    expect(parseOptions(['x', '--reason', '--from', 'A'], spec).problems).toEqual(['--reason needs a value']);
    expect(parseOptions(['x', '--reason'], spec).problems).toEqual(['--reason needs a value']);
  });
});
