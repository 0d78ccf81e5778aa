/**
 * Splits the text of a slash command into words. Quotes group words (`promote "Sign On" --to Prod`);
 * Slack clients often turn straight quotes into curly ones, so both count. With `should_escape`, Slack
 * sends mentions as `<@U123|name>` and channels as `<#C123|name>`; those stay single words.
 */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  const pattern = /"([^"\u201c\u201d]*)"|\u201c([^\u201c\u201d]*)\u201d|'([^']*)'|(\S+)/g;
  for (const match of text.replace(/\u00a0/g, ' ').matchAll(pattern)) {
    const word = match[1] ?? match[2] ?? match[3] ?? match[4] ?? '';
    if (word.length > 0) words.push(word);
  }
  return words;
}

/**
 * Slack escapes `&`, `<` and `>` in the text of a slash command (`R&D` arrives as `R&amp;D`); the
 * words a person typed are read after undoing that. Mentions and channels Slack itself wrote (`<@U…>`)
 * carry real angle brackets and are left as they are.
 */
export function unescapeSlackText(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
