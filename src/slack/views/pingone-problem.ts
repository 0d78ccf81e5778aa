import type { KnownBlock } from '@slack/types';
import type { Problem } from '../../core/problem.js';
import { problemHeadline, problemLead } from '../../core/problem-headlines.js';
import { escapeMrkdwn, shorten } from './mrkdwn.js';

export function problemBlocks(problem: Problem): KnownBlock[] {
  const { headline, message } = problemLead(problem);
  const lead = headline ? `*${headline}.* ${escapeMrkdwn(message)}` : escapeMrkdwn(message);
  const checks = problem.checks.map((check) => `• ${check}`).join('\n');
  return [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: shorten(`:x: ${lead}`, 3000),
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
