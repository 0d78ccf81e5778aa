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
 * Ten tries in all for a rate limit, as Ping's own Go client makes (docs/pingone-facts.md, "Rate limits
 * and retries"); Retry-After is honoured up to 60 s (that client caps it at 30 s), always within the
 * deadline of the work the call belongs to.
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
  /** The most an answer may hold: more is not read (a pod's memory is not PingOne's to fill). */
  maxBytes: number;
  /** For error messages: the path without host or query. */
  path: string;
}

/**
 * Answer sizes read at most. A read's answer is a page of a collection; exports, writes and flows read
 * whole are a flow with its subflows, and real ones reach megabytes.
 */
export const answerLimits = { readBytes: 8 * 1024 * 1024, largeBytes: 48 * 1024 * 1024 };

export async function send(url: string, options: SendOptions): Promise<HttpResponse> {
  let response: Dispatcher.ResponseData;
  // The body's deadline starts again with every chunk, so an answer that drips in never ends: the whole
  // request also has a deadline of its own.
  const whole = AbortSignal.timeout(options.deadlines.headersMs + options.deadlines.bodyMs);
  try {
    response = await request(url, {
      method: options.method,
      headers: options.headers,
      ...(options.body === undefined ? {} : { body: options.body }),
      signal: whole,
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
    text = await cappedText(response.body, options.maxBytes, options.path);
  } catch (error) {
    if (error instanceof PingOneError) throw error;
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

/** An answer's text, read a chunk at a time and given up on past `maxBytes`. */
async function cappedText(
  body: Dispatcher.ResponseData['body'],
  maxBytes: number,
  path: string,
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    size += bytes.length;
    if (size > maxBytes) {
      body.destroy();
      throw new PingOneError(
        'unexpected_response',
        `PingOne's answer for ${path} is larger than ${Math.round(maxBytes / 1024 / 1024)} MB; FlightIQ stopped reading it.`,
        { path },
      );
    }
    chunks.push(bytes);
  }
  return Buffer.concat(chunks).toString('utf8');
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
