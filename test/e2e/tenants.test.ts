import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { openTenantForm, submitTenantForm, validTenant } from '../support/tenant-form.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { useWorld } from '../support/world.js';

const admin = 'U0ADMIN0001';
const member = 'U0MEMBER001';

const world = useWorld({
  users: { [admin]: {}, [member]: {} },
  env: { FLIGHTIQ_ADMINS: admin },
  withoutSimulator: true,
  fresh: { tables: ['tenants', 'audit_events'] },
});

async function addTenant(values: Partial<typeof validTenant> = {}) {
  const { view } = await openTenantForm(world.app.slack, world.fakeSlack, 'tenant add', admin);
  return submitTenantForm(world.app.slack, view, { ...validTenant, ...values }, admin);
}

async function lastResponse(responseUrl: string) {
  const posts = await world.fakeSlack.waitFor(() => {
    const all = world.fakeSlack.responsesTo(responseUrl);
    return all.length > 0 && all;
  });
  return JSON.stringify(posts.at(-1));
}

async function auditRows() {
  const { rows } = await world.db.query(
    'SELECT actor_id, action, tenant, outcome, details FROM audit_events ORDER BY id',
  );
  return rows;
}

describe('an admin adds a tenant', () => {
  it('opens the form, saves it, and lists it', async () => {
    const { reply, view } = await openTenantForm(world.app.slack, world.fakeSlack, 'tenant add', admin);
    expect(reply.status).toBe(200);
    expect(view.callback_id).toBe('tenant_form');
    expect(world.fakeSlack.refusals).toEqual([]);

    const saved = await submitTenantForm(world.app.slack, view, validTenant, admin);
    expect(saved.body?.response_action).toBe('update');
    expect(saved.outcome).toContain('Tenant *Acme production* added');

    const list = await world.app.slack.command('tenant list', { user: member });
    const shown = await lastResponse(list.responseUrl);
    for (const text of [
      'Acme production',
      'EU (`eu`)',
      validTenant.environmentId,
      validTenant.clientId,
      'Client Secret Basic',
      'secret …XYZ9',
      'not tested yet',
    ]) {
      expect(shown).toContain(text);
    }
    expect(await auditRows()).toEqual([
      expect.objectContaining({
        actor_id: admin,
        action: 'tenant.add',
        tenant: 'Acme production',
        outcome: 'succeeded',
      }),
    ]);
  });

  it('trims surrounding whitespace before saving', async () => {
    await addTenant({ name: '  Acme EU  ', clientId: ` ${validTenant.clientId.toUpperCase()}\n` });
    const { rows } = await world.db.query('SELECT name, client_id FROM tenants');
    expect(rows).toEqual([{ name: 'Acme EU', client_id: validTenant.clientId }]);
  });

  it.each([
    ['name', { name: '' }, 'name', 'Enter a name for this tenant'],
    ['name', { name: 'x'.repeat(65) }, 'name', 'Use at most 64 characters (this is 65)'],
    ['name', { name: 'Acme\u0007prod' }, 'name', 'Use visible characters only'],
    ['region', { region: 'us' }, 'region', 'Choose the region of your PingOne organization'],
    [
      'environment ID',
      { environmentId: 'Administrators' },
      'environment_id',
      'Enter the environment ID as a UUID',
    ],
    ['client ID', { clientId: '1234' }, 'client_id', "Enter the worker app's client ID as a UUID"],
    ['client secret', { clientSecret: '' }, 'client_secret', "Enter the worker app's client secret"],
    ['client secret', { clientSecret: 'two words' }, 'client_secret', 'one word, no spaces or line breaks'],
    [
      'auth method',
      { authMethod: 'private_key_jwt' },
      'auth_method',
      'Choose the token endpoint authentication method',
    ],
  ])('shows an inline error on the %s field and saves nothing', async (_field, values, blockId, message) => {
    const reply = await addTenant(values);
    expect(reply.body?.response_action).toBe('errors');
    const errors = reply.body?.errors as Record<string, string>;
    expect(Object.keys(errors)).toEqual([blockId]);
    expect(errors[blockId]).toContain(message);
    expect((await world.db.query('SELECT count(*)::int AS n FROM tenants')).rows[0].n).toBe(0);
  });

  it('refuses a second tenant with the same name, whatever its case', async () => {
    await addTenant();
    const reply = await addTenant({ name: 'ACME PRODUCTION' });
    expect(reply.body?.errors).toEqual({
      name: 'A tenant named "ACME PRODUCTION" already exists: choose another name.',
    });
  });
});

