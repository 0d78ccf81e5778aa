import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, SocketModeReceiver } from '@slack/bolt';
import type { RetryOptions, WebClientOptions } from '@slack/web-api';
import type { Config } from '../config.js';
import type { CoreServices } from '../core/services.js';
import type { Logger } from '../logger.js';
import { boltLogger } from './bolt-logger.js';
import type { BotIdentity } from './bot-identity.js';
import { deduplicateDeliveries } from './deduplicate.js';
import { globalErrorHandler } from './error-handler.js';
import { createHttpServer, slackEventsPath } from './http-server.js';
import { InFlightWork } from './in-flight.js';
import { stateChangingActions } from './listeners/actions/index.js';
import type { SubcommandHandler } from './listeners/commands/flightiq.js';
import { registerListeners } from './listeners/index.js';

/**
 * Our Web API retry policy, always set explicitly: the default retries for about 30 minutes, and Socket
 * Mode silently rewrites an unset policy to 100 retries. A user waiting on a reply is better served by
 * a quick honest failure.
 */
export const webApiRetryPolicy: RetryOptions = { retries: 2, factor: 2, minTimeout: 500, maxTimeout: 5_000 };

export interface SlackAppOptions {
  config: Config;
  logger: Logger;
  identity: BotIdentity;
  services: CoreServices;
  checkDatabase: () => Promise<void>;
  /** Records a Slack delivery id; false when it was seen before (a repeat to drop). */
  firstDelivery: (deliveryId: string) => Promise<boolean>;
  /** Overrides for tests: the retry policy, and sub-command handlers. */
  retryConfig?: RetryOptions;
  handlers?: Record<string, SubcommandHandler>;
}

export interface SlackRuntime {
  mode: 'http' | 'socket';
  app: App;
  /** Starts receiving; resolves with the port of the HTTP server (health checks, and Slack in HTTP mode). */
  start(): Promise<{ port: number }>;
  /** Stops receiving, then waits up to `timeoutMs` for acknowledged work to finish. */
  stop(timeoutMs: number): Promise<void>;
}

export function webClientOptions(
  config: Config['slack'],
  retryConfig: RetryOptions,
  logger: Logger,
): WebClientOptions {
  return {
    ...(config.apiUrl ? { slackApiUrl: config.apiUrl } : {}),
    // Without it the SDK writes its warnings to the console as "[WARN] web-api:…", outside our log.
    logger: boltLogger(logger),
    retryConfig,
    timeout: 10_000,
  };
}

export function createSlackApp(options: SlackAppOptions): SlackRuntime {
  const { config, logger, identity } = options;
  const log = logger.child({ component: 'slack' });
  const clientOptions = webClientOptions(config.slack, options.retryConfig ?? webApiRetryPolicy, logger);
  const bolt = boltLogger(logger);
  const socketMode = Boolean(config.slack.appToken);

  const receiver =
    socketMode && config.slack.appToken
      ? new SocketModeReceiver({
          appToken: config.slack.appToken,
          logger: bolt,
          installerOptions: { clientOptions },
        })
      : new HTTPReceiver({
          signingSecret: config.slack.signingSecret ?? '',
          endpoints: [slackEventsPath],
          logger: bolt,
        });

  const app = new App({
    token: config.slack.botToken,
    // Known up front (fetchBotIdentity), so Bolt makes no auth.test call of its own at construction.
    botId: identity.botId,
    botUserId: identity.botUserId,
    receiver,
    logger: bolt,
    clientOptions,
    convoStore: false,
    extendedErrorHandler: true,
  });

  const inFlight = new InFlightWork();
  app.use(async ({ next }) => {
    await inFlight.track(next());
  });
  app.use(
    deduplicateDeliveries(options.firstDelivery, log, {
      changesState: (actionId) => stateChangingActions.has(actionId),
    }),
  );
  registerListeners(app, {
    firstDelivery: options.firstDelivery,
    logger: log,
    services: options.services,
    handlers: options.handlers ?? {},
    workspaceUrl: identity.workspaceUrl,
  });
  app.error(globalErrorHandler(log));

  if (receiver instanceof SocketModeReceiver) {
    receiver.client.on('connected', () => log.info('Socket Mode connected'));
    receiver.client.on('reconnecting', () => log.warn('Socket Mode reconnecting'));
    receiver.client.on('disconnected', () => log.warn('Socket Mode disconnected'));
  }

  const server: Server = createHttpServer({
    ...(receiver instanceof HTTPReceiver ? { receiver } : {}),
    checkDatabase: options.checkDatabase,
    logger: log,
  });

  return {
    mode: socketMode ? 'socket' : 'http',
    app,
    async start() {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, () => {
          server.off('error', reject);
          resolve();
        });
      });
      const { port } = server.address() as AddressInfo;
      if (receiver instanceof SocketModeReceiver) await app.start();
      log.info({ mode: socketMode ? 'socket' : 'http', port }, 'FlightIQ is listening');
      return { port };
    },
    async stop(timeoutMs) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (receiver instanceof SocketModeReceiver) await app.stop();
      const { unfinished } = await inFlight.drain(timeoutMs);
      if (unfinished > 0) log.warn({ unfinished }, 'stopped with work still running');
      server.closeAllConnections();
      await closed;
    },
  };
}
