import { ConfigError, loadConfig } from '../config.js';
import { openDatabase } from '../db/database.js';
import { createLogger } from '../logger.js';

/** `npm run migrate`: brings the configured database up to date without starting the app. */
try {
  const config = loadConfig(process.env, { requireSlack: false, requireKeys: false });
  const logger = createLogger({ level: config.logLevel, pretty: config.nodeEnv === 'development' });
  const database = await openDatabase(config.database, logger);
  await database.close();
  logger.info('migrations applied');
} catch (error) {
  process.stderr.write(`flightiq: ${error instanceof ConfigError ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
