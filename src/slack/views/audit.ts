import type { KnownBlock } from '@slack/types';
import { auditFilterText, auditFilterWords } from '../../commands/audit-options.js';
import { type AuditEvent, type AuditFilter, refusalsSummaryAction } from '../../core/audit-trail.js';
import { escapedShort, escapeMrkdwn, packLines, slackDate } from './mrkdwn.js';

export const auditActions = { csv: 'audit_csv' } as const;

const outcomeMarks: Record<AuditEvent['outcome'], string> = {
  succeeded: ':white_check_mark:',
  refused: ':no_entry_sign:',
  failed: ':x:',
};

/** A person's refusals in an hour past those listed, counted by action: one line instead of hundreds. */
function summaryLine(event: AuditEvent): string {
  const details = event.details as { notListed?: number; byAction?: Record<string, number> };
  const byAction = Object.entries(details.byAction ?? {})
    .sort(([, a], [, b]) => b - a)
    .slice(0, 8)
    .map(([action, count]) => `\`${escapeMrkdwn(action)}\` ×${count}`)
    .join(', ');
  return `${outcomeMarks.refused} ${slackDate(event.occurredAt)}  <@${event.actorId}>  ${details.notListed ?? 0} more refusals in that hour, counted but not listed one by one${byAction ? `  ·  ${byAction}` : ''}`;
}

export function auditMessage(
  events: readonly AuditEvent[],
  filter: AuditFilter = {},
): { text: string; blocks: KnownBlock[] } {
  const lines = events.map((event) => {
    if (event.id === null && event.action === refusalsSummaryAction) return summaryLine(event);
    const details =
      event.details && Object.keys(event.details).length > 0
        ? `  ·  ${escapedShort(JSON.stringify(event.details), 200)}`
        : '';
    return `${outcomeMarks[event.outcome]} ${slackDate(event.occurredAt)}  <@${event.actorId}>  \`${escapeMrkdwn(event.action)}\`${event.tenant ? `  ·  ${escapeMrkdwn(event.tenant)}` : ''}  ·  ${event.outcome}${details}`;
  });
  const filtered = auditFilterText(filter);
  const heading = `Audit trail: latest ${events.length}`;
  const blocks: KnownBlock[] = [{ type: 'header', text: { type: 'plain_text', text: heading } }];
  if (filtered)
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `Only ${escapeMrkdwn(filtered)}` }] });
  if (lines.length === 0)
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: filtered ? 'Nothing recorded matches.' : 'Nothing recorded yet.' },
    });
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
        value: auditFilterWords(filter).join(' ') || 'latest',
      },
    ],
  });
  return { text: filtered ? `${heading} (${filtered})` : heading, blocks };
}
