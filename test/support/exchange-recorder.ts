import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

/**
 * One request to the simulator's API and the answer it gave, as the contract test checks them against
 * Ping's OpenAPI documents (test/support/openapi-contract.ts).
 */
export interface RecordedExchange {
  method: string;
  /** As sent, with the `/v1` prefix and the query: `/v1/environments?expand=billOfMaterials`. */
  path: string;
  requestContentType: string | undefined;
  /** Parsed JSON; the raw text when it is not JSON; absent when the request had no body. */
  requestBody: unknown;
  status: number;
  responseContentType: string | undefined;
  responseBody: unknown;
  /** Answered by a fault a test injected (`sim.fail`), not by the simulator's model of PingOne. */
  fault: boolean;
}

/**
 * Starts recording one exchange: the answer is taken from `res` as it is sent, whichever branch of the
 * simulator sends it, so nothing else in the simulator has to know about recording.
 */
export function recordExchange(
  req: IncomingMessage,
  requestBody: string,
  res: ServerResponse,
  into: RecordedExchange[],
): RecordedExchange {
  const exchange: RecordedExchange = {
    method: req.method ?? 'GET',
    path: req.url ?? '/',
    requestContentType: mediaType(req.headers['content-type']),
    requestBody: parsed(requestBody),
    status: 0,
    responseContentType: undefined,
    responseBody: undefined,
    fault: false,
  };
  // writeHead(status, headers) keeps its headers out of getHeader() unless one was set before it,
  // so they are read from the call itself.
  let written: OutgoingHttpHeaders = {};
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  res.writeHead = ((...args: unknown[]) => {
    const headers = args.find((arg, i) => i > 0 && typeof arg === 'object' && arg !== null);
    if (headers && !Array.isArray(headers)) written = headers as OutgoingHttpHeaders;
    return writeHead(...args);
  }) as ServerResponse['writeHead'];
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.end = ((...args: unknown[]) => {
    exchange.status = res.statusCode;
    exchange.responseContentType = mediaType(written['content-type'] ?? res.getHeader('content-type'));
    const chunk = args[0];
    exchange.responseBody =
      typeof chunk === 'string' || Buffer.isBuffer(chunk) ? parsed(chunk.toString()) : undefined;
    into.push(exchange);
    return end(...args);
  }) as ServerResponse['end'];
  return exchange;
}

function mediaType(header: string | number | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  return value === undefined ? undefined : String(value).split(';')[0]?.trim().toLowerCase();
}

function parsed(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
