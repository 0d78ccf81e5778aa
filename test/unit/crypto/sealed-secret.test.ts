import { describe, expect, it } from 'vitest';
import { generateKeyEntry, parseKeyRing } from '../../../src/crypto/key-ring.js';
import { open, SecretOpenError, seal } from '../../../src/crypto/sealed-secret.js';

const k1 = `k1:${Buffer.alloc(32, 1).toString('base64')}`;
const k2 = `k2:${Buffer.alloc(32, 2).toString('base64')}`;

describe('key ring', () => {
  it('seals with the first key and opens with any', () => {
    const old = parseKeyRing(k1);
    const rotated = parseKeyRing(`${k2}, ${k1}`);
    expect(rotated.sealingKeyId).toBe('k2');
    expect(open(rotated, seal(old, 's3cret', 'row-1'), 'row-1')).toBe('s3cret');
    expect(seal(rotated, 's3cret', 'row-1').keyId).toBe('k2');
  });

  it.each([
    ['', 'must hold at least one id:base64key entry'],
    ['nokey', 'entry 1 must look like id:base64key'],
    [
      `k1:${Buffer.alloc(16).toString('base64')}`,
      'entry 1 (k1) must be a base64 encoding of 32 random bytes',
    ],
    ['k1:not*base64', 'entry 1 (k1) must be a base64 encoding of 32 random bytes'],
    [`${k1},${k1}`, 'entry 2 (k1) repeats the key id k1'],
  ])('refuses %j: %s', (text, message) => {
    expect(() => parseKeyRing(text)).toThrow(message);
  });

  it('never repeats key material in its errors', () => {
    const material = Buffer.alloc(31, 9).toString('base64');
    expect(() => parseKeyRing(`k1:${material}`)).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining(material) }),
    );
  });

  it('makes new entries that parse, with an id that sorts by the day it was made', () => {
    const made = new Date();
    const day = made.toISOString().slice(0, 10).replace(/-/g, '');
    const ring = parseKeyRing(generateKeyEntry(made));
    expect(ring.sealingKeyId).toMatch(new RegExp(`^k${day}[0-9a-f]{4}$`));
  });
});

describe('sealed secrets', () => {
  const ring = parseKeyRing(k1);

  it('uses a fresh nonce each time: the same secret seals differently', () => {
    expect(seal(ring, 'same', 'row').ciphertext.equals(seal(ring, 'same', 'row').ciphertext)).toBe(false);
  });

  it('does not open for another record (associated data)', () => {
    const sealed = seal(ring, 'secret', 'tenant-a');
    expect(() => open(ring, sealed, 'tenant-b')).toThrow(new SecretOpenError('tampered', 'k1'));
  });

  it.each([0, 12, 20, 40])('does not open with byte %i flipped', (index) => {
    const sealed = seal(ring, 'a secret of some length', 'row');
    const ciphertext = Buffer.from(sealed.ciphertext);
    ciphertext[index] = (ciphertext[index] ?? 0) ^ 0x01;
    expect(() => open(ring, { ...sealed, ciphertext }, 'row')).toThrow(SecretOpenError);
  });

  it('says which key is missing when the sealing key is not configured', () => {
    const sealed = seal(parseKeyRing(k2), 'secret', 'row');
    expect(() => open(ring, sealed, 'row')).toThrow(
      'sealed under key "k2", which is not in FLIGHTIQ_ENCRYPTION_KEYS',
    );
  });

  it('refuses a truncated ciphertext cleanly', () => {
    expect(() => open(ring, { keyId: 'k1', ciphertext: Buffer.alloc(5) }, 'row')).toThrow(SecretOpenError);
  });
});
