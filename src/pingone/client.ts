import type { Dispatcher } from 'undici';
import type { z } from 'zod';
import type { Logger } from '../logger.js';
import { endpointGroup, pingoneLatency, pingoneRequests } from '../metrics.js';
import { currentCallContext } from './call-context.js';
import { PingOneError } from './errors.js';
import {
  answerLimits,
  createDispatcher,
  type Deadlines,
  defaultDeadlines,
  defaultRetryPolicy,
  defaultWriteDeadlines,
  type HttpResponse,
  type RetryPolicy,
  retryAfterMs,
  send,
} from './http.js';
import type { AuthMethod, Region } from './regions.js';
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
  /**
   * Environments of another PingOne organization, by ID, and the worker app that reaches them (a
   * promotion across tenants): a call into one of them is made with that worker, its token and its host.
   */
  elsewhere?: ReadonlyMap<string, WorkerCredentials>;
}

/** The worker a call into `path` is made with: the one that reaches the environment it names. */
export function workerFor(credentials: WorkerCredentials, path: string): WorkerCredentials {
  if (!credentials.elsewhere) return credentials;
  const environment = /^\/environments\/([^/?#]+)/.exec(path)?.[1];
  return (environment && credentials.elsewhere.get(decodeURIComponent(environment))) || credentials;
}

export interface PingOneClientOptions {
  overrides?: { authBaseUrl?: string | undefined; apiBaseUrl?: string | undefined };
  deadlines?: Deadlines;
  writeDeadlines?: Deadlines;
  retry?: Partial<RetryPolicy>;
  /** The most an answer may hold (tests lower them). */
  answerLimits?: { readBytes: number; largeBytes: number };
  logger: Logger;
}

/**
 * How a call may be repeated. `read` and `token` change nothing in PingOne; `repeatable` changes are
 * those that doing twice changes nothing more (an export, a deploy); a `write` is sent again only
 * after a 429 or 503, which mean PingOne did not act on it.
 */
type CallKind = 'read' | 'large-read' | 'token' | 'repeatable' | 'write';

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
  private readonly dispatcher: Dispatcher;
  private readonly deadlines: Deadlines;
  private readonly writeDeadlines: Deadlines;
  private readonly retry: RetryPolicy;
  private readonly limits: { readBytes: number; largeBytes: number };
  private readonly logger: Logger;

  constructor(private readonly options: PingOneClientOptions) {
    this.deadlines = options.deadlines ?? defaultDeadlines;
    this.writeDeadlines = options.writeDeadlines ?? defaultWriteDeadlines;
    this.retry = { ...defaultRetryPolicy, ...options.retry };
    this.limits = options.answerLimits ?? answerLimits;
    this.dispatcher = createDispatcher(this.deadlines.connectMs);
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

  /**
   * Reads one resource (a path under /v1, like `/environments/{id}`) as the worker app. A `large` one
   * (a flow: real ones reach a megabyte) gets the time a write gets to arrive, not a read's seconds.
   */
  async get(asked: WorkerCredentials, path: string, { large = false } = {}): Promise<unknown> {
    const credentials = workerFor(asked, path);
    const url = `${this.hosts(credentials.region).api}/v1${path}`;
    return (await this.authorized(credentials, url, path, undefined, large ? 'large-read' : 'read')).body;
  }

  /**
   * Sends a change, or an action, as the worker app: `POST`/`PUT`/`DELETE` on a path under /v1 with a
   * JSON body and the content type that selects the action (docs/pingone-facts.md, "Action endpoints").
   * Only calls marked `repeatable` (an export, a deploy: doing them twice changes nothing more) are
   * retried.
   */
  async send(
    asked: WorkerCredentials,
    request: {
      method: 'POST' | 'PUT' | 'DELETE';
      path: string;
      contentType?: string;
      body?: unknown;
      repeatable?: boolean;
      /** Tries after the first for a 5xx or a broken connection, where the policy's are too many. */
      retries?: number;
    },
  ): Promise<unknown> {
    const credentials = workerFor(asked, request.path);
    const url = `${this.hosts(credentials.region).api}/v1${request.path}`;
    const response = await this.authorized(credentials, url, request.path, {
      method: request.method,
      contentType: request.contentType ?? 'application/json',
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      kind: request.repeatable ? 'repeatable' : 'write',
      ...(request.retries === undefined ? {} : { retries: request.retries }),
    });
    return response.body;
  }

  /** Like `send`, with the status too: an answer's meaning can depend on it (an export's 200 or 201). */
  async sendForStatus(
    asked: WorkerCredentials,
    request: Parameters<PingOneClient['send']>[1],
  ): Promise<{ status: number; body: unknown }> {
    const credentials = workerFor(asked, request.path);
    const url = `${this.hosts(credentials.region).api}/v1${request.path}`;
    const response = await this.authorized(credentials, url, request.path, {
      method: request.method,
      contentType: request.contentType ?? 'application/json',
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      kind: request.repeatable ? 'repeatable' : 'write',
    });
    return { status: response.status, body: response.body };
  }

  /**
   * Reads a whole HAL collection, following `_links.next` page after page (only on the tenant's own API
   * host) up to `pageCap` pages. Each item is checked with `item`; unknown fields are kept.
   */
  async collect<T extends z.ZodType>(
    asked: WorkerCredentials,
    path: string,
    embedded: string,
    item: T,
    { pageCap = defaultPageCap } = {},
  ): Promise<Collected<z.infer<T>>> {
    const credentials = workerFor(asked, path);
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
      kind: Exclude<CallKind, 'read' | 'large-read' | 'token'>;
      retries?: number;
    },
    readKind: 'read' | 'large-read' = 'read',
  ): Promise<HttpResponse> {
    const method = write?.method ?? 'GET';
    let tokenRenewed = false;
    return this.retrying(path, write?.kind ?? readKind, method, write?.retries, async (deadlines) => {
      const token = await this.token(credentials);
      const headers: Record<string, string> = {
        authorization: `Bearer ${token.accessToken}`,
        accept: 'application/json',
      };
      if (write) headers['content-type'] = write.contentType;
      const response = await this.timed(path, method, () =>
        send(url, {
          method,
          headers,
          ...(write?.body === undefined ? {} : { body: write.body }),
          dispatcher: this.dispatcher,
          deadlines,
          maxBytes: write || readKind === 'large-read' ? this.limits.largeBytes : this.limits.readBytes,
          path,
        }),
      );
      if (response.status === 401 && !tokenRenewed && credentials.cacheKey) {
        // The cached token may have been revoked or expired early: mint a fresh one, once. A 401 for
        // missing permissions is a role granted moments ago that has not reached the token yet: the
        // fresh token waits a moment for it.
        tokenRenewed = true;
        this.tokens.invalidate(credentials.cacheKey, token);
        if (insufficientPermissions(response)) await sleep(rolePropagationWaitMs);
        return 'again';
      }
      return response;
    });
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
    const response = await this.retrying(
      '/as/token',
      'token',
      'POST',
      undefined,
      (deadlines) =>
        this.timed('/as/token', 'POST', () =>
          send(url, {
            method: 'POST',
            headers,
            body: form.toString(),
            dispatcher: this.dispatcher,
            deadlines,
            maxBytes: this.limits.readBytes,
            path: '/as/token',
          }),
        ),
      tokenError,
    );
    const mintedInMs = Date.now() - started;
    if (response.status !== 200) throw tokenError(response, 0);
    const parsed = tokenResponseSchema.safeParse(response.body);
    if (!parsed.success) throw unexpected('/as/token', response, 'is not a token response');
    return {
      accessToken: parsed.data.access_token,
      expiresAt: Date.now() + parsed.data.expires_in * 1000,
      mintedInMs,
      expiresInSeconds: parsed.data.expires_in,
    };
  }

  /**
   * Sends a call until it is answered for good: a 429 or 503 is sent again after the wait PingOne asks
   * for (up to the policy's cap and the work's deadline, telling the work's listener), and calls safe to
   * repeat are also sent again after a 5xx or a broken connection. A change whose answer never came is
   * reported as such (`outcomeUnknown`), never sent twice.
   */
  private async retrying(
    path: string,
    kind: CallKind,
    method: string,
    retries: number | undefined,
    attempt: (deadlines: Deadlines) => Promise<HttpResponse | 'again'>,
    fail: (response: HttpResponse, retries: number) => PingOneError = (response, retries) =>
      apiError(path, response, retries, method),
  ): Promise<HttpResponse> {
    const policy = retries === undefined ? this.retry : { ...this.retry, retries };
    const base = kind === 'read' || kind === 'token' ? this.deadlines : this.writeDeadlines;
    let failures = 0;
    let waits = 0;
    for (;;) {
      const { deadline, onWait } = currentCallContext();
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new PingOneError(
          'timeout',
          `FlightIQ stopped before calling PingOne for ${path}: this work ran out of time.`,
          { path, retries: failures + waits },
        );
      }
      const deadlines = {
        ...base,
        headersMs: Math.min(base.headersMs, left),
        bodyMs: Math.min(base.bodyMs, left),
      };
      let response: HttpResponse | 'again';
      try {
        response = await attempt(deadlines);
      } catch (error) {
        if (!(error instanceof PingOneError)) throw error;
        const delay = backoff(policy, failures);
        const transient = error.code === 'network' || error.code === 'timeout';
        if (!transient) throw error;
        if (kind !== 'write' && failures < policy.retries && Date.now() + delay < deadline) {
          failures++;
          await sleep(delay);
          continue;
        }
        throw new PingOneError(error.code, writeAware(error.message, kind), {
          ...error.details,
          retries: failures,
          retried: failures > 0,
          ...(kind === 'write' ? { outcomeUnknown: true } : {}),
        });
      }
      if (response === 'again') continue;
      if (response.status >= 200 && response.status < 300) return response;
      if (response.status === 429 || response.status === 503) {
        const asked = retryAfterMs(response);
        const wait = asked ?? backoff(policy, waits);
        const refusal =
          asked !== undefined && asked > policy.maxRetryAfterMs
            ? 'too_long'
            : waits >= policy.rateLimitRetries
              ? 'too_often'
              : Date.now() + wait > deadline
                ? 'past_deadline'
                : undefined;
        if (refusal) throw limitedError(path, response, { waits, asked, refusal, policy });
        waits++;
        // A wait too short to notice is not worth telling anyone about.
        if (wait >= 1000) {
          onWait?.({
            reason: response.status === 429 ? 'rate_limited' : 'unavailable',
            seconds: Math.ceil(wait / 1000),
            path,
          });
        }
        this.logger.info({ path, status: response.status, waitMs: wait }, 'PingOne asked FlightIQ to wait');
        await sleep(wait);
        continue;
      }
      if (kind !== 'write' && response.status >= 500 && failures < policy.retries) {
        const delay = backoff(policy, failures);
        if (Date.now() + delay < deadline) {
          failures++;
          await sleep(delay);
          continue;
        }
      }
      throw fail(response, failures);
    }
  }

  /** Sends one request, recording its latency and outcome in metrics and the debug log. */
  private async timed(
    path: string,
    method: string,
    request: () => Promise<HttpResponse>,
  ): Promise<HttpResponse> {
    const started = Date.now();
    try {
      const response = await request();
      observe(path, response.status, started);
      this.logger.debug(
        {
          method,
          path,
          status: response.status,
          ms: Date.now() - started,
          correlationId: response.correlationId,
        },
        'PingOne call',
      );
      return response;
    } catch (error) {
      observe(path, 0, started);
      throw error;
    }
  }
}

