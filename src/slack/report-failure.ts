import { randomBytes } from 'node:crypto';
import type { Logger } from '../logger.js';
import { databaseUnavailableMessage, internalErrorMessage } from './views/problem.js';

/**
 * Logs a failure under a short reference and returns the message to show the user with that reference,
 * so a user's screenshot leads an operator straight to the log line.
 */
export function reportFailure(logger: Logger, error: unknown, context: Record<string, unknown>) {
  const reference = randomBytes(4).toString('hex');
  const database = isDatabaseUnavailable(error);
  logger.error(
    { err: error, reference, ...context },
    database ? 'request failed: database unavailable' : 'request failed',
  );
  return database ? databaseUnavailableMessage(reference) : internalErrorMessage(reference);
}

const connectionCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  '57P01',
  '57P03',
  '08006',
  '08001',
]);

/** The database did not answer (refused, dropped, timed out), as opposed to a query that failed. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  if (code && connectionCodes.has(code)) return true;
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
    message ?? '',
  );
}
