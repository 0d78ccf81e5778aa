import { expect, it } from 'vitest';
import { TokenCache, type WorkerToken } from '../../../src/pingone/token-cache.js';

const token = (name: string, expiresAt: number): WorkerToken => ({
  accessToken: name,
  expiresAt,
  mintedInMs: 1,
  expiresInSeconds: 3600,
});

it('reuses a token until a minute before it expires, then mints a new one', async () => {
  let now = 0;
  const cache = new TokenCache(() => now);
  let minted = 0;
  const mint = async () => token(`t${++minted}`, now + 3_600_000);
  expect((await cache.get('a', mint)).accessToken).toBe('t1');
  now = 3_600_000 - 61_000;
  expect((await cache.get('a', mint)).accessToken).toBe('t1');
  now = 3_600_000 - 59_000;
  expect((await cache.get('a', mint)).accessToken).toBe('t2');
});

it('keeps tenants apart, and forgets one on request', async () => {
  const cache = new TokenCache(() => 0);
  let minted = 0;
  const mint = async () => token(`t${++minted}`, 3_600_000);
  await cache.get('a', mint);
  await cache.get('b', mint);
  cache.invalidate('a');
  expect((await cache.get('a', mint)).accessToken).toBe('t3');
  expect((await cache.get('b', mint)).accessToken).toBe('t2');
});

it('does not cache a failed mint: the next caller tries again', async () => {
  const cache = new TokenCache(() => 0);
  await expect(cache.get('a', async () => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
  expect((await cache.get('a', async () => token('ok', 3_600_000))).accessToken).toBe('ok');
});

it('refresh mints anew even with a good token cached, but joins a mint in flight', async () => {
  const cache = new TokenCache(() => 0);
  let minted = 0;
  const slowMint = () =>
    new Promise<WorkerToken>((resolve) => setTimeout(() => resolve(token(`t${++minted}`, 3_600_000)), 20));
  await cache.get('a', slowMint);
  const [x, y] = await Promise.all([cache.refresh('a', slowMint), cache.refresh('a', slowMint)]);
  expect([x.accessToken, y.accessToken]).toEqual(['t2', 't2']);
});
