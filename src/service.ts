import { type RetryOptions, WebClient } from '@slack/web-api';
import type { Config } from './config.js';
import { configWarnings } from './config-warnings.js';
import type { Clock } from './core/clock.js';
import type { CoreServices } from './core/services.js';
import { loadOrCreateKeyFile } from './crypto/key-file.js';
import { type Database, openDatabase } from './db/database.js';
import { type CredentialChecks, startCredentialChecks } from './jobs/credential-checks.js';
import { startPromotionSweeper } from './jobs/promotion-sweeper.js';
import type { Logger } from './logger.js';
import { registerDatabaseGauges, startMetricsServer } from './metrics.js';
import { slackAlertNotifier } from './slack/alert-notifier.js';
import { createSlackApp, type SlackRuntime, webApiRetryPolicy, webClientOptions } from './slack/app.js';
import { fetchBotIdentity } from './slack/bot-identity.js';
import { ChannelPacer } from './slack/channel-pacer.js';
import { slackPromotionNotifier } from './slack/listeners/actions/promotion.js';
import type { SubcommandHandler } from './slack/listeners/commands/flightiq.js';
import { slackWorkspaceDirectory } from './slack/workspace-directory.js';
import { countPromotionsByStatus } from './store/promotions.js';
import { recordDelivery } from './store/slack-deliveries.js';
import { countFailingTenants } from './store/tenant-health.js';
import { createCoreServices } from './wiring.js';

export interface ServiceOptions {
  retryConfig?: RetryOptions;
  handlers?: Record<string, SubcommandHandler>;
  /** Background jobs: how often workers poll (seconds; tests use less), or none at all. */
  jobs?: { pollingIntervalSeconds?: number; disabled?: boolean };
  /** The time core decides by (the system's unless a test moves it). */
  clock?: Clock;
}

export interface RunningService {
  port: number;
  mode: SlackRuntime['mode'];
  database: Database;
  services: CoreServices;
  slack: SlackRuntime;
  /** Where `GET /metrics` is served. */
  metricsPort: number;
  /** Scheduled credential checks; absent when jobs are disabled. */
  credentialChecks: CredentialChecks | undefined;
  /** Stops receiving, lets acknowledged work finish (up to `timeoutMs`), closes the database. */
  stop(timeoutMs?: number): Promise<void>;
}

/** Starts one replica: checks the Slack token, opens and migrates the database, starts receiving. */
export async function startService(
  config: Config,
  logger: Logger,
  options: ServiceOptions = {},
): Promise<RunningService> {
  const retryConfig = options.retryConfig ?? webApiRetryPolicy;
  const clientOptions = webClientOptions(config.slack, retryConfig, logger);
  // Checked before the database is touched, so a wrong token leaves nothing behind on disk.
  const identity = await fetchBotIdentity(config.slack.botToken, clientOptions);
  for (const warning of configWarnings(config)) logger.warn(warning);
  const database = await openDatabase(config.database, logger);
  let slack: SlackRuntime | undefined;
  let services: CoreServices;
  let port: number;
  let sweeper: ReturnType<typeof startPromotionSweeper> | undefined;
  let credentialChecks: CredentialChecks | undefined;
  let metrics: Awaited<ReturnType<typeof startMetricsServer>> | undefined;
  try {
    const keys = config.encryptionKeys ?? (await loadOrCreateKeyFile(config.database.dataDir, logger));
    const slackClient = new WebClient(config.slack.botToken, clientOptions);
    // Posts nobody waits on get their own client: on a 429 the SDK pauses every call of a client,
    // and the one that looks people up for access checks must not be held up by a burst of alerts.
    const backgroundClient = new WebClient(config.slack.botToken, clientOptions);
    const pacer = new ChannelPacer();
    services = createCoreServices({
      config,
      database,
      keys,
      logger,
      directory: slackWorkspaceDirectory(slackClient),
      teamId: identity.teamId,
      alerts: slackAlertNotifier(backgroundClient, pacer, config.alerts.channel),
      promotionNotifier: slackPromotionNotifier(backgroundClient, pacer, {
        logger,
        workspaceUrl: identity.workspaceUrl,
      }),
      ...(options.clock ? { clock: options.clock } : {}),
    });
    slack = createSlackApp({
      config,
      logger,
      identity,
      services,
      retryConfig,
      checkDatabase: () => database.ping(),
      firstDelivery: (deliveryId) => recordDelivery(database.pool, deliveryId),
      ...(options.handlers ? { handlers: options.handlers } : {}),
    });
    sweeper = startPromotionSweeper(services.promotions, logger, {
      intervalMs: Math.min(30_000, config.promotions.lease.leaseMs / 2),
    });
    if (!options.jobs?.disabled) {
      credentialChecks = await startCredentialChecks({
        database,
        tenants: services.tenants,
        monitor: services.monitor,
        clock: services.clock,
        logger,
        intervalMs: config.alerts.checkIntervalMs,
        ...(options.jobs?.pollingIntervalSeconds
          ? { pollingIntervalSeconds: options.jobs.pollingIntervalSeconds }
          : {}),
      });
    }
    registerDatabaseGauges({
      promotionsByStatus: () => countPromotionsByStatus(database.pool),
      failingTenants: () => countFailingTenants(database.pool),
    });
    metrics = await startMetricsServer(config.metricsPort, logger);
    // Last, so that "listening" in the log means everything is running.
    ({ port } = await slack.start());
  } catch (error) {
    await metrics?.stop().catch(() => undefined);
    sweeper?.stop();
    await credentialChecks?.stop().catch(() => undefined);
    await slack?.stop(1_000).catch(() => undefined);
    await database.close().catch(() => undefined);
    throw error;
  }

  let stopping: Promise<void> | undefined;
  return {
    port,
    metricsPort: metrics.port,
    credentialChecks,
    mode: slack.mode,
    database,
    services,
    slack,
    stop(timeoutMs = 10_000) {
      stopping ??= (async () => {
        try {
          sweeper?.stop();
          await slack.stop(timeoutMs);
          await credentialChecks?.stop();
          await metrics?.stop();
        } finally {
          await database.close();
        }
      })();
      return stopping;
    },
  };
}
