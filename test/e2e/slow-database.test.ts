import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, needsPostgres, type TestDatabase } from '../support/database.js';
import { FakeSlack } from '../support/fake-slack.js';
import { proxiedDatabaseUrl, type TcpProxy } from '../support/tcp-proxy.js';
import { formState, openTenantForm, validTenant } from '../support/tenant-form.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Slack's 3-second rules with a slow database (through a proxy that delays its answers): a form is
 * answered before the database work, and a modal is opened before the database is read.
 */

const admin = 'U0ADMIN0001';
let fakeSlack: FakeSlack;
let database: TestDatabase;
let proxy: TcpProxy;
let app: TestApp;

beforeAll(async () => {
  fakeSlack = await FakeSlack.start();
  fakeSlack.users.set(admin, { id: admin });
  database = await createTestDatabase();
  if (!needsPostgres('slow database through a proxy')) return;
  const proxied = await proxiedDatabaseUrl(database.env.DATABASE_URL ?? '');
  proxy = proxied.proxy;
  app = await startTestApp({
    fakeSlack,
    database,
    env: { FLIGHTIQ_ADMINS: admin, DATABASE_URL: proxied.url },
    jobs: { disabled: true },
  });
});

afterAll(async () => {
  if (proxy) proxy.latencyMs = 0;
  await app?.stop();
  await proxy?.stop();
  await database?.drop();
  await fakeSlack?.stop();
});

describe('with a database that takes seconds to answer', () => {
  it('answers the tenant form at once with "Saving…", then shows it saved', async () => {
    if (!needsPostgres('slow database through a proxy')) return;
    const { view } = await openTenantForm(app.slack, fakeSlack, 'tenant add', admin);
    const updates = fakeSlack.callsOf('views.update').length;
    proxy.latencyMs = 1_200;
    const started = Date.now();
    const reply = await app.slack.viewSubmission(
      {
        callback_id: view.callback_id,
        private_metadata: view.private_metadata,
        id: view.id,
        state: formState(validTenant, false),
      },
      { user: admin },
    );
    // Slack waits 3 s for this answer; the save alone takes several round trips of 1.2 s.
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(reply.status).toBe(200);
    expect(JSON.stringify(reply.body)).toContain('Saving the tenant');
    const saved = await fakeSlack.waitFor(() => fakeSlack.callsOf('views.update')[updates], 20_000);
    proxy.latencyMs = 0;
    expect(saved.args.view_id).toBe(view.id);
    expect(JSON.stringify(saved.args.view)).toContain('Tenant *Acme production* added');
    const { rows } = await (database.pool as NonNullable<typeof database.pool>).query(
      'SELECT name FROM tenants',
    );
    expect(rows).toEqual([{ name: 'Acme production' }]);
    expect(fakeSlack.refusals).toEqual([]);
  }, 30_000);

  it('opens the edit form before reading the tenant, so the trigger does not expire', async () => {
    if (!needsPostgres('slow database through a proxy')) return;
    proxy.latencyMs = 3_500;
    const { view } = await openTenantForm(app.slack, fakeSlack, 'tenant edit Acme production', admin);
    proxy.latencyMs = 0;
    expect(JSON.stringify(view)).toContain('"initial_value":"Acme production"');
    expect(fakeSlack.refusals.filter((refusal) => refusal.method === 'views.open')).toEqual([]);
  }, 20_000);
});
