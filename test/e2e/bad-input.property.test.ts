import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { FakeSlack } from '../support/fake-slack.js';
import { openTenantForm, submitTenantForm, validTenant } from '../support/tenant-form.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Random command text and random tenant form submissions, through the real HTTP receiver: every one
 * gets a 200 and a message that is not an internal failure, and the database holds either the whole
 * tenant or nothing of it.
 */

const admin = 'U0ADMIN0001';
let fakeSlack: FakeSlack;
let database: TestDatabase;
let app: TestApp;

beforeAll(async () => {
  fakeSlack = await FakeSlack.start();
  database = await createTestDatabase();
  app = await startTestApp({
    fakeSlack,
    database,
    env: { FLIGHTIQ_ADMINS: admin },
    jobs: { disabled: true },
  });
});

afterAll(async () => {
  await app?.stop();
  await database?.drop();
  await fakeSlack?.stop();
});

const text = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 100 }),
  fc.string({ unit: 'binary', maxLength: 100 }),
  fc.constantFrom("'; DROP TABLE tenants; --", '<!channel>', 'x'.repeat(3000), '', '\u0000\u202e'),
);

describe('random input through Slack', () => {
  it('every command text gets an answer, never an internal failure', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('', 'list ', 'promote ', 'tenant ', 'audit ', 'envs ', 'test ', 'promotions '),
        text,
        async (prefix, tail) => {
          const reply = await app.slack.command(`${prefix}${tail}`, { user: admin });
          expect(reply.status).toBe(200);
          await new Promise((r) => setTimeout(r, 20));
          const said = reply.text + JSON.stringify(fakeSlack.responsesTo(reply.responseUrl));
          expect(said).not.toContain('failed to do that');
        },
      ),
      { numRuns: 60 },
    );
    expect(app.logs.filter((line) => line.includes('"request failed"'))).toEqual([]);
  });

  it('every tenant form submission saves the whole tenant or nothing, with an inline error per bad field', async () => {
    const { view: form } = await openTenantForm(app.slack, fakeSlack, 'tenant add', admin);
    await fc.assert(
      fc.asyncProperty(text, text, text, text, async (name, environmentId, clientId, clientSecret) => {
        const before = await app.service.database.pool.query('SELECT count(*)::int AS n FROM tenants');
        const reply = await submitTenantForm(
          app.slack,
          form,
          { ...validTenant, name, environmentId, clientId, clientSecret },
          admin,
          false,
        );
        expect(reply.status).toBe(200);
        const after = await app.service.database.pool.query('SELECT count(*)::int AS n FROM tenants');
        if (reply.body?.response_action === 'errors') {
          expect(after.rows[0].n).toBe(before.rows[0].n);
          for (const message of Object.values(reply.body.errors as Record<string, string>)) {
            expect(message.length).toBeGreaterThan(10);
          }
        } else {
          // Saved: the whole tenant, name as typed (trimmed), secret sealed.
          const { rows } = await app.service.database.pool.query(
            'SELECT name, secret_ciphertext FROM tenants WHERE name = $1',
            [name.trim()],
          );
          expect(rows).toHaveLength(1);
          expect(rows[0].secret_ciphertext.includes(Buffer.from(clientSecret.trim()))).toBe(false);
        }
      }),
      { numRuns: 40 },
    );
  });
});
