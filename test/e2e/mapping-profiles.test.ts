import { beforeEach, describe, expect, it } from 'vitest';
import { promotionDriver } from '../support/promotion-driver.js';
import { production } from '../support/promotion-fixtures.js';
import { objects, seedReferenceData } from '../support/reference-fixtures.js';
import { useWorld } from '../support/world.js';

/**
 * A promotion blocked because Production calls a population by another name, fixed by an operator's
 * mapping profile entry (docs/promotions.md, "Mapping profiles"): the approver sees the entry on the
 * card, and the flow written into Production carries Production's ID.
 */

const admin = 'U0ADMIN0001';
const operator = 'U0OPERATOR1';
const approver = 'U0APPROVER1';
const reader = 'U0READER001';
const approvals = 'C0APPROVALS';

const world = useWorld({
  users: Object.fromEntries([admin, operator, approver, reader].map((user) => [user, {}])),
  env: {
    FLIGHTIQ_ADMINS: admin,
    FLIGHTIQ_OPERATORS: operator,
    FLIGHTIQ_APPROVERS: approver,
    FLIGHTIQ_APPROVAL_CHANNEL: approvals,
    // The sample flows log at Debug, as Ping's exports often do; the lint gate has its own tests.
    FLIGHTIQ_LINT: 'warn',
  },
  fresh: { promotions: true, tables: ['mapping_entries', 'promotions', 'tenants'], tenant: 'Acme' },
  admin,
});

const { latest, waitForStatus, click } = promotionDriver(world);
const renamed = 'Customer accounts';

beforeEach(() => {
  seedReferenceData(world.sim);
  const population = world.sim.data.collections[production]?.populations?.find(
    (candidate) => candidate.id === objects.population.production,
  );
  if (population) population.name = renamed;
});

async function card(): Promise<string> {
  const row = await latest();
  return world.fakeSlack.waitFor(() => {
    const blocks = world.fakeSlack.message(row.channel_id, row.message_ts)?.blocks;
    return blocks ? JSON.stringify(blocks) : undefined;
  }, 15_000);
}

async function audited(action: string) {
  const { rows } = await world.db.query(
    'SELECT actor_id, outcome, details FROM audit_events WHERE action = $1 ORDER BY id',
    [action],
  );
  return rows as { actor_id: string; outcome: string; details: Record<string, unknown> }[];
}

const promote = 'promote "Passwordless sign-on" --from Staging --to Production';
const set = `mappings Staging Production set population Customers = ${renamed}`;

