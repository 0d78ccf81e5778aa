import type { EnvironmentSummary } from './environments.js';

export type EnvironmentMatch =
  | { ok: true; environment: EnvironmentSummary }
  | { ok: false; reason: 'unknown' | 'ambiguous'; asked: string; candidates: EnvironmentSummary[] };

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function looksLikeEnvironmentId(text: string): boolean {
  return uuid.test(text);
}

/**
 * The environment a person means by `--env`: its ID, its whole name, or a prefix of its name that
 * only one environment has (all case-insensitive). A whole name wins over longer names it prefixes
 * ("Prod" over "Production" when both exist). Anything else names the candidates instead of guessing.
 */
export function matchEnvironment(
  environments: readonly EnvironmentSummary[],
  asked: string,
): EnvironmentMatch {
  const wanted = asked.trim().toLowerCase();
  const byId = environments.find((env) => env.id.toLowerCase() === wanted);
  if (byId) return { ok: true, environment: byId };
  const exact = environments.filter((env) => env.name.toLowerCase() === wanted);
  if (exact.length === 1 && exact[0]) return { ok: true, environment: exact[0] };
  if (exact.length > 1) return { ok: false, reason: 'ambiguous', asked, candidates: exact };
  const prefixed = environments.filter((env) => env.name.toLowerCase().startsWith(wanted));
  if (prefixed.length === 1 && prefixed[0]) return { ok: true, environment: prefixed[0] };
  if (prefixed.length > 1) return { ok: false, reason: 'ambiguous', asked, candidates: prefixed };
  return { ok: false, reason: 'unknown', asked, candidates: [...environments] };
}
