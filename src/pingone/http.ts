import { Agent, type Dispatcher, interceptors, request } from 'undici';
import { PingOneError } from './errors.js';

export interface Deadlines {
  connectMs: number;
  headersMs: number;
  bodyMs: number;
}

/**
 * Tight enough that a check answering a slash command reports a hung PingOne within seconds, not
 * minutes; loose enough for PingOne's normal latency across regions.
 */
export const defaultDeadlines: Deadlines = { connectMs: 2_000, headersMs: 2_500, bodyMs: 2_500 };

export interface RetryPolicy {
  retries: number;
  minDelayMs: number;
  /** Longest wait between tries, whatever Retry-After asks for. */
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { retries: 3, minDelayMs: 250, maxDelayMs: 5_000 };

const retriedStatuses = [429, 500, 502, 503, 504];

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  correlationId: string | undefined;
}

/**
 * One connection pool with deadlines on connect, headers and body, and undici's retry interceptor
 * (429 and 5xx, honouring Retry-After in seconds or as a date, with backoff). Only the methods listed
 * are retried: a token request is safe to repeat, a create is not. Redirects are never followed.
 */
export function createDispatcher(deadlines: Deadlines, retry: RetryPolicy, methods: string[]): Dispatcher {
  return new Agent({
    connect: { timeout: deadlines.connectMs },
    headersTimeout: deadlines.headersMs,
    bodyTimeout: deadlines.bodyMs,
  }).compose(
    interceptors.retry({
      maxRetries: retry.retries,
      minTimeout: retry.minDelayMs,
      maxTimeout: retry.maxDelayMs,
      timeoutFactor: 2,
      retryAfter: true,
      statusCodes: retriedStatuses,
      methods: methods as Dispatcher.HttpMethod[],
      // After the last try the response itself comes back, so its body can say what went wrong.
      throwOnError: false,
    }),
  );
}

export interface SendOptions {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  headers: Record<string, string>;
  body?: string;
  dispatcher: Dispatcher;
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
