/**
 * Splits sub-command words into positional words and `--name value` / `--flag` options. Unknown
 * options and options missing their value are reported by name, never guessed at. A phrase option
 * (`--reason`) takes every word up to the next option, so a sentence needs no quotes.
 */
export interface ParsedOptions {
  positional: string[];
  values: Record<string, string>;
  flags: Set<string>;
  problems: string[];
}

export function parseOptions(
  words: string[],
  spec: { values?: string[]; flags?: string[]; phrases?: string[] },
): ParsedOptions {
  const parsed: ParsedOptions = { positional: [], values: {}, flags: new Set(), problems: [] };
  for (let i = 0; i < words.length; i++) {
    const word = words[i] ?? '';
    const option = optionName(word);
    if (!option) {
      parsed.positional.push(word);
      continue;
    }
    if (spec.flags?.includes(option)) parsed.flags.add(option);
    else if (spec.phrases?.includes(option)) {
      let end = i + 1;
      while (end < words.length && !isOption(words[end] ?? '')) end++;
      const phrase = words.slice(i + 1, end).join(' ');
      if (phrase.trim().length === 0) parsed.problems.push(`--${option} needs a value`);
      else parsed.values[option] = phrase;
      i = end - 1;
    } else if (spec.values?.includes(option)) {
      const value = words[i + 1];
      if (value === undefined || /^(--|\u2014|\u2013)/.test(value))
        parsed.problems.push(`--${option} needs a value`);
      else {
        parsed.values[option] = value;
        i++;
      }
    } else parsed.problems.push(`--${option} is not an option here`);
  }
  return parsed;
}

// Slack clients turn "--" into an em or en dash.
function optionName(word: string): string | undefined {
  return /^(?:--|\u2014|\u2013)([a-z][a-z-]*)$/i.exec(word)?.[1]?.toLowerCase();
}

function isOption(word: string): boolean {
  return optionName(word) !== undefined;
}

/**
 * `promote policy <DaVinci application>/<policy>`: the words after "policy", split at the first "/"
 * (a DaVinci application's name with a "/" in it is named by ID). Undefined when a flow is meant.
 */
export function policyAsked(
  asked: string,
  flags: ReadonlySet<string>,
):
  | { ok: true; policy: { application: string; policy: string } }
  | { ok: false; problem: string }
  | undefined {
  const words = /^policy\s+(.+)$/i.exec(asked.trim());
  if (!words?.[1])
    return asked.trim().toLowerCase() === 'policy' ? { ok: false, problem: nameIt } : undefined;
  const at = words[1].indexOf('/');
  const application = at < 0 ? '' : words[1].slice(0, at).trim();
  const policy = at < 0 ? '' : words[1].slice(at + 1).trim();
  if (!application || !policy) return { ok: false, problem: nameIt };
  if (flags.size > 0)
    return {
      ok: false,
      problem: '`promote policy` takes no `--as-new`, `--no-subflows`, `--saved` or `--with-policies`',
    };
  return { ok: true, policy: { application, policy } };
}

const nameIt = 'Name the flow policy as `<DaVinci application>/<policy>`, as `list policies` shows them';
