import { PingOneError } from '../pingone/errors.js';
import { TenantSecretUnavailableError } from './tenants/service.js';

/** A cause a person can act on, as the front ends show it: what went wrong with PingOne, or with opening a stored secret. */
export interface Problem {
  code: PingOneError['code'] | 'secret_unavailable';
  message: string;
  checks: readonly string[];
  correlationId?: string | undefined;
}

export function problemOf(error: unknown): Problem | undefined {
  if (error instanceof TenantSecretUnavailableError)
    return { code: 'secret_unavailable', message: error.message, checks: [] };
  if (!(error instanceof PingOneError)) return undefined;
  return {
    code: error.code,
    message: error.message,
    checks: error.checks,
    correlationId: error.details.correlationId,
  };
}
