import { parseOptions } from '../../../commands/command-options.js';
import { notice } from '../../views/notices.js';
import type { SubcommandRequest } from './flightiq.js';

/**
 * How a sub-command that works for a while opens. Wrong words are answered in the acknowledgement,
 * with what is wrong and the usage, and the command goes no further; right ones get a sign of life
 * at once (Slack waits 3 s at most), which the answer then replaces. True when the command goes on.
 */
export async function openCommand(
  request: SubcommandRequest,
  { problems, usage, working }: { problems: readonly string[]; usage: string; working: string },
): Promise<boolean> {
  if (problems.length > 0) {
    await request.ack(
      { response_type: 'ephemeral', ...notice(`${problems.join('. ')}. Usage: ${usage}.`) },
      { final: true },
    );
    return false;
  }
  await request.ack({ response_type: 'ephemeral', ...notice(`:hourglass_flowing_sand: ${working}`) });
  return true;
}

/** Replaces the sign of life with the answer, seen by the person who typed the command only. */
export function answerWith(request: SubcommandRequest) {
  return (message: { text: string; blocks?: unknown[] }) =>
    request.respond({ response_type: 'ephemeral', replace_original: true, ...(message as { text: string }) });
}

/**
 * `<flow> --from <env> --to <env> [--tenant <t>]` and the flags named, as `promote` and `diff` take
 * them, with what is missing in words (`doing`: "promote").
 */
export function flowPairArgs(
  args: string[],
  doing: string,
  flags: readonly string[],
  phrases: readonly string[] = [],
) {
  const options = parseOptions(args, {
    values: ['from', 'to', 'tenant'],
    flags: [...flags],
    phrases: [...phrases],
  });
  const flow = options.positional.join(' ').trim();
  const { from, to, tenant } = options.values;
  const problems = [...options.problems];
  if (!flow) problems.push(`Name the flow to ${doing}`);
  if (!from) problems.push('Say where from with `--from <env>`');
  if (!to) problems.push('Say where to with `--to <env>`');
  // With problems the command goes no further, so the empty environments are never used.
  return {
    flow,
    from: from ?? '',
    to: to ?? '',
    tenant,
    flags: options.flags,
    values: options.values,
    problems,
  };
}
