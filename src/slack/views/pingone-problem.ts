import type { KnownBlock } from '@slack/types';
import type { Problem } from '../../core/problem.js';
import { problemHeadline } from '../../core/problem-headlines.js';
import { escapeMrkdwn, shorten } from './mrkdwn.js';

export function problemBlocks(problem: Problem): KnownBlock[] {
  const checks = problem.checks.map((check) => `• ${check}`).join('\n');
  return [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: shorten(`:x: *${problemHeadline(problem.code)}.* ${escapeMrkdwn(problem.message)}`, 3000),
      },
    },
    ...(checks
      ? [{ type: 'section', text: { type: 'mrkdwn', text: `*Check:*\n${checks}` } } satisfies KnownBlock]
      : []),
    ...(problem.correlationId
      ? [
          {
            type: 'context',
            elements: [
              {
                type: 'mrkdwn',
                text: `PingOne correlation ID \`${escapeMrkdwn(problem.correlationId)}\` (for Ping support)`,
              },
            ],
          } satisfies KnownBlock,
        ]
      : []),
  ];
}

export function problemMessage(problem: Problem): { text: string; blocks: KnownBlock[] } {
  return { text: `${problemHeadline(problem.code)}.`, blocks: problemBlocks(problem) };
}
