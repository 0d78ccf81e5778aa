import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../logger.js';
import { generateKeyEntry, type KeyRing, parseKeyRing } from './key-ring.js';

export const keyFileName = 'encryption-keys';

/**
 * For the embedded database only: a key ring kept beside the data it protects, created on first start.
 * That protects a copied database dump, not a copied data directory; the log says so, and a real
 * deployment sets FLIGHTIQ_ENCRYPTION_KEYS (start-up requires it with DATABASE_URL).
 */
export async function loadOrCreateKeyFile(dataDir: string, logger: Logger): Promise<KeyRing> {
  const file = join(dataDir, keyFileName);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    text = `${generateKeyEntry()}\n`;
    await writeFile(file, text, { mode: 0o600, flag: 'wx' });
    logger.warn(
      { file },
      'FLIGHTIQ_ENCRYPTION_KEYS is not set: generated an encryption key in the data directory; set FLIGHTIQ_ENCRYPTION_KEYS to keep keys apart from the data',
    );
  }
  await chmod(file, 0o600);
  try {
    return parseKeyRing(text);
  } catch (error) {
    throw new Error(`the key file ${file} is damaged: ${(error as Error).message}`);
  }
}
