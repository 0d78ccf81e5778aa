import { parseOptions } from './command-options.js';

/**
 * The tenant a command names: `test Acme` and `test --tenant Acme` alike, because every "which
 * tenant?" answer tells people to add `--tenant <name>`. Undefined when none is named.
 */
export function tenantArgument(
  words: readonly string[],
): { ok: true; name: string | undefined } | { ok: false; problem: string } {
  const parsed = parseOptions([...words], { values: ['tenant'] });
  if (parsed.problems.length > 0) return { ok: false, problem: `${parsed.problems.join('; ')}.` };
  const typed = parsed.positional.join(' ').trim();
  const option = parsed.values.tenant?.trim();
  if (typed && option)
    return { ok: false, problem: `Name the tenant once: "${typed}" or --tenant "${option}", not both.` };
  return { ok: true, name: option || typed || undefined };
}
