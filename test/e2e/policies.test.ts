import { beforeEach, describe, expect, it } from 'vitest';
import { type Shown, useWorld } from '../support/world.js';

const admin = 'U0ADMIN0001';
const member = 'U0MEMBER001';
const guest = 'U0GUEST0001';
const staging = 'bb22bb22-0000-4000-8000-000000000002';
const production = 'cc33cc33-0000-4000-8000-000000000003';
const webShop = '5eb00000-0000-4000-8000-000000000001';
const mobile = '5eb00000-0000-4000-8000-000000000002';
const partner = '5eb00000-0000-4000-8000-000000000003';
const signInPolicy = 'fp000000000000000000000000000001';
const registrationPolicy = 'fp000000000000000000000000000002';

const world = useWorld({
  users: { [member]: {}, [guest]: { is_restricted: true } },
  env: { FLIGHTIQ_ADMINS: admin },
  fresh: { tables: ['tenants'], tenant: 'Acme' },
  admin,
});

/** Staging's PingOne applications and the flow policies they assign (the seed has the DaVinci side). */
beforeEach(() => {
  const collections = world.sim.data.collections[staging];
  if (!collections) throw new Error('no Staging in the seed');
  collections.applications = [
    { id: webShop, name: 'Web Shop', type: 'WEB_APP', protocol: 'OPENID_CONNECT', enabled: true },
    { id: mobile, name: 'Mobile <!channel>', type: 'NATIVE_APP', protocol: 'OPENID_CONNECT', enabled: true },
    { id: partner, name: 'Partner portal', type: 'WEB_APP', protocol: 'SAML', enabled: true },
  ];
  collections.flowPolicyAssignments = [
    { id: 'a1', application: { id: webShop }, flowPolicy: { id: signInPolicy }, priority: 1 },
    { id: 'a2', application: { id: mobile }, flowPolicy: { id: registrationPolicy }, priority: 1 },
    { id: 'a3', application: { id: mobile }, flowPolicy: { id: signInPolicy }, priority: 2 },
  ];
});

function run(text: string, user = member): Promise<Shown> {
  return world.answer(text, user, 15_000);
}

const lines = (shown: Shown) =>
  shown.blocks
    .filter((block) => block.type === 'section')
    .flatMap((block) => String((block.text as { text: string }).text).split('\n'));

describe('/flightiq list policies', () => {
  it('shows each DaVinci application, its policies, the flow and version each runs, and who uses it in which order', async () => {
    const shown = await run('list policies --env Staging');
    expect(lines(shown)).toEqual([
      ':twisted_rightwards_arrows: 1 DaVinci application and 2 flow policies in *Staging*.',
      '*Customer portal*',
      '• *Registration policy* (disabled): *Registration* v2 100%; used by *Mobile &lt;!channel&gt;* (priority 1)',
      '• *Sign in policy*: *Sign in* v3 100%; used by *Web Shop* (priority 1), *Mobile &lt;!channel&gt;* (priority 2)',
    ]);
    // The DaVinci application's own key and secret are in PingOne's answer, never in ours.
    expect(JSON.stringify(shown)).not.toContain('CANARY');
  });

  it('names a weighted split and a flow the environment does not have', async () => {
    const policy = world.sim.data.collections[staging]?.flowPolicies?.find((p) => p.id === signInPolicy);
    if (!policy) throw new Error('no Sign in policy in the seed');
    policy.flowDistributions = [
      { id: '0a1b2c3d4e5f60718293a4b5c6d7e8f9', version: 3, weight: 70 },
      { id: 'ffffffffffffffffffffffffffffffff', version: -1, weight: 30 },
    ];
    const shown = await run('list policies --env Staging');
    expect(lines(shown)).toContain(
      '• *Sign in policy*: *Sign in* v3 70%, :warning: a flow this environment does not have (`ffffffffffffffffffffffffffffffff`) deployed version 30%; used by *Web Shop* (priority 1), *Mobile &lt;!channel&gt;* (priority 2)',
    );
  });

  it('takes an application PingOne will not show assignments for as using none', async () => {
    world.sim.fail(new RegExp(`/applications/${partner}/flowPolicyAssignments`), {
      status: 400,
      body: { code: 'INVALID_REQUEST', message: 'SAML applications have no flow policy assignments' },
    });
    const shown = await run('list policies --env Staging');
    expect(lines(shown)).toContain('*Customer portal*');
    expect(JSON.stringify(shown)).not.toContain('Partner portal');
  });

  it('says so when an environment has no DaVinci application, and refuses guests', async () => {
    const production_ = world.sim.data.environments.find((e) => e.id === production);
    if (production_ && !production_.products.includes('PING_ONE_DAVINCI'))
      production_.products.push('PING_ONE_DAVINCI');
    expect(lines(await run('list policies --env Production'))).toContain(
      'No DaVinci application in *Production*: no flow there is reachable from a PingOne application.',
    );
    expect((await run('list policies --env Staging', guest)).text).toContain(
      'You are not allowed to run FlightIQ read commands',
    );
    const usage = await world.app.slack.command('list policies', { user: member });
    expect(usage.text).toContain('Name the environment with `--env <name or ID>`');
  });
});
