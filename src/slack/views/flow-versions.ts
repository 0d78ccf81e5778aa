import type { KnownBlock } from '@slack/types';
import type { FlowVersionLine, FlowVersions } from '../../core/davinci/flow-versions.js';
import { escapedShort, escapeMrkdwn, packLines, shorten, slackDate } from './mrkdwn.js';

/** Sections the versions may use besides the header and footer (Slack takes 50 blocks in a message). */
const maxSections = 45;

/**
 * `/flightiq versions`: a flow's versions, newest first: which runs and which is the latest saved, the
 * alias, when each was saved and deployed, and the promotion that wrote it, where FlightIQ did.
 */
export function flowVersionsMessage(history: FlowVersions): { text: string; blocks: KnownBlock[] } {
  const { flow, environment, versions } = history;
  const deployed = flow.publishedVersion === null ? 'none deployed' : `v${flow.publishedVersion} deployed`;
  const draft =
    flow.currentVersion !== null && flow.currentVersion !== flow.publishedVersion
      ? `, v${flow.currentVersion} saved and not deployed`
      : '';
  const summary = `*${escapedShort(flow.name, 150)}* in *${escapeMrkdwn(environment.name)}*: ${versions.length} version${versions.length === 1 ? '' : 's'}, ${deployed}${draft}`;
  const sections = packLines(versions.map(versionLine));
  const shown = sections.slice(0, maxSections);
  const footer = [
    `Flow ID \`${flow.id}\`. Aliases are PingOne's; "written by FlightIQ" comes from FlightIQ's own record of its promotions.`,
    ...(shown.length < sections.length ? ['The oldest versions did not fit in one message.'] : []),
  ];
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `:card_index_dividers: ${summary}.` } },
    ...shown.map((text): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text } })),
    { type: 'context', elements: [{ type: 'mrkdwn', text: footer.join(' ') }] },
  ];
  return { text: shorten(`${summary.replace(/\*/g, '')}.`, 3000), blocks };
}

function versionLine(line: FlowVersionLine): string {
  const marks = [line.live ? ':rocket: deployed' : '', line.current && !line.live ? 'latest saved' : '']
    .filter(Boolean)
    .join(', ');
  const parts = [
    `• *v${line.version}*${marks ? ` (${marks})` : ''}`,
    line.alias ? `"${escapedShort(line.alias, 120)}"` : '',
    line.savedAt ? `saved ${slackDate(line.savedAt)}` : '',
    line.deployedAt ? `deployed ${slackDate(line.deployedAt)}` : '',
    line.writtenBy ? writtenText(line.writtenBy) : '',
  ].filter(Boolean);
  return parts.join(' · ');
}

function writtenText(by: NonNullable<FlowVersionLine['writtenBy']>): string {
  const id = `\`${by.promotionId.slice(0, 8)}\``;
  if (by.action === 'restore') return `put back by FlightIQ, rollback of promotion ${id}`;
  if (by.action === 'revert') return `reverted by FlightIQ, promotion ${id}`;
  return `written by FlightIQ, promotion ${id} from ${escapedShort(by.fromEnvName, 80)}`;
}
