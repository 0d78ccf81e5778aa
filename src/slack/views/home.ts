import type { HomeView } from '@slack/types';
import type { SubcommandInfo } from '../subcommands.js';
import { helpMessage } from './help.js';

/** The App Home tab: what FlightIQ is and the commands it answers. */
export function homeView(subcommands: readonly SubcommandInfo[]): HomeView {
  return {
    type: 'home',
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: '*FlightIQ* keeps your PingOne DaVinci configuration under control from Slack: test worker-app credentials, list artifacts, and promote flows with an approval step.',
        },
      },
      { type: 'divider' },
      ...helpMessage(subcommands).blocks,
    ],
  };
}