function backoff(policy: RetryPolicy, tries: number): number {
  return Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** tries);
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

function writeAware(message: string, kind: CallKind): string {
  return kind === 'write'
    ? `${message} The change may or may not have been made: PingOne's answer never came.`
    : message;
}

function limitedError(
  path: string,
  response: HttpResponse,
  why: {
    waits: number;
    asked: number | undefined;
    refusal: 'too_long' | 'too_often' | 'past_deadline';
    policy: RetryPolicy;
  },
): PingOneError {
  const limited = response.status === 429;
  const seconds = why.asked === undefined ? undefined : Math.ceil(why.asked / 1000);
  const what = limited
    ? "PingOne's rate limit was reached"
    : `PingOne answered ${response.status} (unavailable)`;
  const reason = {
    too_long: `and PingOne asked to wait ${seconds} s, longer than FlightIQ waits (${why.policy.maxRetryAfterMs / 1000} s)`,
    too_often: `again after FlightIQ waited ${why.waits} time(s) as PingOne asked`,
    past_deadline: `and waiting ${seconds === undefined ? 'longer' : `the ${seconds} s PingOne asked`} would go past the time this work may take`,
  }[why.refusal];
  return new PingOneError(limited ? 'rate_limited' : 'unavailable', `${what} for ${path}, ${reason}.`, {
    status: response.status,
    correlationId: response.correlationId,
    path,
    retried: why.waits > 0,
    retries: why.waits,
    ...(seconds === undefined ? {} : { retryAfterSeconds: seconds }),
  });
}

