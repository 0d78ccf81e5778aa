import { describe, expect, it } from 'vitest';
import { splitWords, unescapeSlackText } from '../../src/commands/command-line.js';

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
