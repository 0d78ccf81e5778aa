import type { Config } from '../config.js';
import { noWorkspaceDirectory } from '../core/access.js';
import type { AlertNotifier } from '../core/credentials/monitor.js';
import type { CoreServices } from '../core/services.js';
import { loadOrCreateKeyFile } from '../crypto/key-file.js';
import { openDatabase } from '../db/database.js';
import type { Logger } from '../logger.js';
import { createCoreServices } from '../wiring.js';
import { consoleUser, runConsole } from './console.js';
import { type Prompter, streamPrompter } from './prompter.js';
import { forTerminal } from './terminal-log.js';

/** No alert channel on a terminal: a failing tenant is shown by `test`, and kept in the database. */
const noAlerts: AlertNotifier = {
  post: async () => {
    throw new Error('the console has no alert channel');
  },
  update: async () => {},
  recovered: async () => {},
  certificate: async () => {},
  drift: async () => {},
  policyDrift: async () => {},
};

/** The console was started on a shared database without saying that its user may act as an admin there. */
export class ConsoleRefusedError extends Error {
  override name = 'ConsoleRefusedError';
  constructor() {
    super(
      `the console acts as a FlightIQ admin and approver, and DATABASE_URL is a shared database: run it with --local-admin to do that on purpose (its actions are audited as ${consoleUser})`,
    );
  }
}

/**
 * `npm run console` (or `npm start` on a terminal with no Slack tokens): the same database (embedded
 * by default) and the same core as the Slack app, with one local user. On a shared database
 * (DATABASE_URL) that user would approve promotions alone, so it must be asked for with
 * `localAdmin` (`--local-admin`).
 */
export async function startConsole(
  config: Config,
  logger: Logger,
  prompter: Prompter = streamPrompter(process.stdin, process.stdout),
  /** Runs before the first prompt (the demo adds its tenant here). */
  setup?: (services: CoreServices) => Promise<void>,
  { localAdmin = false }: { localAdmin?: boolean } = {},
): Promise<void> {
  if (config.database.url && !localAdmin) {
    prompter.close();
    throw new ConsoleRefusedError();
  }
  // The terminal shows people text: log entries bound for it come as lines of text, not JSON.
  logger = forTerminal(logger);
  const database = await openDatabase(config.database, logger);
  try {
    const keys = config.encryptionKeys ?? (await loadOrCreateKeyFile(config.database.dataDir, logger));
    const services = createCoreServices({
      config,
      database,
      keys,
      logger,
      directory: noWorkspaceDirectory,
      teamId: 'local',
      alerts: noAlerts,
      singleUser: consoleUser,
    });
    await setup?.(services);
    await runConsole(services, prompter, logger);
  } finally {
    prompter.close();
    await database.close();
  }
}
