import { generateKeyEntry } from '../crypto/key-ring.js';

/**
 * `npm run --silent key:new`: prints a new FLIGHTIQ_ENCRYPTION_KEYS entry. To rotate, put it first in
 * the list (keep the old ones after it), restart, run `npm run rotate-keys`, then drop the old ones.
 */
process.stdout.write(`${generateKeyEntry()}\n`);
