import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createLogger } from '../../../src/logger.js';
import { type PingOneWait, withCallContext } from '../../../src/pingone/call-context.js';
import { PingOneClient, type WorkerCredentials } from '../../../src/pingone/client.js';
import { PingOneError } from '../../../src/pingone/errors.js';

const auth = 'https://auth.pingone.eu';
const api = 'https://api.pingone.eu';
const envId = 'aa11aa11-0000-4000-8000-000000000001';
const clientId = '5e0f1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b';
const secret = 'se:cr/et+value';
const logger = createLogger({ level: 'silent', pretty: false });

function credentials(overrides: Partial<WorkerCredentials> = {}): WorkerCredentials {
  return {
    cacheKey: `tenant-${Math.random()}`,
    region: 'eu',
    environmentId: envId,
    clientId,
    authMethod: 'client_secret_basic',
    secret: async () => secret,
    ...overrides,
  };
}

function client(retry = { retries: 2, minDelayMs: 10, maxDelayMs: 1_500 }) {
  return new PingOneClient({ logger, retry, deadlines: { connectMs: 500, headersMs: 400, bodyMs: 400 } });
}

const tokenPath = `/${envId}/as/token`;
const goodToken = { access_token: 'jwt-1', token_type: 'Bearer', expires_in: 3600 };

async function failure(promise: Promise<unknown>): Promise<PingOneError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(PingOneError);
    return error as PingOneError;
  }
  throw new Error('expected a PingOneError');
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('token requests', () => {
  it('client_secret_basic sends form-encoded credentials in a Basic header and only the grant in the body', async () => {
    const expected = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString(
      'base64',
    );
    const scope = nock(auth)
      .post(tokenPath, 'grant_type=client_credentials')
      .matchHeader('authorization', `Basic ${expected}`)
      .matchHeader('content-type', 'application/x-www-form-urlencoded')
      .reply(200, goodToken);
    const token = await client().token(credentials());
    expect(token.accessToken).toBe('jwt-1');
    expect(token.expiresInSeconds).toBe(3600);
    scope.done();
  });

  it('client_secret_post sends the credentials in the body and no Authorization header', async () => {
    const scope = nock(auth, { badheaders: ['authorization'] })
      .post(
        tokenPath,
        (body) =>
          body.grant_type === 'client_credentials' &&
          body.client_id === clientId &&
          body.client_secret === secret,
      )
      .reply(200, goodToken);
    await client().token(credentials({ authMethod: 'client_secret_post' }));
    scope.done();
  });

  it('maps invalid_client to bad credentials or method, keeping the correlation ID PingOne quotes', async () => {
    nock(auth).post(tokenPath).reply(401, {
      error: 'invalid_client',
      error_description: 'Request denied: Unsupported authentication method (Correlation ID: 4c1f-77aa)',
    });
    const error = await failure(client().token(credentials()));
    expect(error.code).toBe('client_authentication_failed');
    expect(error.details.correlationId).toBe('4c1f-77aa');
    // Shown once, as the correlation ID: not a second time inside PingOne's words.
    expect(error.message).toContain('"Request denied: Unsupported authentication method"');
    expect(error.message).not.toContain('4c1f-77aa');
    expect(error.checks).toContain('The worker app is enabled.');
    expect(error.message).not.toContain(secret);
  });

  it.each([['unauthorized_client'], ['unsupported_grant_type']])(
    'maps %s to the grant not being enabled',
    async (code) => {
      nock(auth).post(tokenPath).reply(400, { error: code, error_description: 'Request denied' });
      expect((await failure(client().token(credentials()))).code).toBe('grant_not_enabled');
    },
  );

  it('keeps a quoted correlation ID that differs from the header, which is the one shown', async () => {
    nock(auth)
      .post(tokenPath)
      .reply(
        401,
        { error: 'invalid_client', error_description: 'Request denied (Correlation ID: aaaa-1111)' },
        { 'correlation-id': 'bbbb-2222' },
      );
    const error = await failure(client().token(credentials()));
    expect(error.details.correlationId).toBe('bbbb-2222');
    expect(error.message).toContain('(Correlation ID: aaaa-1111)');
  });

  it('maps a 404 at the token endpoint to a wrong environment ID', async () => {
    nock(auth)
      .post(tokenPath)
      .reply(404, { id: 'x', code: 'NOT_FOUND', message: 'The requested resource was not found.' });
    expect((await failure(client().token(credentials()))).code).toBe('environment_not_found');
  });

  it('retries a 503 on the token request, then succeeds', async () => {
    nock(auth).post(tokenPath).reply(503, {}).post(tokenPath).reply(200, goodToken);
    expect((await client().token(credentials())).accessToken).toBe('jwt-1');
  });

  it('shares one token request among concurrent callers, and reuses the token', async () => {
    const scope = nock(auth).post(tokenPath).delay(50).reply(200, goodToken);
    const pingone = client();
    const same = credentials();
    const tokens = await Promise.all(Array.from({ length: 50 }, () => pingone.token(same)));
    expect(new Set(tokens.map((token) => token.accessToken)).size).toBe(1);
    expect((await pingone.token(same)).accessToken).toBe('jwt-1');
    expect(pingone.tokens.stats.mints).toBe(1);
    scope.done();
  });

  it('refuses a token response that is not one', async () => {
    nock(auth).post(tokenPath).reply(200, '<html>proxy login</html>');
    expect((await failure(client().token(credentials()))).code).toBe('unexpected_response');
  });
});

