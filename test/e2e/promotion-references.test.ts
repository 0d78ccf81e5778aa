import { beforeEach, describe, expect, it } from 'vitest';
import { promotionDriver } from '../support/promotion-driver.js';
import { production, qa, staging } from '../support/promotion-fixtures.js';
import { objects, refIds, seedReferenceData, stagingOnlyIds } from '../support/reference-fixtures.js';
import { useWorld } from '../support/world.js';

/**
 * Flows that name PingOne objects by ID (populations, notification and MFA policies, applications,
 * identity providers, agreements, verify policies, template variants, connector instances inside
 * properties, the environment itself), promoted into an environment with the same objects under other
 * IDs, and into one without them.
 */

const admin = 'U0ADMIN0001';
const operator = 'U0OPERATOR1';
const approver = 'U0APPROVER1';
const approvals = 'C0APPROVALS';

const world = useWorld({
  users: Object.fromEntries([admin, operator, approver].map((user) => [user, {}])),
  env: {
    FLIGHTIQ_ADMINS: admin,
    FLIGHTIQ_OPERATORS: operator,
    FLIGHTIQ_APPROVERS: approver,
    FLIGHTIQ_APPROVAL_CHANNEL: approvals,
    // The sample flows log at Debug, as Ping's exports often do; the lint gate has its own tests.
    FLIGHTIQ_LINT: 'warn',
  },
  fresh: { promotions: true, tables: ['promotions', 'tenants'], tenant: 'Acme' },
  admin,
});

const { latest: promotionRow, waitForStatus } = promotionDriver(world);

beforeEach(() => {
  seedReferenceData(world.sim);
});

/** The approval card as it stands, once it is posted. */
async function approvalCard(): Promise<string> {
  const row = await promotionRow();
  return world.fakeSlack.waitFor(() => {
    const blocks = world.fakeSlack.message(row.channel_id, row.message_ts)?.blocks;
    return blocks ? JSON.stringify(blocks) : undefined;
  }, 15_000);
}

