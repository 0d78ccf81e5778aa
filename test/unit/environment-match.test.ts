import { describe, expect, it } from 'vitest';
import { matchEnvironment } from '../../src/core/environment-match.js';
import type { EnvironmentSummary } from '../../src/core/environments.js';

const env = (name: string, id: string): EnvironmentSummary => ({
  id,
  name,
  type: 'SANDBOX',
  region: 'EU',
  hasDavinci: true,
});
const staging = env('Staging', 'bb22bb22-0000-4000-8000-000000000002');
const prod = env('Prod', 'cc33cc33-0000-4000-8000-000000000003');
const production = env('Production', 'ee55ee55-0000-4000-8000-000000000005');
const all = [staging, prod, production];

describe('matchEnvironment', () => {
  it('finds an environment by ID, whole name or unique prefix, in any case', () => {
    expect(matchEnvironment(all, 'BB22BB22-0000-4000-8000-000000000002')).toEqual({
      ok: true,
      environment: staging,
    });
    expect(matchEnvironment(all, 'staging')).toEqual({ ok: true, environment: staging });
    expect(matchEnvironment(all, 'st')).toEqual({ ok: true, environment: staging });
    expect(matchEnvironment(all, 'productio')).toEqual({ ok: true, environment: production });
  });

  it('prefers a whole name over longer names it starts', () => {
    expect(matchEnvironment(all, 'PROD')).toEqual({ ok: true, environment: prod });
  });

  it('names the candidates when a prefix fits several', () => {
    expect(matchEnvironment(all, 'pro')).toEqual({
      ok: false,
      reason: 'ambiguous',
      asked: 'pro',
      candidates: [prod, production],
    });
  });

  it('names every environment when nothing fits', () => {
    const match = matchEnvironment(all, 'QA');
    expect(match).toMatchObject({ ok: false, reason: 'unknown', candidates: all });
  });

  it('treats two environments with the same name as ambiguous', () => {
    const twin = env('Staging', 'ff66ff66-0000-4000-8000-000000000006');
    expect(matchEnvironment([staging, twin], 'Staging')).toMatchObject({ ok: false, reason: 'ambiguous' });
  });
});
