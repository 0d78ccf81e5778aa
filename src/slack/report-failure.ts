import { randomBytes } from 'node:crypto';
import type { Logger } from '../logger.js';
import { internalErrorMessage } from './views/problem.js';

/**
 * Logs a failure under a short reference and returns the message to show the user with that reference,
 * so a user's screenshot leads an operator straight to the log line.
 */
export function reportFailure(logger: Logger, error: unknown, context: Record<string, unknown>) {
  const reference = randomBytes(4).toString('hex');
  logger.error({ err: error, reference, ...context }, 'request failed');
  return internalErrorMessage(reference);
}
