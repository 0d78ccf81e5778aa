import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openTenantForm, submitTenantForm, validTenant } from '../support/tenant-form.js';
import { useWorld } from '../support/world.js';

/**
 * Random command text and random tenant form submissions, through the real HTTP receiver: every one
 * gets a 200 and a message that is not an internal failure, and the database holds either the whole
 * tenant or nothing of it.
 */

const admin = 'U0ADMIN0001';
const world = useWorld({
  withoutSimulator: true,
  env: { FLIGHTIQ_ADMINS: admin },
  jobs: { disabled: true },
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
          const reply = await world.app.slack.command(`${prefix}${tail}`, { user: admin });
          expect(reply.status).toBe(200);
          await new Promise((r) => setTimeout(r, 20));
          const said = reply.text + JSON.stringify(world.fakeSlack.responsesTo(reply.responseUrl));
          expect(said).not.toContain('failed to do that');
        },
      ),
      { numRuns: 60 },
    );
    expect(world.app.logs.filter((line) => line.includes('"request failed"'))).toEqual([]);
  });

  it('every tenant form submission saves the whole tenant or nothing, with an inline error per bad field', async () => {
    const { view: form } = await openTenantForm(world.app.slack, world.fakeSlack, 'tenant add', admin);
    await fc.assert(
      fc.asyncProperty(text, text, text, text, async (name, environmentId, clientId, clientSecret) => {
        const before = await world.app.service.database.pool.query('SELECT count(*)::int AS n FROM tenants');
        const reply = await submitTenantForm(
          world.app.slack,
          form,
          { ...validTenant, name, environmentId, clientId, clientSecret },
          admin,
          false,
        );
        expect(reply.status).toBe(200);
        const after = await world.app.service.database.pool.query('SELECT count(*)::int AS n FROM tenants');
        if (reply.body?.response_action === 'errors') {
          expect(after.rows[0].n).toBe(before.rows[0].n);
          for (const message of Object.values(reply.body.errors as Record<string, string>)) {
            expect(message.length).toBeGreaterThan(10);
          }
        } else {
          // Saved: the whole tenant, name as typed (trimmed), secret sealed.
          const { rows } = await world.app.service.database.pool.query(
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
