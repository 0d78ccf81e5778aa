import type { Dispatcher } from 'undici';
import type { z } from 'zod';
import type { Logger } from '../logger.js';
import { endpointGroup, pingoneLatency, pingoneRequests } from '../metrics.js';
import type { AuthMethod, Region } from '../store/tenants.js';
import { PingOneError } from './errors.js';
import {
  createDispatcher,
  type Deadlines,
  defaultDeadlines,
  defaultRetryPolicy,
  type HttpResponse,
  type RetryPolicy,
  send,
} from './http.js';
import { hostsFor, type PingOneHosts } from './regions.js';
import { apiErrorSchema, halCollectionSchema, tokenErrorSchema, tokenResponseSchema } from './schemas.js';
import { TokenCache, type WorkerToken } from './token-cache.js';

/** What it takes to act as a worker app. The secret is opened only when a token must be minted. */
export interface WorkerCredentials {
  /** Key of the token cache (the tenant's id); absent for credentials not saved yet, which are never cached. */
  cacheKey?: string;
  region: Region;
  environmentId: string;
  clientId: string;
  authMethod: AuthMethod;
  secret: () => Promise<string>;
}

export interface PingOneClientOptions {
  overrides?: { authBaseUrl?: string | undefined; apiBaseUrl?: string | undefined };
  deadlines?: Deadlines;
  retry?: RetryPolicy;
  logger: Logger;
}

export interface Collected<T> {
  items: T[];
  /** True when the page cap stopped the walk before the last page. */
  truncated: boolean;
  pages: number;
}

/** Most pages one listing follows; at PingOne's 500-item pages that is 100,000 items. */
export const defaultPageCap = 200;

export class PingOneClient {
  readonly tokens = new TokenCache();
  private readonly readDispatcher: Dispatcher;
  private readonly tokenDispatcher: Dispatcher;
  /** For changes: never retried on its own, so a create that timed out is not made twice. */
  private readonly writeDispatcher: Dispatcher;
  private readonly logger: Logger;
  /** How often a failed idempotent call is retried, to say so when it still fails. */
  private readonly retries: number;

  constructor(private readonly options: PingOneClientOptions) {
    const deadlines = options.deadlines ?? defaultDeadlines;
    const retry = options.retry ?? defaultRetryPolicy;
    this.retries = retry.retries;
    this.readDispatcher = createDispatcher(deadlines, retry, ['GET', 'HEAD']);
    // A client_credentials request changes nothing in PingOne, so it is as safe to repeat as a read.
    this.tokenDispatcher = createDispatcher(deadlines, retry, ['POST']);
    this.writeDispatcher = createDispatcher(deadlines, { ...retry, retries: 0 }, []);
    this.logger = options.logger.child({ component: 'pingone' });
    if (options.overrides?.authBaseUrl || options.overrides?.apiBaseUrl) {
      this.logger.warn(
        { auth: options.overrides.authBaseUrl, api: options.overrides.apiBaseUrl },
        'PingOne hosts are overridden: requests do not go to the regional PingOne hosts',
      );
    }
  }

  hosts(region: Region): PingOneHosts {
    return hostsFor(region, this.options.overrides);
  }

  /** A worker token for these credentials, from the cache when one is still good. */
  async token(credentials: WorkerCredentials): Promise<WorkerToken> {
    if (!credentials.cacheKey) return this.mint(credentials);
    return this.tokens.get(credentials.cacheKey, () => this.mint(credentials));
  }

  /** A newly minted token, to prove the credentials work now; concurrent callers share it. */
  async freshToken(credentials: WorkerCredentials): Promise<WorkerToken> {
    if (!credentials.cacheKey) return this.mint(credentials);
    return this.tokens.refresh(credentials.cacheKey, () => this.mint(credentials));
  }

  forget(credentials: WorkerCredentials): void {
    if (credentials.cacheKey) this.tokens.invalidate(credentials.cacheKey);
  }

  /** Reads one resource (a path under /v1, like `/environments/{id}`) as the worker app. */
  async get(credentials: WorkerCredentials, path: string): Promise<unknown> {
    const url = `${this.hosts(credentials.region).api}/v1${path}`;
    return (await this.authorized(credentials, url, path)).body;
  }

