import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv } from 'ajv';
import { createGenerator } from 'ts-json-schema-generator';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createLogger } from '../../src/logger.js';
import { registerListeners } from '../../src/slack/listeners/index.js';
import { appManifest, slackEventsUrl } from '../../src/slack/manifest.js';

interface Manifest {
  features: {
    slash_commands: { command: string; should_escape?: boolean }[];
    app_home?: { home_tab_enabled?: boolean };
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    event_subscriptions?: { bot_events?: string[] };
    interactivity?: { is_enabled?: boolean };
    socket_mode_enabled?: boolean;
  };
}

const manifest = parse(readFileSync(resolve(import.meta.dirname, '../../manifest.yml'), 'utf8')) as Manifest;

/** Registers the app's real listeners on a recorder instead of Bolt, to see what the code handles. */
function registered() {
  const seen = { commands: [] as string[], events: [] as string[], actions: 0, views: 0 };
  registerListeners(
    {
      command: ((name: string) => seen.commands.push(name)) as never,
      event: ((name: string) => seen.events.push(name)) as never,
      action: (() => seen.actions++) as never,
      view: (() => seen.views++) as never,
    },
    // Registration only wires handlers; no service is called.
    { logger: createLogger({ level: 'silent', pretty: false }), services: {} as never },
  );
  return seen;
}

describe('manifest.yml against the code', () => {
  it('declares exactly the slash commands the code registers', () => {
    expect(manifest.features.slash_commands.map((c) => c.command).sort()).toEqual(
      registered().commands.sort(),
    );
  });

  it('subscribes to exactly the events the code handles', () => {
    expect([...(manifest.settings.event_subscriptions?.bot_events ?? [])].sort()).toEqual(
      registered().events.sort(),
    );
  });

  it('enables the App Home tab that app_home_opened publishes to', () => {
    expect(registered().events).toContain('app_home_opened');
    expect(manifest.features.app_home?.home_tab_enabled).toBe(true);
  });

  it('turns on interactivity, Socket Mode and escaping of mentions in commands', () => {
    expect(manifest.settings.interactivity?.is_enabled).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(true);
    expect(manifest.features.slash_commands.every((c) => c.should_escape === true)).toBe(true);
  });

  it('asks only for the bot scopes this version uses', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([
      'chat:write',
      'commands',
      'files:write',
      'im:write',
      'usergroups:read',
      'users:read',
    ]);
  });
});

describe('the manifests, against the manifest type of @slack/web-api', () => {
  // The type apps.manifest.create takes, as a JSON schema: nested objects allow only the fields the type
  // names, so a key Slack does not know (a slash command's `request_url`) is an error, not ignored.
  const schema = createGenerator({
    path: resolve(import.meta.dirname, '../../node_modules/@slack/web-api/dist/types/request/manifest.d.ts'),
    type: 'Manifest',
    skipTypeCheck: true,
    expose: 'all',
  }).createSchema('Manifest');
  const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
  const problems = (candidate: unknown) =>
    validate(candidate)
      ? []
      : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);

  it('manifest.yml is the Socket Mode manifest the code builds', () => {
    expect(manifest).toEqual(appManifest({ mode: 'socket' }));
    expect(problems(manifest)).toEqual([]);
  });

  it('the HTTP-mode manifest sends commands, events and interactions to the app, and is valid', () => {
    const url = slackEventsUrl('https://flightiq.example.com');
    const http = appManifest({ mode: 'http', url });
    expect(problems(http)).toEqual([]);
    expect(url).toBe('https://flightiq.example.com/slack/events');
    expect(http.features?.slash_commands?.[0]?.url).toBe(url);
    expect(http.settings?.event_subscriptions?.request_url).toBe(url);
    expect(http.settings?.interactivity?.request_url).toBe(url);
    expect(http.settings?.socket_mode_enabled).toBe(false);
  });

  it('would catch the mistake the README once taught: request_url on a slash command', () => {
    const wrong = structuredClone(appManifest({ mode: 'socket' })) as unknown as {
      features: { slash_commands: Record<string, unknown>[] };
    };
    (wrong.features.slash_commands[0] as Record<string, unknown>).request_url =
      'https://flightiq.example.com/slack/events';
    expect(problems(wrong).join('\n')).toContain('must NOT have additional properties');
  });

  it('takes only https URLs for HTTP mode', () => {
    expect(() => slackEventsUrl('http://flightiq.example.com')).toThrow('Slack only sends to https URLs');
  });
});