describe('API calls', () => {
  const path = `/environments/${envId}/variables`;
  const page = (items: unknown[], next?: string) => ({
    _links: { self: { href: `${api}/v1${path}` }, ...(next ? { next: { href: next } } : {}) },
    _embedded: { variables: items },
  });
  const item = z.looseObject({ id: z.string() });

  function withToken() {
    return nock(auth).post(tokenPath).reply(200, goodToken);
  }

  it('follows _links.next to the last page', async () => {
    withToken();
    nock(api)
      .get(`/v1${path}`)
      .matchHeader('authorization', 'Bearer jwt-1')
      .reply(200, page([{ id: '1' }, { id: '2' }], `${api}/v1${path}?cursor=abc`))
      .get(`/v1${path}`)
      .query({ cursor: 'abc' })
      .reply(200, page([{ id: '3' }]));
    const result = await client().collect(credentials(), path, 'variables', item);
    expect(result.items.map((v) => v.id)).toEqual(['1', '2', '3']);
    expect(result).toMatchObject({ pages: 2, truncated: false });
  });

  it('stops at the page cap and says the list was cut', async () => {
    withToken();
    nock(api)
      .get(`/v1${path}`)
      .reply(200, page([{ id: '1' }], `${api}/v1${path}?cursor=more`));
    const result = await client().collect(credentials(), path, 'variables', item, { pageCap: 1 });
    expect(result).toMatchObject({ truncated: true, pages: 1 });
  });

  it('refuses a next link to another host', async () => {
    withToken();
    nock(api).get(`/v1${path}`).reply(200, page([], 'https://evil.example/v1/steal'));
    expect((await failure(client().collect(credentials(), path, 'variables', item))).code).toBe(
      'unexpected_response',
    );
  });

  it('keeps fields it does not know', async () => {
    withToken();
    nock(api)
      .get(`/v1${path}`)
      .reply(200, page([{ id: '1', brandNewField: true }]));
    const result = await client().collect(credentials(), path, 'variables', item);
    expect(result.items[0]).toEqual({ id: '1', brandNewField: true });
  });

  it('mints a new token once when PingOne rejects the cached one', async () => {
    nock(auth)
      .post(tokenPath)
      .reply(200, goodToken)
      .post(tokenPath)
      .reply(200, { ...goodToken, access_token: 'jwt-2' });
    nock(api)
      .get(`/v1${path}`)
      .matchHeader('authorization', 'Bearer jwt-1')
      .reply(401, { code: 'ACCESS_FAILED' })
      .get(`/v1${path}`)
      .matchHeader('authorization', 'Bearer jwt-2')
      .reply(200, page([]));
    await expect(client().collect(credentials(), path, 'variables', item)).resolves.toMatchObject({
      items: [],
    });
  });

  it('gives up after one new token if PingOne still says 401', async () => {
    nock(auth).post(tokenPath).times(2).reply(200, goodToken);
    nock(api)
      .get(`/v1${path}`)
      .times(2)
      .reply(401, { code: 'ACCESS_FAILED', message: 'You do not have access to this resource.' });
    expect((await failure(client().get(credentials(), path))).code).toBe('token_rejected');
  });

  it('maps 403 ACCESS_FAILED to a missing role, with the data checks and the correlation ID', async () => {
    withToken();
    nock(api).get(`/v1${path}`).reply(
      403,
      {
        id: 'e1',
        code: 'ACCESS_FAILED',
        message: 'You do not have permissions or are not licensed to make this request.',
      },
      { 'Correlation-Id': 'corr-403' },
    );
    const error = await failure(client().get(credentials(), path));
    expect(error.code).toBe('missing_role');
    expect(error.details.correlationId).toBe('corr-403');
    expect(error.checks[0]).toContain('roles include the selected environment');
  });

  it('maps 404 to not found', async () => {
    withToken();
    nock(api).get(`/v1${path}`).reply(404, { code: 'NOT_FOUND' });
    expect((await failure(client().get(credentials(), path))).code).toBe('not_found');
  });

  it('honours Retry-After in seconds', async () => {
    withToken();
    nock(api)
      .get(`/v1${path}`)
      .reply(429, { code: 'REQUEST_LIMITED' }, { 'Retry-After': '1' })
      .get(`/v1${path}`)
      .reply(200, page([]));
    const started = Date.now();
    await client().get(credentials(), path);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('honours Retry-After as an HTTP date', async () => {
    withToken();
    const when = new Date(Date.now() + 1_200).toUTCString();
    nock(api)
      .get(`/v1${path}`)
      .reply(503, {}, { 'Retry-After': when })
      .get(`/v1${path}`)
      .reply(200, page([]));
    const started = Date.now();
    await client().get(credentials(), path);
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
  });

  it('does not wait longer than 60 s: a longer Retry-After fails at once and says how long PingOne asked', async () => {
    withToken();
    const scope = nock(api)
      .get(`/v1${path}`)
      .reply(429, { code: 'REQUEST_LIMITED' }, { 'Retry-After': '3600' });
    const started = Date.now();
    const error = await failure(client().get(credentials(), path));
    expect(error.code).toBe('rate_limited');
    expect(error.details.retryAfterSeconds).toBe(3600);
    expect(error.message).toContain('asked to wait 3600 s, longer than FlightIQ waits (60 s)');
    expect(Date.now() - started).toBeLessThan(1_000);
    scope.done();
  });

  it('tells the work it belongs to that it is waiting for the rate limit, and how long', async () => {
    withToken();
    nock(api)
      .get(`/v1${path}`)
      .reply(429, { code: 'REQUEST_LIMITED' }, { 'Retry-After': '1' })
      .get(`/v1${path}`)
      .reply(200, page([]));
    const waits: PingOneWait[] = [];
    await withCallContext({ onWait: (wait) => waits.push(wait) }, () => client().get(credentials(), path));
    expect(waits).toEqual([{ reason: 'rate_limited', seconds: 1, path }]);
  });

  it('does not wait past the deadline of the work it belongs to', async () => {
    withToken();
    nock(api).get(`/v1${path}`).reply(429, { code: 'REQUEST_LIMITED' }, { 'Retry-After': '30' });
    const started = Date.now();
    const error = await failure(
      withCallContext({ timeoutMs: 5_000 }, () => client().get(credentials(), path)),
    );
    expect(error.code).toBe('rate_limited');
    expect(error.message).toContain('would go past the time this work may take');
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('sends a change again after a 429, which means PingOne did not act on it', async () => {
    withToken();
    const scope = nock(api)
      .put(`/v1${path}/1`)
      .reply(429, { code: 'REQUEST_LIMITED' }, { 'Retry-After': '0' })
      .put(`/v1${path}/1`)
      .reply(200, { id: '1' });
    await expect(
      client().send(credentials(), { method: 'PUT', path: `${path}/1`, body: { name: 'x' } }),
    ).resolves.toEqual({ id: '1' });
    scope.done();
  });

  it('never sends a change twice after a 500: PingOne may have acted on it', async () => {
    withToken();
    const scope = nock(api).post(`/v1${path}`).reply(500, { code: 'UNEXPECTED_ERROR' });
    const error = await failure(client().send(credentials(), { method: 'POST', path, body: { name: 'x' } }));
    expect(error.code).toBe('unavailable');
    scope.done();
  });

  it('maps a lasting 5xx to PingOne being unavailable', async () => {
    withToken();
    nock(api).get(`/v1${path}`).times(3).reply(502, 'Bad Gateway');
    expect((await failure(client().get(credentials(), path))).code).toBe('unavailable');
  });

  it('does not follow a redirect', async () => {
    withToken();
    const elsewhere = nock('https://evil.example').get(/.*/).reply(200, {});
    nock(api).get(`/v1${path}`).reply(302, '', { Location: 'https://evil.example/collect' });
    expect((await failure(client().get(credentials(), path))).code).toBe('redirect_refused');
    expect(elsewhere.isDone()).toBe(false);
  });

  it("gives PingOne's own words for a refused request: the message and each field it names", async () => {
    withToken();
    nock(api)
      .post(`/v1${path}`)
      .reply(400, {
        code: 'INVALID_DATA',
        message: 'The request could not be completed. One or more validation errors were in the request.',
        details: [
          { code: 'INVALID_VALUE', target: 'name', message: 'must not contain "<"' },
          { code: 'REQUIRED_VALUE', target: 'graphData.boxSelectionEnabled', message: 'is required' },
        ],
      });
    const error = await failure(client().send(credentials(), { method: 'POST', path, body: { name: 'x' } }));
    expect(error.code).toBe('refused_request');
    expect(error.message).toBe(
      `PingOne refused the request to ${path} (PingOne: "The request could not be completed. One or more validation errors were in the request." name: must not contain "<"; graphData.boxSelectionEnabled: is required).`,
    );
  });

  it('takes a 401 for missing permissions as a missing role, after giving a new grant a moment', async () => {
    const insufficient = {
      code: 'ACCESS_FAILED',
      message: 'The request could not be completed. You do not have access to this resource.',
      details: [{ code: 'INSUFFICIENT_PERMISSIONS', message: 'Actor does not have permissions.' }],
    };
    nock(auth).post(tokenPath).times(2).reply(200, goodToken);
    nock(api).get(`/v1${path}`).times(2).reply(401, insufficient);
    const started = Date.now();
    const error = await failure(client().get(credentials(), path));
    expect(error.code).toBe('missing_role');
    expect(error.message).toContain('A role granted in the last few minutes may not have taken effect yet');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);

    // Granted in the meantime: the second try finds it.
    nock(auth).post(tokenPath).times(2).reply(200, goodToken);
    nock(api).get(`/v1${path}`).reply(401, insufficient).get(`/v1${path}`).reply(200, { ok: true });
    expect(await client().get(credentials(), path)).toEqual({ ok: true });
  });

  it('sends requests only to the regional hosts of the tenant', async () => {
    const australia = nock('https://auth.pingone.com.au').post(tokenPath).reply(200, goodToken);
    await client().token(credentials({ region: 'com.au' }));
    australia.done();
  });
});

describe('where requests go', () => {
  it("sends nothing for a region that is not one of PingOne's, whatever the database holds", async () => {
    const error = await failure(client().token(credentials({ region: 'evil.example/x' as never })));
    expect(error.code).toBe('redirect_refused');
    expect(error.message).toContain("stored region is not one of PingOne's, so FlightIQ sent nothing");
    expect(error.message).not.toContain('evil');
  });
});
