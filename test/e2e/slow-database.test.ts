import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertListSnapshot } from '../../src/store/list-snapshots.js';
import { createTestDatabase, needsPostgres, type TestDatabase } from '../support/database.js';
import { FakeSlack, fakeTeamId } from '../support/fake-slack.js';
import { proxiedDatabaseUrl, type TcpProxy } from '../support/tcp-proxy.js';
import { formState, openTenantForm, validTenant } from '../support/tenant-form.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Slack's 3-second rules with a slow database (through a proxy that delays its answers): a form is
 * answered before the database work, a modal is opened before the database is read, and a button
 * click that changes nothing is acknowledged without waiting for its duplicate-delivery check (which
 * gives up after 500 ms; one that changes something is refused instead, see promotions.test.ts).
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
    // The form opens as "Loading…" at once; it is filled in after the tenant's read of 3.5 s or more.
    const { view } = await openTenantForm(app.slack, fakeSlack, 'tenant edit Acme production', admin, 15_000);
    proxy.latencyMs = 0;
    expect(JSON.stringify(view)).toContain('"initial_value":"Acme production"');
    expect(fakeSlack.refusals.filter((refusal) => refusal.method === 'views.open')).toEqual([]);
  }, 20_000);

  it('acknowledges a button click without waiting for the duplicate check, then acts on it once', async () => {
    if (!needsPostgres('slow database through a proxy')) return;
    const pool = database.pool as NonNullable<typeof database.pool>;
    const added = await app.service.services.tenants.add(
      { userId: admin },
      {
        name: 'Paging tenant',
        region: 'eu',
        environmentId: 'aa11aa11-0000-4000-8000-000000000001',
        clientId: '5e0f1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b',
        clientSecret: 'slow-database-secret-0123456789',
        authMethod: 'client_secret_basic',
      },
    );
    if (added.outcome !== 'saved') throw new Error(`tenant not added: ${added.outcome}`);
    // The list the button pages through, stored straight into the database (not through the proxy).
    const snapshotId = randomUUID();
    const stored = [{ id: 'app-1', cells: { id: 'app-1', name: 'Checkout app', flowPolicies: null } }];
    await insertListSnapshot(
      pool,
      {
        id: snapshotId,
        ownerId: admin,
        teamId: fakeTeamId,
        tenantId: added.tenant.id,
        tenantName: 'Paging tenant',
        kind: 'apps',
        environmentId: 'aa11aa11-0000-4000-8000-000000000001',
        environmentName: 'Staging',
        filter: '',
        truncated: false,
        rows: stored,
        leftOut: 0,
        createdAt: new Date(),
        expiresAt: new Date(Date.now() + 3_600_000),
      },
      JSON.stringify(stored),
      { keep: 10, maxBytes: 8_000_000 },
    );
    const payload = {
      type: 'block_actions',
      team: { id: fakeTeamId, domain: 'fake' },
      user: { id: admin, username: 'admin', team_id: fakeTeamId },
      api_app_id: 'A0FAKEAPP1',
      trigger_id: fakeSlack.issueTriggerId(),
      response_url: fakeSlack.issueResponseUrl(),
      container: { type: 'message', channel_id: 'C0CHANNEL1', message_ts: '1.1' },
      actions: [
        {
          type: 'button',
          action_id: 'list_page_next',
          block_id: 'actions',
          value: JSON.stringify({ s: snapshotId, p: 0 }),
          action_ts: '1',
        },
      ],
    };

    // Every answer of the database now takes longer than Slack waits for the acknowledgement.
    const logged = app.logs.length;
    const logsSince = () => app.logs.slice(logged);
    proxy.latencyMs = 4_000;
    const started = Date.now();
    const reply = await app.slack.interaction(payload);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(reply.status).toBe(200);
    // The duplicate check was given up on, and the click handled: the page is read after the answer.
    expect(logsSince().some((line) => line.includes('could not check for a repeated Slack delivery'))).toBe(
      true,
    );
    expect(fakeSlack.responsesTo(payload.response_url)).toEqual([]);
    const shown = await fakeSlack.waitFor(() => fakeSlack.responsesTo(payload.response_url).at(-1), 20_000);
    proxy.latencyMs = 0;
    expect(JSON.stringify(shown)).toContain('Checkout app');

    // Only the wait was given up: the delivery was still recorded, so Slack sending it again once the
    // database is answering is dropped.
    const { rows } = await pool.query(
      'SELECT count(*)::int AS n FROM slack_deliveries WHERE delivery_id = $1',
      [payload.trigger_id],
    );
    expect(rows[0].n).toBe(1);
    const again = await app.slack.interaction(payload, { headers: { 'x-slack-retry-num': '1' } });
    expect(again.status).toBe(200);
    await fakeSlack.waitFor(
      () => logsSince().some((line) => line.includes('ignored a repeated Slack delivery')),
      5_000,
    );
    expect(fakeSlack.responsesTo(payload.response_url)).toHaveLength(1);
    expect(fakeSlack.refusals).toEqual([]);
  }, 40_000);
});
