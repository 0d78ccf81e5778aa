import { ConfigError, loadConfig } from '../config.js';
import { AccessPolicy, noWorkspaceDirectory } from '../core/access.js';
import { TenantSecretUnavailableError, TenantService } from '../core/tenants/service.js';
import { loadOrCreateKeyFile } from '../crypto/key-file.js';
import { openDatabase } from '../db/database.js';
import { createLogger } from '../logger.js';

/**
 * `npm run rotate-keys`: re-seals every stored client secret under the first key of
 * FLIGHTIQ_ENCRYPTION_KEYS. Prints counts and key ids, never a secret. Safe to run again.
 */
try {
  const config = loadConfig(process.env, { requireSlack: false });
  const logger = createLogger({ level: config.logLevel, pretty: config.nodeEnv === 'development' });
  const database = await openDatabase(config.database, logger);
  try {
    const keys = config.encryptionKeys ?? (await loadOrCreateKeyFile(config.database.dataDir, logger));
    // Rotation is an operator's act on the server, not a Slack user's: no admin check applies.
    const access = new AccessPolicy({ admins: [], teamId: '', directory: noWorkspaceDirectory });
    const tenants = new TenantService({ pool: database.pool, keys, access, logger });
    const { resealed, keyId } = await tenants.rotateKeys(`operator:${process.env.USER ?? 'unknown'}`);
    const others = [...keys.keys.keys()].filter((id) => id !== keyId);
    process.stdout.write(
      `Re-sealed ${resealed} client secret(s) under key ${keyId}.${others.length > 0 ? ` Keys ${others.join(', ')} are no longer used and can be removed from FLIGHTIQ_ENCRYPTION_KEYS.` : ''}\n`,
    );
  } finally {
    await database.close();
  }
} catch (error) {
  const explained = error instanceof ConfigError || error instanceof TenantSecretUnavailableError;
  process.stderr.write(
    `flightiq: ${explained ? (error as Error).message : `rotation failed, nothing changed: ${String(error)}`}\n`,
  );
  process.exitCode = 1;
}
