import { Agent, type Dispatcher, request } from 'undici';
import { PingOneError } from './errors.js';

export interface Deadlines {
  connectMs: number;
  headersMs: number;
  bodyMs: number;
}

/**
 * Reads: tight enough that a check answering a slash command reports a hung PingOne within seconds,
 * not minutes; loose enough for PingOne's normal latency across regions.
 */
export const defaultDeadlines: Deadlines = { connectMs: 2_000, headersMs: 2_500, bodyMs: 2_500 };

/**
 * Writes and exports: DaVinci takes seconds to save, deploy or export a large flow. Giving up sooner
 * would leave a change that PingOne goes on to make, reported as failed.
 */
export const defaultWriteDeadlines: Deadlines = { connectMs: 2_000, headersMs: 30_000, bodyMs: 30_000 };

export interface RetryPolicy {
  /** Tries after the first for a 5xx or a broken connection, on calls that are safe to repeat. */
  retries: number;
  minDelayMs: number;
  /** Longest backoff between tries when PingOne gives no Retry-After. */
  maxDelayMs: number;
  /** Longest Retry-After FlightIQ waits for; a longer one fails the call at once. */
  maxRetryAfterMs: number;
  /** Tries after the first for a 429 or 503, each after the wait PingOne asked for. */
  rateLimitRetries: number;
}

/**
 * Retry-After up to 60 s and ten tries in all, as Ping's own Go client does (reference §2.5), always
 * within the deadline of the work the call belongs to.
 */
export const defaultRetryPolicy: RetryPolicy = {
  retries: 3,
  minDelayMs: 250,
  maxDelayMs: 5_000,
  maxRetryAfterMs: 60_000,
  rateLimitRetries: 9,
};

/** One connection pool; deadlines on headers and body are set per request (reads and writes differ). */
export function createDispatcher(connectMs: number): Dispatcher {
  return new Agent({ connect: { timeout: connectMs } });
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  correlationId: string | undefined;
}

export interface SendOptions {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  headers: Record<string, string>;
  body?: string;
  dispatcher: Dispatcher;
  deadlines: Deadlines;
  /** For error messages: the path without host or query. */
  path: string;
}

export async function send(url: string, options: SendOptions): Promise<HttpResponse> {
  let response: Dispatcher.ResponseData;
  try {
    response = await request(url, {
      method: options.method,
      headers: options.headers,
      ...(options.body === undefined ? {} : { body: options.body }),
      dispatcher: options.dispatcher,
      headersTimeout: options.deadlines.headersMs,
      bodyTimeout: options.deadlines.bodyMs,
    });
  } catch (error) {
    throw transportError(error, options.path);
  }
  const correlationId = header(response.headers, 'correlation-id');
  let text: string;
  try {
    text = await response.body.text();
  } catch (error) {
    throw transportError(error, options.path);
  }
  if (response.statusCode >= 300 && response.statusCode < 400) {
    throw new PingOneError(
      'redirect_refused',
      `PingOne answered ${response.statusCode} with a redirect for ${options.path}; FlightIQ does not follow redirects.`,
      { status: response.statusCode, correlationId, path: options.path },
    );
  }
  let body: unknown = text;
  if (text.length > 0) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { status: response.statusCode, headers: response.headers, body, correlationId };
}

/** How long PingOne asked to wait (Retry-After in seconds or as an HTTP date), if it said. */
export function retryAfterMs(response: HttpResponse, now = Date.now()): number | undefined {
  const value = header(response.headers, 'retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export function header(headers: HttpResponse['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

const timeoutCodes = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_ABORTED',
  'ABORT_ERR',
]);

function transportError(error: unknown, path: string): PingOneError {
  const code = (error as { code?: string }).code ?? '';
  if (timeoutCodes.has(code) || (error as Error).name === 'TimeoutError') {
    return new PingOneError(
      'timeout',
      `PingOne did not answer ${path} in time (${code || 'deadline exceeded'}).`,
      { path },
    );
  }
  const reason = code || (error as Error).message || 'connection failed';
  return new PingOneError('network', `Could not reach PingOne for ${path} (${reason}).`, { path });
}
