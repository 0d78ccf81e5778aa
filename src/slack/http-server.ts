import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { HTTPReceiver } from '@slack/bolt';
import type { Logger } from '../logger.js';

export const slackEventsPath = '/slack/events';

/** Slack signs each request with its send time; Bolt rejects old ones, we also reject ones from the future. */
const maxClockSkewSeconds = 5 * 60;

export interface HttpServerParts {
  /** Bolt's receiver in HTTP mode; absent in Socket Mode, where this server only answers health checks. */
  receiver?: HTTPReceiver;
  /** Resolves when the database answers. */
  checkDatabase: () => Promise<void>;
  logger: Logger;
}

/**
 * The one HTTP server of a replica: `GET /healthz` (the process is up), `GET /readyz` (the database
 * answers; a load balancer takes the replica out while it does not), and in HTTP mode Slack's requests.
 */
export function createHttpServer({ receiver, checkDatabase, logger }: HttpServerParts): Server {
  const ready = cachedReadiness(checkDatabase, logger);
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method === 'GET' && path === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (req.method === 'GET' && path === '/readyz') {
      ready().then(
        () => sendJson(res, 200, { status: 'ready' }),
        () => sendJson(res, 503, { status: 'unavailable', reason: 'database not reachable' }),
      );
      return;
    }
    if (receiver && path === slackEventsPath) {
      if (isFutureDated(req)) {
        logger.warn('refused a Slack request dated more than 5 minutes in the future');
        return sendJson(res, 401, { error: 'invalid request timestamp' });
      }
      try {
        receiver.requestListener(req, res);
      } catch (error) {
        logger.error({ err: error }, 'Slack request could not be dispatched');
        if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      }
      return;
    }
    sendJson(res, 404, { error: 'not found' });
  });
  // Slack never keeps connections open for long; idle sockets would only delay shutdown.
  server.keepAliveTimeout = 5_000;
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  return server;
}

/**
 * /readyz can be asked by every probe, load balancer and curious client at once, and is not signed:
 * its database probe runs at most once per `cacheMs` (one in flight at a time; callers in between share
 * its answer), and a failing database is logged once per `logEveryMs` with how many failures were
 * not, so neither the database nor the log can be flooded through it.
 */
export function cachedReadiness(
  check: () => Promise<void>,
  logger: Logger,
  { cacheMs = 1_000, logEveryMs = 60_000, now = () => performance.now() } = {},
): () => Promise<void> {
  let last: { at: number; result: Promise<void>; settled: boolean } | undefined;
  let loggedAt = Number.NEGATIVE_INFINITY;
  let notLogged = 0;
  return () => {
    const at = now();
    if (last && (!last.settled || at - last.at < cacheMs)) return last.result;
    const probe = { at, result: check(), settled: false };
    last = probe;
    probe.result.then(
      () => {
        probe.settled = true;
      },
      (error: unknown) => {
        probe.settled = true;
        if (at - loggedAt < logEveryMs) {
          notLogged++;
          return;
        }
        logger.warn(
          { err: error, failuresNotLogged: notLogged },
          'readiness check failed: database not reachable',
        );
        loggedAt = at;
        notLogged = 0;
      },
    );
    return probe.result;
  };
}

function isFutureDated(req: IncomingMessage): boolean {
  const header = req.headers['x-slack-request-timestamp'];
  const sent = Number(Array.isArray(header) ? header[0] : header);
  return Number.isFinite(sent) && sent > Date.now() / 1000 + maxClockSkewSeconds;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