describe('someone who is not an admin', () => {
  it('is refused at the command, politely, with the attempt audited and no form opened', async () => {
    const opened = world.fakeSlack.callsOf('views.open').length;
    const reply = await world.app.slack.command('tenant add', { user: member });
    expect(await lastResponse(reply.responseUrl)).toContain(
      'Only FlightIQ admins can add, edit or remove tenants',
    );
    expect(world.fakeSlack.callsOf('views.open')).toHaveLength(opened);
    expect(await auditRows()).toEqual([
      expect.objectContaining({ actor_id: member, action: 'tenant.add', outcome: 'refused' }),
    ]);
  });

  it('is refused when submitting a form an admin opened (a forged view_submission)', async () => {
    const { view } = await openTenantForm(world.app.slack, world.fakeSlack, 'tenant add', admin);
    const reply = await submitTenantForm(world.app.slack, view, validTenant, member);
    expect(reply.outcome).toContain('Only FlightIQ admins');
    expect((await world.db.query('SELECT count(*)::int AS n FROM tenants')).rows[0].n).toBe(0);
    expect(await auditRows()).toEqual([
      expect.objectContaining({ actor_id: member, action: 'tenant.add', outcome: 'refused' }),
    ]);
  });

  it('cannot edit by forging the form of an existing tenant', async () => {
    await addTenant();
    const { view } = await openTenantForm(
      world.app.slack,
      world.fakeSlack,
      'tenant edit Acme production',
      admin,
    );
    const reply = await submitTenantForm(world.app.slack, view, { ...validTenant, region: 'com' }, member);
    expect(reply.outcome).toContain('Only FlightIQ admins');
    expect((await world.db.query('SELECT region FROM tenants')).rows).toEqual([{ region: 'eu' }]);
  });

  it('is refused on the Remove button even when an admin asked for the confirmation', async () => {
    await addTenant();
    const asked = await world.app.slack.command('tenant remove Acme production', { user: admin });
    const confirmation = JSON.parse(await lastResponse(asked.responseUrl));
    const tenantId = confirmation.blocks[1].elements[0].value as string;
    const click = await world.app.slack.blockAction(
      { action_id: 'tenant_remove_confirm', value: tenantId },
      { user: member },
    );
    expect(await lastResponse(click.responseUrl)).toContain('Only FlightIQ admins');
    expect((await world.db.query('SELECT count(*)::int AS n FROM tenants')).rows[0].n).toBe(1);
    expect((await auditRows()).at(-1)).toMatchObject({
      actor_id: member,
      action: 'tenant.remove',
      outcome: 'refused',
    });
  });
});

