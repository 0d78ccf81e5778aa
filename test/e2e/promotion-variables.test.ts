import { beforeEach, describe, expect, it } from 'vitest';
import {
  builtIn,
  connection,
  flow,
  graph,
  qa,
  richText,
  staging,
  variable,
} from '../support/promotion-fixtures.js';
import { useWorld } from '../support/world.js';

/**
 * Variables by context, never merged across contexts: a company "x" and a flowInstance "x" are two
 * variables; user variables and the one incrementByN adds to are found; and values PingOne reads back
 * changed in form ("false" for false) are the values that were written.
 */

const operator = 'U0OPERATOR1';
const flowId = 'f2f2f2f2f2f2f2f2f2f2f2f2f2f2f201';

const world = useWorld({
  users: { [operator]: {} },
  env: { FLIGHTIQ_ADMINS: 'U0ADMIN0001', FLIGHTIQ_OPERATORS: operator },
  fresh: { promotions: true, tables: ['promotions', 'tenants'], tenant: 'Acme' },
});

/** A flow reading company "magicLink", saving flowInstance "magicLink", using user "tier" and counting "attempts". */
function contextsGraph() {
  return graph(
    connection('ctx1usecmp', {
      connectorId: 'functionsConnector',
      connectionId: builtIn.functions,
      name: 'Magic link on?',
      capabilityName: 'AEqualsB',
      properties: {
        leftValueA: richText({ variable: 'magicLink', template: 'global.company.variables.magicLink' }),
        rightValueB: richText({ variable: 'tier', template: 'global.userInfo.variables.tier' }),
      },
    }),
    connection('ctx2savefi', {
      connectorId: 'variablesConnector',
      connectionId: builtIn.variables,
      name: 'Remember the choice',
      capabilityName: 'saveValue',
      properties: {
        saveVariables: {
          value: [
            {
              name: 'magicLink',
              key: 0.5,
              label: 'magicLink (boolean - flowInstance)',
              type: 'boolean',
              value: 'true',
            },
          ],
        },
      },
    }),
    connection('ctx3countn', {
      connectorId: 'variablesConnector',
      connectionId: builtIn.variables,
      name: 'Count attempts',
      capabilityName: 'incrementByN',
      properties: { incrementCounter: richText('1'), variable: { value: 'attempts' } },
    }),
  );
}

beforeEach(() => {
  const stagingData = world.sim.data.collections[staging] ?? {};
  stagingData.flows?.push(flow(flowId, 'Contexts', staging, contextsGraph()));
  stagingData.variables?.push(
    variable('33333333-0000-4000-8000-000000000021', staging, {
      name: 'magicLink',
      context: 'company',
      dataType: 'boolean',
      value: false,
    }),
    variable('33333333-0000-4000-8000-000000000022', staging, {
      name: 'magicLink',
      context: 'flowInstance',
      dataType: 'boolean',
    }),
    variable('33333333-0000-4000-8000-000000000023', staging, {
      name: 'tier',
      context: 'user',
      dataType: 'string',
    }),
    variable('33333333-0000-4000-8000-000000000024', staging, {
      name: 'attempts',
      context: 'flowInstance',
      dataType: 'number',
      value: 0,
    }),
  );
});

async function latest(): Promise<{ id: string; status: string; outcome: string | null }> {
  const { rows } = await world.db.query(
    'SELECT id, status, outcome FROM promotions ORDER BY created_at DESC LIMIT 1',
  );
  return rows[0];
}

/** The promotion once it has left the statuses `from` (its run or rollback ended). */
async function settle(id: string, ...from: string[]): Promise<{ status: string; outcome: string | null }> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { rows } = await world.db.query('SELECT status, outcome FROM promotions WHERE id = $1', [id]);
    if (rows[0] && !from.includes(rows[0].status)) return rows[0];
    if (Date.now() > deadline) throw new Error(`promotion stayed ${rows[0]?.status}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

async function click(action: string, id: string): Promise<void> {
  const reply = await world.app.slack.blockAction({ action_id: action, value: id }, { user: operator });
  expect(reply.status).toBe(200);
}

describe('variables by context', () => {
  it('plans a company and a flowInstance variable of one name as two, and creates both', async () => {
    const plan = JSON.stringify(await world.answer('promote Contexts --from Staging --to QA', operator));
    expect(plan).toContain('magicLink');
    const { id } = await latest();
    await click('promotion_run', id);
    expect((await settle(id, 'pending', 'running')).status).toBe('succeeded');
    const created = (world.sim.data.collections[qa]?.variables ?? [])
      .map((v) => `${v.name}/${v.context}`)
      .sort();
    expect(created).toEqual(
      expect.arrayContaining([
        'magicLink/company',
        'magicLink/flowInstance',
        'tier/user',
        'attempts/flowInstance',
      ]),
    );
    const company = world.sim.data.collections[qa]?.variables?.find(
      (v) => v.name === 'magicLink' && v.context === 'company',
    );
    expect(company?.value).toBe(false);
  });

  it("never takes another context's variable for a reference: an undefined flowInstance one is said, not re-pointed", async () => {
    const variables = world.sim.data.collections[staging]?.variables ?? [];
    world.sim.data.collections[staging] = {
      ...world.sim.data.collections[staging],
      variables: variables.filter((v) => !(v.name === 'magicLink' && v.context === 'flowInstance')),
    };
    const plan = JSON.stringify(await world.answer('promote Contexts --from Staging --to QA', operator));
    expect(plan).toContain(
      '`undefined-variable` The variable \\"magicLink\\" (flowInstance) is used but defined in neither environment',
    );
    const { id } = await latest();
    await click('promotion_run', id);
    expect((await settle(id, 'pending', 'running')).status).toBe('succeeded');
    const named = (world.sim.data.collections[qa]?.variables ?? []).filter((v) => v.name === 'magicLink');
    expect(named.map((v) => v.context)).toEqual(['company']);
  });

  it('rolls back a created false or 0 without calling it changed, though PingOne reads it back as a string', async () => {
    await world.answer('promote Contexts --from Staging --to QA', operator);
    const { id } = await latest();
    await click('promotion_run', id);
    expect((await settle(id, 'pending', 'running')).status).toBe('succeeded');
    await click('promotion_rollback', id);
    const after = await settle(id, 'succeeded', 'rolling_back');
    expect(after.outcome).not.toContain('was changed since');
    expect(after.status).toBe('rolled_back');
  });
});
