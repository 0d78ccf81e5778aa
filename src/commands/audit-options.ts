import type { AuditFilter, AuditOutcome } from '../store/audit-events.js';
import { auditOutcomes } from '../store/audit-events.js';
import { parseOptions } from './command-options.js';

/** What `audit [<count>] [--action <a>] [--outcome <o>] [--since <age>] [--until <age>]` asks for. */
export interface AuditRequest {
  count: number;
  filter: AuditFilter;
}

export const auditUsage =
  'audit [<count>] [--action <action>] [--outcome succeeded|refused|failed] [--since <age>] [--until <age>]';

const ageUnits: Record<string, number> = { m: 60, h: 3600, d: 86_400 };

/** An age such as `30m`, `24h` or `7d`, in seconds; undefined when it is not one. */
function ageSeconds(text: string): number | undefined {
  const match = /^(\d{1,5})([mhd])$/i.exec(text.trim());
  if (!match) return undefined;
  const seconds = Number(match[1]) * (ageUnits[(match[2] ?? '').toLowerCase()] ?? 0);
  return seconds > 0 ? seconds : undefined;
}

/**
 * Reads the words after `audit`. A problem is a sentence naming what is wrong, for the person who typed
 * it; the same reading serves Slack, the console and the CSV button.
 */
export function parseAuditRequest(
  words: readonly string[],
  { defaultCount, maxCount }: { defaultCount: number; maxCount: number },
): { ok: true; request: AuditRequest } | { ok: false; problem: string } {
  const parsed = parseOptions([...words], { values: ['action', 'outcome', 'since', 'until'] });
  const [countWord, ...extra] = parsed.positional;
  if (parsed.problems.length > 0) return { ok: false, problem: `${parsed.problems.join('; ')}.` };
  if (extra.length > 0)
    return { ok: false, problem: `"${extra.join(' ')}" is not part of the audit command.` };
  const count = countWord === undefined ? defaultCount : Number(countWord);
  if (!Number.isInteger(count) || count < 1 || count > maxCount)
    return {
      ok: false,
      problem: `<count> is a whole number from 1 to ${maxCount} (default ${defaultCount}).`,
    };
  const filter: AuditFilter = {};
  const { action, outcome, since, until } = parsed.values;
  if (action !== undefined) {
    if (!/^[a-z][a-z_.-]{0,79}$/i.test(action))
      return {
        ok: false,
        problem: '--action takes an action such as promotion.approve, or a family such as promotion.',
      };
    filter.action = action.toLowerCase().replace(/\.$/, '');
  }
  if (outcome !== undefined) {
    const known = auditOutcomes.find((o) => o === outcome.toLowerCase());
    if (!known) return { ok: false, problem: `--outcome is one of ${auditOutcomes.join(', ')}.` };
    filter.outcome = known satisfies AuditOutcome;
  }
  for (const [name, text] of [
    ['since', since],
    ['until', until],
  ] as const) {
    if (text === undefined) continue;
    const seconds = ageSeconds(text);
    if (seconds === undefined)
      return { ok: false, problem: `--${name} takes an age such as 30m, 24h or 7d (how long ago).` };
    if (name === 'since') filter.sinceSeconds = seconds;
    else filter.untilSeconds = seconds;
  }
  if (
    filter.sinceSeconds !== undefined &&
    filter.untilSeconds !== undefined &&
    filter.untilSeconds >= filter.sinceSeconds
  )
    return {
      ok: false,
      problem: '--until must be a shorter age than --since (for example --since 7d --until 1d).',
    };
  return { ok: true, request: { count, filter } };
}

/** The filter in words, for a heading: "promotion… · refused · from 7d ago to 1d ago"; empty when none. */
export function auditFilterText(filter: AuditFilter): string {
  const parts: string[] = [];
  if (filter.action) parts.push(`action ${filter.action}`);
  if (filter.outcome) parts.push(filter.outcome);
  if (filter.sinceSeconds !== undefined) parts.push(`since ${ageText(filter.sinceSeconds)} ago`);
  if (filter.untilSeconds !== undefined) parts.push(`until ${ageText(filter.untilSeconds)} ago`);
  return parts.join(' · ');
}

function ageText(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400}d`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  return `${Math.round(seconds / 60)}m`;
}

/** The filter as words `parseAuditRequest` reads back: how the CSV button carries the filter it was shown with. */
export function auditFilterWords(filter: AuditFilter): string[] {
  const words: string[] = [];
  if (filter.action) words.push('--action', filter.action);
  if (filter.outcome) words.push('--outcome', filter.outcome);
  if (filter.sinceSeconds !== undefined) words.push('--since', ageText(filter.sinceSeconds));
  if (filter.untilSeconds !== undefined) words.push('--until', ageText(filter.untilSeconds));
  return words;
}