describe('an admin edits or removes a tenant', () => {
  it('opens the edit form filled in, with only the fingerprint of the secret', async () => {
    await addTenant();
    const { view } = await openTenantForm(
      world.app.slack,
      world.fakeSlack,
      'tenant edit acme production',
      admin,
    );
    const text = JSON.stringify(view);
    expect(text).toContain('"initial_value":"Acme production"');
    expect(text).toContain('The stored secret ends in XYZ9. Leave this empty to keep it.');
    expect(text).not.toContain(validTenant.clientSecret);
  });

  it('keeps the stored secret when the secret field is left empty, and audits which fields changed', async () => {
    await addTenant();
    const before = (await world.db.query('SELECT secret_ciphertext, secret_fingerprint FROM tenants'))
      .rows[0];
    const { view } = await openTenantForm(
      world.app.slack,
      world.fakeSlack,
      'tenant edit Acme production',
      admin,
    );
    const reply = await submitTenantForm(
      world.app.slack,
      view,
      { ...validTenant, clientSecret: '', region: 'ca' },
      admin,
    );
    expect(reply.outcome).toContain('updated');
    const after = (
      await world.db.query('SELECT region, secret_ciphertext, secret_fingerprint, version FROM tenants')
    ).rows[0];
    expect(after.region).toBe('ca');
    // The same secret, sealed again: it is bound to the region it is sent to.
    expect(after.secret_ciphertext.equals(before.secret_ciphertext)).toBe(false);
    expect(after.secret_fingerprint).toBe(before.secret_fingerprint);
    expect(after.version).toBe(2);
    const [id] = (await world.db.query('SELECT id FROM tenants')).rows.map((row) => row.id);
    expect(await world.app.service.services.tenants.openClientSecret(id)).toBe(validTenant.clientSecret);
    expect((await auditRows()).at(-1)).toMatchObject({
      action: 'tenant.edit',
      details: { changed: ['region'] },
    });
  });

  it('refuses to save a form opened before someone else changed the tenant', async () => {
    await addTenant();
    const first = await openTenantForm(
      world.app.slack,
      world.fakeSlack,
      'tenant edit Acme production',
      admin,
    );
    const second = await openTenantForm(
      world.app.slack,
      world.fakeSlack,
      'tenant edit Acme production',
      admin,
    );
    await submitTenantForm(world.app.slack, second.view, { ...validTenant, region: 'ca' }, admin);
    const stale = await submitTenantForm(
      world.app.slack,
      first.view,
      { ...validTenant, region: 'sg' },
      admin,
    );
    expect(stale.outcome).toContain('while this form was open, so nothing was saved');
    expect((await world.db.query('SELECT region FROM tenants')).rows).toEqual([{ region: 'ca' }]);
  });

  it('says which tenants exist when the name is unknown', async () => {
    await addTenant();
    const before = world.fakeSlack.views.length;
    await world.app.slack.command('tenant edit Globex', { user: admin });
    const shown = await world.fakeSlack.waitFor(() =>
      world.fakeSlack.views
        .slice(before)
        .map((view) => JSON.stringify(view))
        .find((view) => view.includes('There is no tenant named')),
    );
    expect(shown).toContain('There is no tenant named \\"Globex\\". Tenants: `Acme production`.');
    const removal = await world.app.slack.command('tenant remove Globex', { user: admin });
    expect(await lastResponse(removal.responseUrl)).toContain('There is no tenant named \\"Globex\\".');
  });

  it('removes a tenant after confirmation, and the message says so', async () => {
    await addTenant();
    const asked = await world.app.slack.command('tenant remove "Acme production"', { user: admin });
    const confirmation = JSON.parse(await lastResponse(asked.responseUrl));
    expect(JSON.stringify(confirmation)).toContain('Remove tenant *Acme production*?');
    const tenantId = confirmation.blocks[1].elements[0].value as string;
    const click = await world.app.slack.blockAction(
      { action_id: 'tenant_remove_confirm', value: tenantId },
      { user: admin },
    );
    expect(await lastResponse(click.responseUrl)).toContain('Tenant *Acme production* removed');
    expect((await world.db.query('SELECT count(*)::int AS n FROM tenants')).rows[0].n).toBe(0);
    expect((await auditRows()).at(-1)).toMatchObject({
      actor_id: admin,
      action: 'tenant.remove',
      outcome: 'succeeded',
    });

    const again = await world.app.slack.blockAction(
      { action_id: 'tenant_remove_confirm', value: tenantId },
      { user: admin },
    );
    expect(await lastResponse(again.responseUrl)).toContain('That tenant no longer exists');
  });

  it('treats a button value that is not a tenant ID as a tenant that does not exist', async () => {
    const click = await world.app.slack.blockAction(
      { action_id: 'tenant_remove_confirm', value: "'; DROP TABLE tenants; --" },
      { user: admin },
    );
    expect(await lastResponse(click.responseUrl)).toContain('That tenant no longer exists');
  });
});

