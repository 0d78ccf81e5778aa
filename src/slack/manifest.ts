import type { AppsManifestCreateArguments } from '@slack/web-api';
import { subcommandCatalog } from '../commands/subcommands.js';

/** @slack/web-api's manifest type, as apps.manifest.create takes it. */
export type Manifest = AppsManifestCreateArguments['manifest'];

/**
 * The Slack app manifest, as data typed by @slack/web-api: `manifest.yml` (Socket Mode) is this with
 * comments, and `npm run manifest -- --url https://…` prints the HTTP-mode one, where Slack sends
 * commands, events and interactions to the app's public URL and verifies it before saving.
 */
export type ManifestMode = { mode: 'socket' } | { mode: 'http'; url: string };

export const botScopes = [
  'commands',
  'chat:write',
  'users:read',
  'usergroups:read',
  'im:write',
  'files:write',
] as const;

export function appManifest(options: ManifestMode): Manifest {
  const url = options.mode === 'http' ? options.url : undefined;
  return {
    _metadata: { major_version: 1, minor_version: 1 },
    display_information: {
      name: 'FlightIQ',
      description: 'Keep PingOne DaVinci configuration under control from Slack.',
      background_color: '#1d3557',
    },
    features: {
      app_home: { home_tab_enabled: true, messages_tab_enabled: true, messages_tab_read_only_enabled: true },
      bot_user: { display_name: 'flightiq', always_online: true },
      slash_commands: [
        {
          command: '/flightiq',
          description: 'Test PingOne credentials, list DaVinci artifacts, promote flows',
          // Every sub-command, from the catalog help lists, so a new one cannot be left out.
          usage_hint: subcommandCatalog.map((sub) => sub.name).join(' | '),
          should_escape: true,
          ...(url ? { url } : {}),
        },
      ],
    },
    oauth_config: { scopes: { bot: [...botScopes] } },
    settings: {
      event_subscriptions: { ...(url ? { request_url: url } : {}), bot_events: ['app_home_opened'] },
      interactivity: { is_enabled: true, ...(url ? { request_url: url } : {}) },
      org_deploy_enabled: false,
      socket_mode_enabled: options.mode === 'socket',
      token_rotation_enabled: false,
    },
  };
}

/** The URL Slack posts to in HTTP mode: the receiver's one path, over https. */
export function slackEventsUrl(base: string): string {
  const url = new URL(base);
  if (url.protocol !== 'https:')
    throw new Error(`Slack only sends to https URLs; got ${url.protocol}//${url.host}`);
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/slack/events';
  return url.toString();
}
