import { tokenCache } from '../metrics.js';

/**
 * Worker tokens, one per tenant, reused until shortly before they expire. Concurrent requests for the
 * same tenant share one token request (single flight): 200 commands arriving together must not become
 * 200 token requests against PingOne's rate limit.
 */
export interface WorkerToken {
  accessToken: string;
  expiresAt: number;
  /** How long PingOne took to mint it, and how long it was granted for. */
  mintedInMs: number;
  expiresInSeconds: number;
}

// Tokens are dropped this long before PingOne says they expire, so a request never carries a token
// that expires on the way.
const expiryMarginMs = 60_000;

export interface TokenCacheStats {
  hits: number;
  mints: number;
}

export class TokenCache {
  private readonly tokens = new Map<string, WorkerToken>();
  private readonly pending = new Map<string, Promise<WorkerToken>>();
  readonly stats: TokenCacheStats = { hits: 0, mints: 0 };

  constructor(private readonly now: () => number = Date.now) {}

  async get(key: string, mint: () => Promise<WorkerToken>): Promise<WorkerToken> {
    const cached = this.tokens.get(key);
    if (cached && cached.expiresAt - expiryMarginMs > this.now()) {
      this.stats.hits++;
      tokenCache.inc({ result: 'hit' });
      return cached;
    }
    const inFlight = this.pending.get(key);
    if (inFlight) {
      this.stats.hits++;
      tokenCache.inc({ result: 'shared' });
      return inFlight;
    }
    const minting = (async () => {
      try {
        this.stats.mints++;
        tokenCache.inc({ result: 'mint' });
        const token = await mint();
        this.tokens.set(key, token);
        return token;
      } finally {
        this.pending.delete(key);
      }
    })();
    this.pending.set(key, minting);
    return minting;
  }

  /** A newly minted token even when a cached one is good (a credential test), still one request at a time. */
  async refresh(key: string, mint: () => Promise<WorkerToken>): Promise<WorkerToken> {
    const inFlight = this.pending.get(key);
    if (inFlight) return inFlight;
    this.tokens.delete(key);
    return this.get(key, mint);
  }

  /** Forgets a token: PingOne rejected it. */
  invalidate(key: string, token?: WorkerToken): void {
    if (!token || this.tokens.get(key) === token) this.tokens.delete(key);
  }

  /** Forgets every token of a tenant (keys `tenantId#version`): its credentials changed or were removed. */
  forgetTenant(tenantId: string): void {
    for (const key of this.tokens.keys()) if (key.startsWith(`${tenantId}#`)) this.tokens.delete(key);
  }
}