function tokenError(response: HttpResponse, retries: number): PingOneError {
  const body = tokenErrorSchema.safeParse(response.body);
  const described = body.success ? (body.data.error_description ?? '') : '';
  const quoted = /Correlation ID: ([\w-]+)/.exec(described)?.[1];
  const correlationId = response.correlationId ?? quoted;
  // The ID is shown once, as the correlation ID; quoted in PingOne's words too, it read as a second one.
  const description =
    quoted && quoted === correlationId
      ? described.replace(/\s*\(Correlation ID: [\w-]+\)/, '').trim()
      : described;
  const details = { status: response.status, correlationId, path: '/as/token' };
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
    case 400: {
      const refused = body.success ? pingOneSaid(body.data) : '';
      return new PingOneError(
        'refused_request',
        `PingOne refused the request to ${path}${refused || ` (answered ${response.status})`}.`,
        details,
      );
    }
    case 401:
      if (insufficientPermissions(response)) {
        return new PingOneError(
          'missing_role',
          `The worker app is not allowed to ${method === 'GET' ? 'read' : 'change'} ${path}${said}. A role granted in the last few minutes may not have taken effect yet: try again shortly.`,
          details,
        );
      }
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

/** 429 and 503 never get here: the retry loop says what waiting for them came to. */
function sharedStatusError(
  path: string,
  response: HttpResponse,
  details: ConstructorParameters<typeof PingOneError>[2],
): PingOneError | undefined {
  if (response.status >= 500) {
    return new PingOneError(
      'unavailable',
      retriesOf(details) > 0
        ? `PingOne answered ${response.status} for ${path}, also after FlightIQ retried ${retriesOf(details)} time(s).`
        : `PingOne answered ${response.status} for ${path}.`,
      { ...details, retried: retriesOf(details) > 0 },
    );
  }
  return undefined;
}

/** How long a fresh token waits for a role granted moments ago (PingOne propagates grants in seconds). */
const rolePropagationWaitMs = 1_500;

function insufficientPermissions(response: HttpResponse): boolean {
  const body = apiErrorSchema.safeParse(response.body);
  return Boolean(
    body.success && body.data.details?.some((detail) => detail.code === 'INSUFFICIENT_PERMISSIONS'),
  );
}

/**
 * PingOne's own words: its message and each detail (`details[]`: the field it names, and why), so a
 * person reads which field was refused rather than "400".
 */
function pingOneSaid(body: {
  message?: string | undefined;
  details?:
    | { code?: string | undefined; target?: string | undefined; message?: string | undefined }[]
    | undefined;
}): string {
  const parts = (body.details ?? [])
    .map((detail) => {
      const why = detail.message ?? detail.code;
      return detail.target ? `${detail.target}: ${why ?? 'refused'}` : why;
    })
    .filter((part): part is string => Boolean(part));
  const message = body.message ? `"${body.message}"` : '';
  if (!message && parts.length === 0) return '';
  return ` (PingOne: ${[message, parts.join('; ')].filter(Boolean).join(' ')})`;
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
