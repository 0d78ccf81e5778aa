import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { KeyRing } from './key-ring.js';

/**
 * A secret sealed with AES-256-GCM. `ciphertext` is nonce (12 bytes) ‖ encrypted bytes ‖ tag (16 bytes).
 * The associated data binds it to one record (the tenant's id): a ciphertext copied to another row
 * fails to open instead of handing that row someone else's secret.
 */
export interface SealedSecret {
  keyId: string;
  ciphertext: Buffer;
}

const nonceBytes = 12;
const tagBytes = 16;

export function seal(ring: KeyRing, plaintext: string, associatedData: string): SealedSecret {
  // biome-ignore lint/style/noNonNullAssertion: a KeyRing always holds its sealing key
  const key = ring.keys.get(ring.sealingKeyId)!;
  // A random 96-bit nonce per seal: at our volume (a few secrets, rare edits) a repeat is out of reach.
  const nonce = randomBytes(nonceBytes);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: tagBytes });
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const encrypted = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return { keyId: ring.sealingKeyId, ciphertext: Buffer.concat([nonce, encrypted, cipher.getAuthTag()]) };
}

export type OpenFailure = 'unknown_key' | 'tampered';

export class SecretOpenError extends Error {
  override name = 'SecretOpenError';
  constructor(
    readonly reason: OpenFailure,
    readonly keyId: string,
  ) {
    super(
      reason === 'unknown_key'
        ? `sealed under key "${keyId}", which is not in FLIGHTIQ_ENCRYPTION_KEYS`
        : 'altered, or copied from another record',
    );
  }
}

export function open(ring: KeyRing, sealed: SealedSecret, associatedData: string): string {
  const key = ring.keys.get(sealed.keyId);
  if (!key) throw new SecretOpenError('unknown_key', sealed.keyId);
  const { ciphertext } = sealed;
  if (ciphertext.length < nonceBytes + tagBytes) throw new SecretOpenError('tampered', sealed.keyId);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, ciphertext.subarray(0, nonceBytes), {
      authTagLength: tagBytes,
    });
    decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(ciphertext.subarray(ciphertext.length - tagBytes));
    const body = ciphertext.subarray(nonceBytes, ciphertext.length - tagBytes);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretOpenError('tampered', sealed.keyId);
  }
}