describe('the App Home tab of the admin who saves the tenant form', () => {
  /**
   * The admin's Home tab once a publish since `before` shows `shows`: the latest one for them, as JSON.
   * Home is published after the event or the submission is acknowledged, so this waits for it.
   */
  async function homeAfter(before: number, shows: string): Promise<string> {
    return world.fakeSlack.waitFor(() => {
      const last = world.fakeSlack
        .callsOf('views.publish')
        .slice(before)
        .filter((call) => call.args.user_id === admin)
        .at(-1);
      const shown = last && JSON.stringify(last.args.view);
      return shown?.includes(shows) && shown;
    });
  }

  function publishes(): number {
    return world.fakeSlack.callsOf('views.publish').length;
  }

  /** Clicks a tenant button on the admin's Home tab and returns the tenant form it opened. */
  async function clickHome(actionId: string, value?: string) {
    const before = world.fakeSlack.views.length;
    await world.app.slack.homeAction({ action_id: actionId, value }, { user: admin });
    return (await world.fakeSlack.waitFor(() =>
      world.fakeSlack.views.slice(before).find((view) => view.callback_id === 'tenant_form'),
    )) as { id: string; private_metadata: string; callback_id: string };
  }

  const addForms = {
    'the Add tenant button on Home': () => clickHome('home_tenant_add'),
    '`/flightiq tenant add`': async () =>
      (await openTenantForm(world.app.slack, world.fakeSlack, 'tenant add', admin)).view,
  };

  it.each(Object.keys(addForms) as (keyof typeof addForms)[])(
    'lists the tenant added from %s',
    async (from) => {
      const opened = publishes();
      await world.app.slack.event({ type: 'app_home_opened', user: admin, tab: 'home', channel: 'D0HOME' });
      await homeAfter(opened, 'No tenants yet. Add the first one.');

      const view = await addForms[from]();
      const before = publishes();
      const saved = await submitTenantForm(world.app.slack, view, validTenant, admin);
      expect(saved.outcome).toContain('Tenant *Acme production* added');

      const shown = await homeAfter(before, '*Acme production*');
      expect(shown).not.toContain('No tenants yet');
      expect(shown).toContain('"action_id":"home_tenant_edit"');
      expect(world.fakeSlack.refusals).toEqual([]);
    },
  );

  const editForms = {
    'the Edit button on Home': (home: { blocks: { accessory?: { action_id: string; value: string } }[] }) =>
      clickHome(
        'home_tenant_edit',
        home.blocks.find((block) => block.accessory?.action_id === 'home_tenant_edit')?.accessory?.value,
      ),
    '`/flightiq tenant edit`': async () =>
      (await openTenantForm(world.app.slack, world.fakeSlack, 'tenant edit Acme production', admin)).view,
  };

  it.each(Object.keys(editForms) as (keyof typeof editForms)[])(
    'shows the new name of a tenant renamed from %s, and no longer the old one',
    async (from) => {
      const added = publishes();
      await addTenant();
      const home = JSON.parse(await homeAfter(added, '*Acme production*'));

      const view = await editForms[from](home);
      const before = publishes();
      const saved = await submitTenantForm(
        world.app.slack,
        view,
        { ...validTenant, name: 'Acme EU', clientSecret: '' },
        admin,
      );
      expect(saved.outcome).toContain('Tenant *Acme EU* updated');

      const shown = await homeAfter(before, '*Acme EU*');
      expect(shown).not.toContain('Acme production');
      expect(world.fakeSlack.refusals).toEqual([]);
    },
  );
});