  /**
   * Sends a change, or an action, as the worker app: `POST`/`PUT`/`DELETE` on a path under /v1 with a
   * JSON body and the content type that selects the action (reference §4.2). Only calls marked
   * `repeatable` (an export, a deploy: doing them twice changes nothing more) are retried.
   */
  async send(
    credentials: WorkerCredentials,
    request: {
      method: 'POST' | 'PUT' | 'DELETE';
      path: string;
      contentType?: string;
      body?: unknown;
      repeatable?: boolean;
    },
  ): Promise<unknown> {
    const url = `${this.hosts(credentials.region).api}/v1${request.path}`;
    const response = await this.authorized(credentials, url, request.path, {
      method: request.method,
      contentType: request.contentType ?? 'application/json',
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      dispatcher: request.repeatable ? this.tokenDispatcher : this.writeDispatcher,
    });
    return response.body;
  }

  /**
   * Reads a whole HAL collection, following `_links.next` page after page (only on the tenant's own API
   * host) up to `pageCap` pages. Each item is checked with `item`; unknown fields are kept.
   */
  async collect<T extends z.ZodType>(
    credentials: WorkerCredentials,
    path: string,
    embedded: string,
    item: T,
    { pageCap = defaultPageCap } = {},
  ): Promise<Collected<z.infer<T>>> {
    const api = this.hosts(credentials.region).api;
    const items: z.infer<T>[] = [];
    let url: string | undefined = `${api}/v1${path}`;
    let pages = 0;
    while (url && pages < pageCap) {
      const response = await this.authorized(credentials, url, path);
      pages++;
      const page = halCollectionSchema.safeParse(response.body);
      if (!page.success) throw unexpected(path, response, 'is not a HAL collection');
      for (const raw of page.data._embedded?.[embedded] ?? []) {
        const parsed = item.safeParse(raw);
        if (!parsed.success)
          throw unexpected(path, response, `has an item that is not a valid ${embedded} entry`);
        items.push(parsed.data);
      }
      const next = page.data._links?.next?.href;
      if (next && new URL(next, api).origin !== new URL(api).origin) {
        throw unexpected(path, response, 'links its next page to another host');
      }
      url = next ? new URL(next, api).toString() : undefined;
    }
    return { items, truncated: url !== undefined, pages };
  }

  private async authorized(
    credentials: WorkerCredentials,
    url: string,
    path: string,
    write?: {
      method: 'POST' | 'PUT' | 'DELETE';
      contentType: string;
      body: string | undefined;
      dispatcher: Dispatcher;
    },
  ): Promise<HttpResponse> {
    for (let attempt = 1; ; attempt++) {
      const token = await this.token(credentials);
      const started = Date.now();
      const headers: Record<string, string> = {
        authorization: `Bearer ${token.accessToken}`,
        accept: 'application/json',
      };
      if (write) headers['content-type'] = write.contentType;
      const response = await send(url, {
        method: write?.method ?? 'GET',
        headers,
        ...(write?.body === undefined ? {} : { body: write.body }),
        dispatcher: write?.dispatcher ?? this.readDispatcher,
        path,
      }).catch((error: unknown) => {
        observe(path, 0, started);
        throw error;
      });
      observe(path, response.status, started);
      this.logger.debug(
        {
          method: write?.method ?? 'GET',
          path,
          status: response.status,
          ms: Date.now() - started,
          correlationId: response.correlationId,
        },
        'PingOne call',
      );
      if (response.status === 401 && attempt === 1 && credentials.cacheKey) {
        // The cached token may have been revoked or expired early: mint a fresh one, once.
        this.tokens.invalidate(credentials.cacheKey, token);
        continue;
      }
      if (response.status >= 200 && response.status < 300) return response;
      throw apiError(
        path,
        response,
        write?.dispatcher === this.writeDispatcher ? 0 : this.retries,
        write?.method,
      );
    }
  }

  private async mint(credentials: WorkerCredentials): Promise<WorkerToken> {
    const path = `/${credentials.environmentId}/as/token`;
    const url = `${this.hosts(credentials.region).auth}${path}`;
    const secret = await credentials.secret();
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    };
    if (credentials.authMethod === 'client_secret_basic') {
      // RFC 6749 §2.3.1: both parts are form-encoded before they are joined and base64-encoded.
      const user = encodeURIComponent(credentials.clientId);
      const password = encodeURIComponent(secret);
      headers.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    } else {
      form.set('client_id', credentials.clientId);
      form.set('client_secret', secret);
    }
    const started = Date.now();
    const response = await send(url, {
      method: 'POST',
      headers,
      body: form.toString(),
      dispatcher: this.tokenDispatcher,
      path: '/as/token',
    }).catch((error: unknown) => {
      observe('/as/token', 0, started);
      throw error;
    });
    const mintedInMs = Date.now() - started;
    observe('/as/token', response.status, started);
    this.logger.debug(
      { path: '/as/token', status: response.status, ms: mintedInMs, correlationId: response.correlationId },
      'PingOne token request',
    );
    if (response.status !== 200) throw tokenError(response, this.retries);
    const parsed = tokenResponseSchema.safeParse(response.body);
    if (!parsed.success) throw unexpected('/as/token', response, 'is not a token response');
    return {
      accessToken: parsed.data.access_token,
      expiresAt: Date.now() + parsed.data.expires_in * 1000,
      mintedInMs,
      expiresInSeconds: parsed.data.expires_in,
    };
  }
}

