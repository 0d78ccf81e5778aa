import type { KnownBlock } from '@slack/types';
import { slashCommand } from '../../commands/subcommands.js';
import type { EnvironmentMatch } from '../../core/environment-match.js';
import type { EnvironmentSummary } from '../../core/environments.js';
import { daysText, expiryOf } from '../../core/expiry.js';
import {
  type ArtifactKind,
  type ArtifactRow,
  type Cell,
  type Column,
  kindNoun,
} from '../../core/listing/artifact-kinds.js';
import type { ListPage } from '../../core/listing/artifact-listing.js';
import { escapedShort, escapeMrkdwn, packLines, shorten, slackDate } from './mrkdwn.js';

/** Items per message. At most ~300 characters a line, 50 lines fill a handful of sections. */
export const listPageSize = 50;

export const listActions = {
  previous: 'list_page_previous',
  next: 'list_page_next',
  csv: 'list_csv',
} as const;

/** What a paging button carries: which stored list and which page. Who clicks is checked on the server. */
export interface PageButtonValue {
  s: string;
  p: number;
}

const sectionLimit = 3000;
const nameLimit = 80;
const cellLimit = 60;
export function artifactListMessage(list: ListPage): { text: string; blocks: KnownBlock[] } {
  const { snapshot, kind, rows, shownAt: now } = list;
  const env = escapeMrkdwn(snapshot.environmentName);
  const blocks: KnownBlock[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: shorten(`${kind.title} in ${snapshot.environmentName}`, 150) },
    },
    { type: 'context', elements: [{ type: 'mrkdwn', text: summaryLine(list) }] },
  ];
  if (rows.length === 0) {
    const matching = snapshot.filter ? ` matching "${escapedShort(snapshot.filter, 200)}"` : '';
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `No ${kindNoun(kind)} in *${env}*${matching}.` },
    });
  }
  for (const text of packLines(rows.map((row) => line(kind, row, now)))) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text } });
  }
  if (snapshot.truncated) {
    blocks.push({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: ':warning: PingOne had more pages than FlightIQ reads in one listing; this list is not complete.',
        },
      ],
    });
  }
  if (snapshot.leftOut > 0) {
    blocks.push({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `:warning: ${snapshot.leftOut.toLocaleString('en-US')} more matched than FlightIQ keeps for one list; add filter words to narrow it.`,
        },
      ],
    });
  }
  const buttons = navigation(list);
  if (buttons.length > 0) blocks.push({ type: 'actions', block_id: 'list_navigation', elements: buttons });
  return {
    text: `${snapshot.total} ${kindNoun(kind)} in ${escapeMrkdwn(snapshot.environmentName)}`,
    blocks,
  };
}

function summaryLine({ snapshot, page, pageCount }: ListPage): string {
  const parts = [
    `Tenant *${escapeMrkdwn(snapshot.tenantName)}*`,
    `${snapshot.total.toLocaleString('en-US')} item${snapshot.total === 1 ? '' : 's'}`,
  ];
  if (snapshot.filter) parts.push(`matching "${escapedShort(snapshot.filter, 200)}"`);
  if (pageCount > 1) parts.push(`page ${page + 1} of ${pageCount}`);
  parts.push(`read ${slackDate(snapshot.createdAt)}`);
  return parts.join('  ·  ');
}

function navigation({ snapshot, page, pageCount }: ListPage) {
  const value = (p: number) => JSON.stringify({ s: snapshot.id, p } satisfies PageButtonValue);
  const buttons = [];
  if (page > 0) {
    buttons.push({
      type: 'button' as const,
      action_id: listActions.previous,
      text: { type: 'plain_text' as const, text: '◀ Previous' },
      value: value(page - 1),
    });
  }
  if (page < pageCount - 1) {
    buttons.push({
      type: 'button' as const,
      action_id: listActions.next,
      text: { type: 'plain_text' as const, text: 'Next ▶' },
      value: value(page + 1),
    });
  }
  if (snapshot.total > 0) {
    buttons.push({
      type: 'button' as const,
      action_id: listActions.csv,
      text: { type: 'plain_text' as const, text: 'Download CSV' },
      value: snapshot.id,
    });
  }
  return buttons;
}

function line(kind: ArtifactKind, row: ArtifactRow, now: Date): string {
  const name = row.cells.name;
  const parts = [`*${escapedShort(typeof name === 'string' ? name : row.id, nameLimit)}*`];
  for (const column of kind.columns) {
    if (column.csvOnly || column.key === 'name') continue;
    const shown = cellText(column, row.cells[column.key], now);
    if (shown) parts.push(shown);
  }
  return parts.join('  ·  ');
}

function cellText(column: Column, cell: Cell | undefined, now: Date): string | undefined {
  const label = column.title.toLowerCase();
  if (cell === null || cell === undefined) return column.empty;
  if (Array.isArray(cell))
    return cell.length > 0 ? `${label} ${escapedShort(cell.join(', '), cellLimit)}` : undefined;
  if (typeof cell === 'object') return `${label} _${escapeMrkdwn(cell.withheld)}, not shown_`;
  if (typeof cell === 'boolean')
    return column.labels ? column.labels[cell ? 0 : 1] : `${label} ${cell ? 'yes' : 'no'}`;
  if (column.format === 'date' || column.format === 'expiry') return dateText(column, String(cell), now);
  return `${label} ${escapedShort(String(cell), cellLimit)}`;
}

function dateText(column: Column, iso: string, now: Date): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return `${column.title.toLowerCase()} ${escapedShort(iso, cellLimit)}`;
  if (column.format === 'date') return `${column.title.toLowerCase()} ${slackDate(at)}`;
  const expiry = expiryOf(at, now);
  if (expiry.state === 'expired') return `:x: *expired* ${slackDate(at)}`;
  if (expiry.state === 'expiring')
    return `:warning: *expires ${slackDate(at)}* (in ${daysText(expiry.days)})`;
  return `expires ${slackDate(at)}`;
}

export function environmentNotMatchedMessage(match: Extract<EnvironmentMatch, { ok: false }>) {
  const asked = escapedShort(match.asked, 100);
  const shown = match.candidates.slice(0, 25);
  const names = shown.map((env) => `• *${escapeMrkdwn(env.name)}* (${escapeMrkdwn(env.type)}) \`${env.id}\``);
  if (match.candidates.length > shown.length)
    names.push(`…and ${match.candidates.length - shown.length} more`);
  const intro =
    match.reason === 'ambiguous'
      ? `"${asked}" could mean more than one environment. Type more of the name, or the ID:`
      : match.candidates.length > 0
        ? `The worker app sees no environment named "${asked}". It sees:`
        : `The worker app sees no environment named "${asked}", and no environments at all: its roles cover none.`;
  const text = [intro, ...names].join('\n');
  return {
    text: intro,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: shorten(text, sectionLimit) } },
    ] as KnownBlock[],
  };
}

export function noDavinciMessage(environment: EnvironmentSummary, kind: ArtifactKind) {
  const text = `:information_source: *${escapeMrkdwn(environment.name)}* has no DaVinci, so it has no ${kindNoun(kind)}. Add DaVinci to the environment in PingOne, or list another environment (\`${slashCommand} envs\` shows which have it).`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] as KnownBlock[] };
}