describe('mapping profiles', () => {
  it('an operator maps a population Production names otherwise; the approver sees it and Production gets its own ID', async () => {
    const blocked = JSON.stringify(await world.answer(promote, operator));
    expect(blocked).toContain('*Blocked.*');
    expect(blocked).toContain('Production has no population named \\"Customers\\"');

    // A reader may list the profile, not change it; the refusal is audited.
    const refused = await world.answer(set, reader);
    expect(refused.text).toContain('Only FlightIQ operators and admins can change a mapping profile');
    expect(await audited('mappings.set')).toEqual([
      expect.objectContaining({ actor_id: reader, outcome: 'refused' }),
    ]);

    const saved = JSON.stringify(await world.answer(set, operator));
    expect(saved).toContain(`Population *Customers* → *${renamed}*`);
    expect((await audited('mappings.set')).at(-1)).toMatchObject({
      actor_id: operator,
      outcome: 'succeeded',
      details: {
        from: 'Staging',
        to: 'Production',
        kind: 'population',
        source: 'Customers',
        before: null,
        after: renamed,
      },
    });
    const listed = JSON.stringify(await world.answer('mappings Staging Production', reader));
    expect(listed).toContain(`Population *Customers* → *${renamed}* (set by <@${operator}>`);

    const requested = await world.answer(promote, operator);
    expect(requested.text).toContain('is waiting for an approver');
    const shown = await card();
    expect(shown).toContain('*Mapped by profile*');
    expect(shown).toContain(`Population *Customers* → *${renamed}*, set by <@${operator}>`);
    expect(shown).toContain(`Population *Customers* → Production's *${renamed}* (by profile)`);
    expect(shown).not.toContain(':no_entry:');

    const { id } = await latest();
    await click('promotion_approve', id, approver, approvals);
    await waitForStatus(id, 'succeeded');
    const held = JSON.stringify(
      world.sim.data.collections[production]?.flows?.find((flow) => flow.name === 'Passwordless sign-on'),
    );
    expect(held).toContain(objects.population.production);
    expect(held).not.toContain(objects.population.staging);
  });

  it('refuses a run whose profile entry changed after approval was asked', async () => {
    await world.answer(set, operator);
    await world.answer(promote, operator);
    const { id } = await latest();
    await world.answer(set, admin);
    await click('promotion_approve', id, approver, approvals);
    const row = await waitForStatus(id, 'failed');
    expect(row.outcome).toContain('changed since this plan was made');
    expect(
      JSON.stringify(
        world.sim.data.collections[production]?.flows?.find((flow) => flow.name === 'Passwordless sign-on') ??
          null,
      ),
    ).toBe('null');
  });

  it('names the entry when its destination object is gone, and removes it on request', async () => {
    await world.answer(set, operator);
    const data = world.sim.data.collections[production];
    if (data)
      data.populations = (data.populations ?? []).filter((p) => p.id !== objects.population.production);
    const blocked = JSON.stringify(await world.answer(promote, operator));
    expect(blocked).toContain(
      `The mapping profile from Staging to Production maps the population \\"Customers\\" to \\"${renamed}\\", which Production no longer has.`,
    );
    const removed = JSON.stringify(
      await world.answer('mappings Staging Production remove population Customers', operator),
    );
    expect(removed).toContain(`Removed: Population *Customers* → *${renamed}*`);
    expect(removed).toContain('has no entries');
    expect((await audited('mappings.remove')).at(-1)).toMatchObject({
      actor_id: operator,
      details: { before: renamed, after: null },
    });
  });

  it('says which names an environment has when the destination name is unknown', async () => {
    const shown = JSON.stringify(
      await world.answer('mappings Staging Production set population Customers = Clients', operator),
    );
    expect(shown).toContain('*Production* has no population named \\"Clients\\"');
    expect(shown).toContain(renamed);
  });

  it('"Map…" on a blocked plan opens the destination\'s populations; an operator\'s choice is saved and the requester told', async () => {
    const blocked = await world.answer(promote, operator);
    const button = JSON.stringify(blocked.blocks).match(
      /"action_id":"promotion_map_0","value":"((?:[^"\\]|\\.)*)"/,
    );
    expect(button, 'a Map… button').not.toBeNull();
    const value = JSON.parse(`"${button?.[1]}"`) as string;
    expect(JSON.stringify(blocked.blocks)).toContain('Map Customers…');

    const opened = () => world.fakeSlack.callsOf('views.update').length;
    let viewId = '';
    const modalAfter = async (before: number) => {
      const call = await world.fakeSlack.waitFor(
        () => world.fakeSlack.callsOf('views.update')[before],
        15_000,
      );
      viewId = String(call.args.view_id);
      return JSON.stringify(call.args.view);
    };

    // A reader's click is refused in the modal, and audited.
    let before = opened();
    await world.app.slack.blockAction({ action_id: 'promotion_map_0', value }, { user: reader });
    expect(await modalAfter(before)).toContain('Only FlightIQ operators and admins');
    expect((await audited('mappings.set')).at(-1)).toMatchObject({ actor_id: reader, outcome: 'refused' });

    before = opened();
    await world.app.slack.blockAction({ action_id: 'promotion_map_0', value }, { user: operator });
    const modal = JSON.parse(await modalAfter(before)) as {
      callback_id: string;
      private_metadata: string;
      blocks: unknown[];
    };
    expect(JSON.stringify(modal.blocks)).toContain(
      `${renamed} (${objects.population.production.slice(0, 8)})`,
    );
    const chosen = (id: string | undefined) => ({
      map_target: { map_target: { type: 'static_select', selected_option: id ? { value: id } : null } },
    });
    const modalId = viewId;
    const submit = (user: string, id: string | undefined) =>
      world.app.slack.viewSubmission(
        {
          callback_id: modal.callback_id,
          private_metadata: modal.private_metadata,
          state: chosen(id),
          id: modalId,
        },
        { user },
      );

    // Checked again at submission, from the signed payload's user: an error on the field.
    const refused = await submit(reader, objects.population.production);
    expect(refused.body).toMatchObject({
      response_action: 'errors',
      errors: { map_target: expect.stringContaining('Only FlightIQ operators and admins') },
    });
    expect((await submit(operator, undefined)).body).toMatchObject({
      response_action: 'errors',
      errors: { map_target: 'Choose one.' },
    });

    const messages = world.fakeSlack.callsOf('chat.postMessage').length;
    before = opened();
    const saved = await submit(operator, objects.population.production);
    expect(JSON.stringify(saved.body)).toContain('Saving the entry');
    expect(await modalAfter(before)).toContain(`Population *Customers* → *${renamed}*`);
    const told = await world.fakeSlack.waitFor(
      () => world.fakeSlack.callsOf('chat.postMessage')[messages],
      15_000,
    );
    expect(String(told.args.text)).toContain('Request the promotion of *Passwordless sign-on* again');

    expect((await world.answer(promote, operator)).text).toContain('is waiting for an approver');
    expect(await card()).toContain(`Population *Customers* → *${renamed}*, set by <@${operator}>`);
    expect(world.fakeSlack.refusals).toEqual([]);
  });

  it("maps a secret company variable Production calls otherwise; the flow written there reads Production's", async () => {
    const secret = world.sim.data.collections[production]?.variables?.find((v) => v.name === 'smtpPassword');
    if (secret) secret.name = 'mailPassword';
    const checkout = 'promote Checkout --from Staging --to Production';
    const blocked = JSON.stringify(await world.answer(checkout, operator));
    expect(blocked).toContain(
      'The secret variable \\"smtpPassword\\" (company) does not exist in Production',
    );
    expect(blocked).toContain('Map smtpPassword…');

    const saved = JSON.stringify(
      await world.answer('mappings Staging Production set variable smtpPassword = mailPassword', operator),
    );
    expect(saved).toContain('Company variable *smtpPassword* → *mailPassword*');
    expect((await audited('mappings.set')).at(-1)).toMatchObject({
      actor_id: operator,
      details: { kind: 'variable', source: 'smtpPassword', after: 'mailPassword' },
    });

    expect((await world.answer(checkout, operator)).text).toContain('is waiting for an approver');
    const shown = await card();
    expect(shown).toContain(`Company variable *smtpPassword* → *mailPassword*, set by <@${operator}>`);
    expect(shown).toContain('smtpPassword (company, secret): in Production as *mailPassword* (by profile)');

    const { id } = await latest();
    await click('promotion_approve', id, approver, approvals);
    await waitForStatus(id, 'succeeded');
    const written = JSON.stringify(
      world.sim.data.collections[production]?.flows?.find((flow) => flow.name === 'Checkout'),
    );
    expect(written).toContain('{{global.company.variables.mailPassword}}');
    expect(written).not.toContain('smtpPassword');
    // Production keeps its one secret, under its own name: nothing was created for Staging's.
    expect(
      world.sim.data.collections[production]?.variables
        ?.filter((v) => v.context === 'company' && /password/i.test(String(v.name)))
        .map((v) => v.name),
    ).toEqual(['mailPassword']);
  });
});
