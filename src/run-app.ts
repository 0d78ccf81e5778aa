import { ConfigError, loadConfig } from './config.js';
import { ConsoleRefusedError, startConsole } from './console/start.js';
import { EmbeddedDatabaseBusyError } from './db/embedded.js';
import { createLogger, type Logger } from './logger.js';
import { type RunningService, startService } from './service.js';
import { SlackStartupError } from './slack/bot-identity.js';

/** Errors whose message already tells the operator what to fix: printed as one line, no stack. */
const explainedErrors = [ConfigError, SlackStartupError, EmbeddedDatabaseBusyError, ConsoleRefusedError];

let config: ReturnType<typeof loadConfig>;
// The local console: asked for (`npm run console`), or a person at a terminal with no Slack app set up.
let consoleMode = process.argv.includes('console');
try {
  loadDotEnv();
  consoleMode ||=
    !process.env.SLACK_BOT_TOKEN && !process.env.SLACK_APP_TOKEN && Boolean(process.stdin.isTTY);
  config = loadConfig(process.env, { requireSlack: !consoleMode });
} catch (error) {
  fail(error);
}
let service: RunningService | undefined;
let shuttingDown = false;

if (consoleMode) {
  // The terminal is the user's: logs go to stderr, and only warnings unless asked for more.
  const level = config.logLevel === 'info' ? 'warn' : config.logLevel;
  const consoleLogger = createLogger({ level, pretty: true }, process.stderr);
  try {
    await startConsole(config, consoleLogger, undefined, undefined, {
      localAdmin: process.argv.includes('--local-admin'),
    });
    process.exit(0);
  } catch (error) {
    if (!explainedErrors.some((kind) => error instanceof kind)) {
      consoleLogger.fatal({ err: error }, 'the console stopped');
    }
    fail(error);
  }
}

const logger = createLogger({ level: config.logLevel, pretty: config.nodeEnv === 'development' });
installProcessHandlers(logger);
try {
  service = await startService(config, logger);
} catch (error) {
  // An explained error's one line (below) is the whole story; a stack is kept for the unforeseen.
  if (!explainedErrors.some((kind) => error instanceof kind)) logger.fatal({ err: error }, 'start-up failed');
  fail(error);
}

function installProcessHandlers(log: Logger): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      log.info({ signal }, 'shutting down');
      void shutdown(0);
    });
  }
  process.on('unhandledRejection', (reason) => {
    // @slack/socket-mode 3.1 can reject with `undefined` when a disconnect races a pending reconnect;
    // during shutdown that is expected noise, at any other time the connection is dead and a clean
    // restart by the supervisor is the way back.
    if (shuttingDown) {
      log.warn({ reason: String(reason) }, 'ignored a rejection while shutting down');
      return;
    }
    log.fatal({ err: reason }, 'unhandled promise rejection; restarting');
    void shutdown(1);
  });
  process.on('uncaughtException', (error) => {
    log.fatal({ err: error }, 'uncaught exception; restarting');
    void shutdown(1);
  });
}

async function shutdown(exitCode: number): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  // A stuck shutdown must not keep a dead replica around: the supervisor restarts us either way.
  setTimeout(() => process.exit(exitCode || 1), 20_000).unref();
  try {
    await service?.stop(10_000);
    logger.info('stopped');
  } catch (error) {
    logger.error({ err: error }, 'shutdown did not complete cleanly');
    exitCode ||= 1;
  }
  logger.flush();
  process.exit(exitCode);
}

/** Reads `.env` from the working directory when there is one; variables already set win. */
function loadDotEnv(): void {
  try {
    process.loadEnvFile('.env');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new ConfigError(`Configuration error: .env could not be read (${(error as Error).message}).`);
    }
  }
}

function fail(error: unknown): never {
  const explained = explainedErrors.some((kind) => error instanceof kind);
  const message = explained ? (error as Error).message : `start-up failed: ${String(error)}`;
  process.stderr.write(`flightiq: ${message}\n`);
  process.exit(1);
}
