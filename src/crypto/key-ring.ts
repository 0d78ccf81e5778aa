import { randomBytes } from 'node:crypto';

/**
 * The keys that seal client secrets. Written `id:base64key`, several separated by commas or spaces; the
 * first seals new secrets, every one of them opens (so an old key stays until rotation has re-sealed
 * everything under the new one).
 */
export interface KeyRing {
  sealingKeyId: string;
  keys: ReadonlyMap<string, Buffer>;
}

const keyIdPattern = /^[A-Za-z0-9_-]{1,32}$/;

/** Parses the `FLIGHTIQ_ENCRYPTION_KEYS` format; the message of a thrown Error names the bad entry, never a key. */
export function parseKeyRing(text: string): KeyRing {
  const entries = text.split(/[\s,]+/).filter(Boolean);
  if (entries.length === 0) throw new Error('must hold at least one id:base64key entry');
  const keys = new Map<string, Buffer>();
  for (const [index, entry] of entries.entries()) {
    const separator = entry.indexOf(':');
    const id = separator > 0 ? entry.slice(0, separator) : '';
    const where = `entry ${index + 1}${keyIdPattern.test(id) ? ` (${id})` : ''}`;
    if (!keyIdPattern.test(id)) {
      throw new Error(`${where} must look like id:base64key, with an id of letters, digits, - or _`);
    }
    const encoded = entry.slice(separator + 1);
    const key = Buffer.from(encoded, 'base64');
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || key.length !== 32) {
      throw new Error(`${where} must be a base64 encoding of 32 random bytes (openssl rand -base64 32)`);
    }
    if (keys.has(id)) throw new Error(`${where} repeats the key id ${id}`);
    keys.set(id, key);
  }
  // biome-ignore lint/style/noNonNullAssertion: entries is not empty, so the first id exists
  return { sealingKeyId: [...keys.keys()][0]!, keys };
}

/** A new key entry, with an id that sorts by creation date. */
export function generateKeyEntry(now = new Date()): string {
  const id = `k${now.toISOString().slice(0, 10).replace(/-/g, '')}${randomBytes(2).toString('hex')}`;
  return `${id}:${randomBytes(32).toString('base64')}`;
}
