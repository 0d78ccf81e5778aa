import type { KnownBlock } from '@slack/types';
import type { AuditEvent } from '../../store/audit-events.js';
import { escapedShort, escapeMrkdwn, packLines, slackDate } from './mrkdwn.js';

export const auditActions = { csv: 'audit_csv' } as const;

const outcomeMarks: Record<AuditEvent['outcome'], string> = {
  succeeded: ':white_check_mark:',
  refused: ':no_entry_sign:',
  failed: ':x:',
};

export function auditMessage(events: readonly AuditEvent[]): { text: string; blocks: KnownBlock[] } {
  const lines = events.map((event) => {
    const details =
      event.details && Object.keys(event.details).length > 0
        ? `  ·  ${escapedShort(JSON.stringify(event.details), 200)}`
        : '';
    return `${outcomeMarks[event.outcome]} ${slackDate(event.occurredAt)}  <@${event.actorId}>  \`${escapeMrkdwn(event.action)}\`${event.tenant ? `  ·  ${escapeMrkdwn(event.tenant)}` : ''}  ·  ${event.outcome}${details}`;
  });
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: `Audit trail: latest ${events.length}` } },
  ];
  if (lines.length === 0)
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: 'Nothing recorded yet.' } });
  for (const text of packLines(lines).slice(0, 45))
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text } });
  blocks.push({
    type: 'actions',
    block_id: 'audit_actions',
    elements: [
      {
        type: 'button',
        action_id: auditActions.csv,
        text: { type: 'plain_text', text: 'Download CSV' },
        value: 'latest',
      },
    ],
  });
  return { text: `Audit trail: latest ${events.length}`, blocks };
}