function tokenError(response: HttpResponse, retries: number): PingOneError {
  const body = tokenErrorSchema.safeParse(response.body);
  const description = body.success ? (body.data.error_description ?? '') : '';
  const quoted = /Correlation ID: ([\w-]+)/.exec(description)?.[1];
  const details = {
    status: response.status,
    correlationId: response.correlationId ?? quoted,
    path: '/as/token',
  };
  const said = body.success ? ` (PingOne: ${body.data.error}${description ? `, "${description}"` : ''})` : '';
  const shared = sharedStatusError('/as/token', response, { ...details, retries });
  if (shared) return shared;
  switch (body.success ? body.data.error : '') {
    case 'invalid_client':
      return new PingOneError(
        'client_authentication_failed',
        `PingOne refused the worker app's client ID, secret or authentication method${said}.`,
        details,
      );
    case 'unauthorized_client':
    case 'unsupported_grant_type':
      return new PingOneError(
        'grant_not_enabled',
        `The worker app may not use the client credentials grant${said}.`,
        details,
      );
  }
  if (response.status === 404) {
    return new PingOneError(
      'environment_not_found',
      'PingOne has no token endpoint for this environment ID: it is not the environment that holds the worker app.',
      details,
    );
  }
  if (response.status === 401) {
    return new PingOneError(
      'client_authentication_failed',
      `PingOne refused the worker app's credentials${said}.`,
      details,
    );
  }
  return new PingOneError(
    'unexpected_response',
    `PingOne answered the token request with ${response.status}${said}.`,
    details,
  );
}

function apiError(path: string, response: HttpResponse, retries: number, method = 'GET'): PingOneError {
  const details = { status: response.status, correlationId: response.correlationId, path };
  const shared = sharedStatusError(path, response, { ...details, retries });
  if (shared) return shared;
  const body = apiErrorSchema.safeParse(response.body);
  const said = body.success && body.data.message ? ` (PingOne: "${body.data.message}")` : '';
  switch (response.status) {
    case 401:
      return new PingOneError(
        'token_rejected',
        `PingOne rejected a freshly minted worker token for ${path}${said}.`,
        details,
      );
    case 403:
      return new PingOneError(
        'missing_role',
        `The worker app is not allowed to ${method === 'GET' ? 'read' : 'change'} ${path}${said}.`,
        details,
      );
    case 404:
      return new PingOneError('not_found', `PingOne found nothing at ${path}${said}.`, details);
    default:
      return new PingOneError(
        'unexpected_response',
        `PingOne answered ${response.status} for ${path}${said}.`,
        details,
      );
  }
}

function sharedStatusError(
  path: string,
  response: HttpResponse,
  details: ConstructorParameters<typeof PingOneError>[2],
): PingOneError | undefined {
  if (response.status === 429) {
    return new PingOneError(
      'rate_limited',
      `PingOne's rate limit was still exceeded for ${path} after FlightIQ retried ${retriesOf(details)} time(s), waiting as PingOne's Retry-After asked.`,
      { ...details, retried: true },
    );
  }
  if (response.status >= 500) {
    return new PingOneError(
      'unavailable',
      `PingOne answered ${response.status} for ${path}, also after FlightIQ retried ${retriesOf(details)} time(s).`,
      { ...details, retried: true },
    );
  }
  return undefined;
}

function observe(path: string, status: number, started: number): void {
  const group = endpointGroup(path);
  pingoneRequests.inc({ group, status: String(status) });
  pingoneLatency.observe({ group }, (Date.now() - started) / 1000);
}

function retriesOf(details: ConstructorParameters<typeof PingOneError>[2]): number {
  return details?.retries ?? 0;
}

function unexpected(path: string, response: HttpResponse, what: string): PingOneError {
  return new PingOneError('unexpected_response', `PingOne's answer for ${path} ${what}.`, {
    status: response.status,
    correlationId: response.correlationId,
    path,
  });
}
