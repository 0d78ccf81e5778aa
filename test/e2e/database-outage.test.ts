import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, needsPostgres, type TestDatabase } from '../support/database.js';
import { FakeSlack } from '../support/fake-slack.js';
import { proxiedDatabaseUrl, type TcpProxy } from '../support/tcp-proxy.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** PostgreSQL going away under a running app (through a proxy the test cuts), and coming back. */

const admin = 'U0ADMIN0001';
let fakeSlack: FakeSlack;
let database: TestDatabase;
let proxy: TcpProxy | undefined;
let app: TestApp | undefined;

beforeAll(async () => {
  fakeSlack = await FakeSlack.start();
  database = await createTestDatabase();
});

afterAll(async () => {
  proxy?.restore();
  await app?.stop();
  await proxy?.stop();
  await database?.drop();
  await fakeSlack?.stop();
});

describe('database outage', () => {
  it('answers within 3 s with a clear message, fails /readyz, and recovers with nothing lost', async () => {
    if (!needsPostgres('database outage through a proxy')) return;
    const proxied = await proxiedDatabaseUrl(database.env.DATABASE_URL ?? '');
    proxy = proxied.proxy;
    app = await startTestApp({
      fakeSlack,
      database,
      env: { FLIGHTIQ_ADMINS: admin, DATABASE_URL: proxied.url },
      jobs: { disabled: true },
    });
    const added = await app.service.services.tenants.add(
      { userId: admin },
      {
        name: 'Acme',
        region: 'eu',
        environmentId: 'aa11aa11-0000-4000-8000-000000000001',
        clientId: '5e0f1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b',
        clientSecret: 'outage-secret-0123456789',
        authMethod: 'client_secret_basic',
      },
    );
    expect(added.outcome).toBe('saved');

    proxy.cut();
    expect((await fetch(`${app.url}/readyz`)).status).toBe(503);
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    const started = Date.now();
    const reply = await app.slack.command('tenant list', { user: admin });
    expect(reply.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(3_000);
    const answer = await fakeSlack.waitFor(() => fakeSlack.responsesTo(reply.responseUrl).at(-1), 10_000);
    expect(JSON.stringify(answer)).toContain(
      'cannot reach its database right now, so nothing was read or changed',
    );
    expect(JSON.stringify(answer)).not.toContain('ECONNREFUSED');

    proxy.restore();
    const deadline = Date.now() + 15_000;
    while ((await fetch(`${app.url}/readyz`)).status !== 200) {
      if (Date.now() > deadline) throw new Error('/readyz did not recover');
      await new Promise((r) => setTimeout(r, 200));
    }
    const again = await app.slack.command('tenant list', { user: admin });
    const listed = await fakeSlack.waitFor(() => fakeSlack.responsesTo(again.responseUrl).at(-1), 10_000);
    expect(JSON.stringify(listed)).toContain('*Acme*');
  });
});