describe('a canary client secret saved through the form', () => {
  it('appears nowhere: not in logs, Slack calls, replies, audit rows, or any column but its sealed form', async () => {
    const canary = `canary-${Date.now()}-Zq9`;
    const forms = [await addTenant({ name: 'Canary', clientSecret: canary })];
    const { view } = await openTenantForm(world.app.slack, world.fakeSlack, 'tenant edit Canary', admin);
    forms.push(
      await submitTenantForm(
        world.app.slack,
        view,
        { ...validTenant, name: 'Canary', clientSecret: `${canary}2` },
        admin,
      ),
    );
    forms.push(
      await submitTenantForm(
        world.app.slack,
        view,
        { ...validTenant, name: 'Canary', clientSecret: 'bad secret' },
        admin,
      ),
    );
    const list = await world.app.slack.command('tenant list', { user: admin });
    await lastResponse(list.responseUrl);

    const { rows } = await world.db.query(
      `SELECT to_jsonb(t) - 'secret_ciphertext' AS visible, encode(secret_ciphertext, 'escape') AS sealed FROM tenants t`,
    );
    const everything = [
      world.app.logs.join('\n'),
      JSON.stringify(world.fakeSlack.calls),
      JSON.stringify(world.fakeSlack.responses),
      JSON.stringify(forms.map((form) => form.text)),
      JSON.stringify(await auditRows()),
      JSON.stringify(rows.map((row) => row.visible)),
      rows.map((row) => row.sealed).join(''),
    ].join('\n');
    for (const form of [
      canary,
      Buffer.from(canary).toString('base64'),
      Buffer.from(canary).toString('hex'),
    ]) {
      expect(everything).not.toContain(form);
    }
    expect(everything).toContain('Canary');
  });
});

describe('workspace admins, when FLIGHTIQ_ADMINS is empty', () => {
  let directoryApp: TestApp;
  let directoryDatabase: TestDatabase;

  beforeAll(async () => {
    directoryDatabase = await createTestDatabase();
    directoryApp = await startTestApp({ fakeSlack: world.fakeSlack, database: directoryDatabase });
    world.fakeSlack.users.set('U0WSADMIN1', { id: 'U0WSADMIN1', is_admin: true });
    world.fakeSlack.users.set('U0WSOWNER1', { id: 'U0WSOWNER1', is_owner: true });
    world.fakeSlack.users.set('U0GUESTAD1', { id: 'U0GUESTAD1', is_admin: true, is_restricted: true });
    world.fakeSlack.users.set('U0GONEADM1', { id: 'U0GONEADM1', is_admin: true, deleted: true });
    world.fakeSlack.users.set('U0OTHERWS1', { id: 'U0OTHERWS1', is_admin: true, team_id: 'T0ELSEWHERE' });
    world.fakeSlack.users.set('U0PLAIN001', { id: 'U0PLAIN001' });
  });

  afterAll(async () => {
    await directoryApp?.stop();
    await directoryDatabase?.drop();
  });

  it.each([
    ['a workspace admin', 'U0WSADMIN1', true],
    ['a workspace owner', 'U0WSOWNER1', true],
    ['a guest, whatever its flags', 'U0GUESTAD1', false],
    ['a deactivated admin', 'U0GONEADM1', false],
    ['an admin of another workspace (Slack Connect)', 'U0OTHERWS1', false],
    ['a member', 'U0PLAIN001', false],
    ['someone users.info does not know', 'U0UNKNOWN1', false],
  ])('%s may manage tenants: %s', async (_who, user, allowed) => {
    const opened = world.fakeSlack.callsOf('views.open').length;
    const reply = await directoryApp.slack.command('tenant add', { user });
    if (allowed) {
      await world.fakeSlack.waitFor(() => world.fakeSlack.callsOf('views.open').length > opened);
    } else {
      const posts = await world.fakeSlack.waitFor(() => world.fakeSlack.responsesTo(reply.responseUrl).at(0));
      expect(JSON.stringify(posts)).toContain('Only FlightIQ admins');
      expect(world.fakeSlack.callsOf('views.open')).toHaveLength(opened);
    }
  });
});
