import type { KnownBlock } from '@slack/types';
import { type SubcommandInfo, slashCommand } from '../../commands/subcommands.js';
import { shorten } from './mrkdwn.js';

export interface HelpMessage {
  text: string;
  blocks: KnownBlock[];
}

/** The usage message: every sub-command, marking those this version cannot run yet. */
export function helpMessage(subcommands: readonly SubcommandInfo[], intro?: string): HelpMessage {
  const lines = subcommands.map(
    (sub) =>
      `\`${slashCommand} ${sub.usage}\`\n${sub.summary}${sub.available ? '' : ' _Not available in this version yet._'}`,
  );
  return {
    text: intro === undefined ? `${slashCommand} commands` : shorten(intro, 3000),
    blocks: [
      // The introduction can quote what people typed: it must never push the message past Slack's limits.
      ...(intro
        ? [{ type: 'section', text: { type: 'mrkdwn', text: shorten(intro, 3000) } } satisfies KnownBlock]
        : []),
      { type: 'header', text: { type: 'plain_text', text: 'FlightIQ commands' } },
      { type: 'section', text: { type: 'mrkdwn', text: lines.join('\n\n') } },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: '`<env>` is an environment name or ID. `<tenant>` can be left out when only one tenant exists.',
          },
        ],
      },
    ],
  };
}

/** Answer to a sub-command the product has but this version cannot run yet. */
export function notAvailableMessage(sub: SubcommandInfo): HelpMessage {
  const text = `\`${slashCommand} ${sub.name}\` is not available in this version of FlightIQ yet.`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}