/** A flow as Production holds it, as text: its JSON, and the base64 rich-text components decoded. */
function heldText(envId: string, name: string): string {
  const flow = world.sim.data.collections[envId]?.flows?.find((candidate) => candidate.name === name);
  expect(flow, `${name} in ${envId}`).toBeDefined();
  const json = JSON.stringify(flow);
  const decoded = [...json.matchAll(/skcomponent###([A-Za-z0-9+/=]*)###([A-Za-z0-9+/=]*)/g)].flatMap(
    ([, a = '', b = '']) => [Buffer.from(a, 'base64').toString(), Buffer.from(b, 'base64').toString()],
  );
  return [json, ...decoded].join('\n');
}

describe('promoting flows that name PingOne objects', () => {
  it('maps every object by name into an environment that has them under other IDs, and leaves no Staging ID in what PingOne holds', async () => {
    const requester = await world.answer(
      'promote "Passwordless sign-on" --from Staging --to Production',
      operator,
    );
    expect(requester.text).toContain('is waiting for an approver');
    const card = await approvalCard();
    expect(card).toContain('*References* (PingOne objects the flows name)');
    expect(card).toContain("Population *Customers* → Production's *Customers*");
    expect(card).toContain("Notification policy *Email enrollment* → Production's *Email enrollment*");
    expect(card).toContain("MFA policy *Passwordless MFA* → Production's *Passwordless MFA*");
    expect(card).toContain("Application *CIAM Mobile* → Production's *CIAM Mobile*");
    expect(card).toContain("Identity provider *Google* → Production's *Google*");
    expect(card).toContain("Agreement *Terms of service* → Production's *Terms of service*");
    expect(card).toContain("Verify policy *ID check* → Production's *ID check*");
    expect(card).toContain('Notification template variant *New Device* → found in Production');
    expect(card).toContain("Staging's environment ID → Production's");
    expect(card).toContain('PingOne Authentication (pingOneAuthenticationConnector)');
    expect(card).not.toContain(':no_entry:');

    const { id } = await promotionRow();
    const reply = await world.app.slack.blockAction(
      { action_id: 'promotion_approve', value: id },
      { user: approver, channel: approvals },
    );
    expect(reply.status).toBe(200);
    await waitForStatus(id, 'succeeded');

    for (const name of ['Passwordless sign-on', 'MFA device']) {
      const held = heldText(production, name);
      for (const stagingId of stagingOnlyIds())
        expect(held, `${name} holds ${stagingId}`).not.toContain(stagingId);
    }
    const signOn = heldText(production, 'Passwordless sign-on');
    for (const expected of [
      objects.population.production,
      objects.identityProvider.production,
      objects.agreement.production,
      refIds.authn.production,
      production,
    ])
      expect(signOn).toContain(expected);
    const device = heldText(production, 'MFA device');
    for (const expected of [
      objects.notificationPolicy.production,
      objects.deviceAuthenticationPolicy.production,
      objects.application.production,
      objects.verifyPolicy.production,
      refIds.mfa.production,
    ])
      expect(device).toContain(expected);
    // The instance ID was an object key: it is renamed, not copied beside the old one.
    const held = world.sim.data.collections[production]?.flows?.find(
      (f) => f.name === 'Passwordless sign-on',
    );
    const graph = held?.graphData as
      | { elements: { nodes: { data: { id: string; properties: Record<string, unknown> } }[] } }
      | undefined;
    const page = graph?.elements.nodes.find((node) => node.data.id === 'rmx6s73ihv');
    expect(Object.keys(page?.data.properties.externalIdentityProvider as object)).toEqual([
      refIds.authn.production,
    ]);
  });

  it('blocks a promotion into an environment without them, naming each missing object', async () => {
    const shown = JSON.stringify(
      await world.answer('promote "Passwordless sign-on" --from Staging --to QA', operator),
    );
    expect(shown).toContain('*Blocked.*');
    for (const missing of [
      'QA has no population named \\"Customers\\"',
      'QA has no notification policy named \\"Email enrollment\\"',
      'QA has no MFA policy named \\"Passwordless MFA\\"',
      'QA has no application named \\"CIAM Mobile\\"',
      'QA has no identity provider named \\"Google\\"',
      'QA has no agreement named \\"Terms of service\\"',
      'QA has no verify policy named \\"ID check\\"',
      'QA has no notification template content variant named \\"New Device\\"',
      'QA has no notification template content variant named \\"Unknown Device\\"',
    ])
      expect(shown).toContain(missing);
    // Each names where the flows use it.
    expect(shown).toContain('\\"Create Device\\" (notificationPolicyId) in MFA device');
    expect(world.sim.writes.filter((write) => write.environmentId === qa)).toHaveLength(0);
  });

  it('names two objects of one name in the destination as a blocker, not a guess', async () => {
    const populations = world.sim.data.collections[production]?.populations ?? [];
    populations.push({ ...populations[0], id: 'b8f00d35-6928-44d5-b9ad-a7fdaf54aaaa' });
    const shown = JSON.stringify(
      await world.answer('promote "Passwordless sign-on" --from Staging --to Production', operator),
    );
    expect(shown).toContain('*Blocked.*');
    expect(shown).toContain(
      'Production has 2 populations named \\"Customers\\"; FlightIQ cannot tell which one',
    );
  });

  it('names an ID it cannot classify, and where it sits, instead of copying it in silence', async () => {
    const device = world.sim.data.collections[staging]?.flows?.find((f) => f.name === 'MFA device');
    const graphData = structuredClone(device?.graphData) as {
      elements: { nodes: { data: { id: string; properties: Record<string, unknown> } }[] };
    };
    const node = graphData.elements.nodes.find((candidate) => candidate.data.id === 'verifyid01');
    if (node) node.data.properties.userId = { value: '36924caf-bf33-46b6-a339-069e21fe5b7c' };
    world.sim.editFlow(staging, refIds.device, { graphData }, { deploy: true });
    await world.answer('promote "Passwordless sign-on" --from Staging --to Production', operator);
    const card = await approvalCard();
    expect(card).toContain(
      '\\"Verify identity\\" (userId) in MFA device holds the ID 36924caf-bf33-46b6-a339-069e21fe5b7c, and FlightIQ cannot tell what it is: it is copied unchanged.',
    );
  });
});
