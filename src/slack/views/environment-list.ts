import type { KnownBlock } from '@slack/types';
import type { EnvironmentSummary } from '../../core/environments.js';
import { escapeMrkdwn, shorten } from './mrkdwn.js';

// Ten environments a section (fields hold ten at most), four sections kept well inside the 50-block limit.
const perSection = 10;
const maxShown = 400;

export function environmentListMessage(
  tenant: string,
  environments: EnvironmentSummary[],
  truncated: boolean,
) {
  const shown = environments.slice(0, maxShown);
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: `Environments of ${tenant}`.slice(0, 150) } },
  ];
  if (shown.length === 0) {
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: "The worker app sees no environments: its roles cover none. Add roles on the app's Roles tab in PingOne.",
      },
    });
  }
  for (let i = 0; i < shown.length; i += perSection) {
    const lines = shown
      .slice(i, i + perSection)
      .map(
        (env) =>
          `*${escapeMrkdwn(env.name)}*  ${env.type === 'PRODUCTION' ? ':large_orange_circle: PRODUCTION' : escapeMrkdwn(env.type)}  ·  ${escapeMrkdwn(env.region)}${env.hasDavinci === false ? '  ·  no DaVinci' : ''}\n\`${env.id}\``,
      );
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: shorten(lines.join('\n'), 3000) } });
  }
  const hidden = environments.length - shown.length;
  if (hidden > 0 || truncated) {
    blocks.push({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `${hidden > 0 ? `${hidden} more not shown. ` : ''}${truncated ? 'PingOne had more pages than FlightIQ reads at once.' : ''}`.trim(),
        },
      ],
    });
  }
  return { text: `${environments.length} environment(s) of ${escapeMrkdwn(tenant)}`, blocks };
}
