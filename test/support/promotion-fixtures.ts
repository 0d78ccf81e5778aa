import type { PingOneSimulator } from './pingone-simulator.js';

/**
 * DaVinci flows for promotion tests, in the shape the reference gives (§4.3): a main flow "Checkout"
 * in Staging that starts the subflow "Collect address", which starts "Validate address", which starts
 * "Collect address" again (a loop the planner must not follow forever). The nodes use a connector
 * instance, a PingOne form, a company variable and a secret variable.
 */

export const staging = 'bb22bb22-0000-4000-8000-000000000002';
export const production = 'cc33cc33-0000-4000-8000-000000000003';
export const qa = 'ee55ee55-0000-4000-8000-000000000005';

export const ids = {
  checkout: 'c0c0c0c0c0c0c0c0c0c0c0c0c0c0c001',
  collect: 'c0c0c0c0c0c0c0c0c0c0c0c0c0c0c002',
  validate: 'c0c0c0c0c0c0c0c0c0c0c0c0c0c0c003',
  productionCollect: 'd0d0d0d0d0d0d0d0d0d0d0d0d0d0d002',
  stagingHttp: '8f7e6d5c4b3a29180716253443526170',
  stagingSso: '9e8d7c6b5a4938271605f4e3d2c1b0a9',
  productionHttp: 'a8f7e6d5c4b3a2918071625344352617',
  productionSso: 'b9e8d7c6b5a4938271605f4e3d2c1b0a',
  stagingForm: '55555555-0000-4000-8000-000000000001',
  productionForm: '55555555-0000-4000-8000-000000000009',
};

const cytoscape = {
  boxSelectionEnabled: true,
  pan: { x: 0, y: 0 },
  panningEnabled: true,
  userPanningEnabled: true,
  userZoomingEnabled: true,
  zoom: 1,
};

function node(id: string, data: Record<string, unknown>) {
  return {
    data: { id, nodeType: 'CONNECTION', status: 'configured', type: 'action', ...data },
    position: { x: 0, y: 0 },
    group: 'nodes',
    removed: false,
    selected: false,
    selectable: true,
    locked: false,
    grabbable: true,
    pannable: false,
    classes: '',
  };
}

const startSubflow = (nodeId: string, id: string, label: string) =>
  node(nodeId, {
    connectorId: 'flowConnector',
    capabilityName: 'startUiSubFlow',
    properties: { subFlowId: { value: { label, value: id } }, subFlowVersionId: { value: -1 } },
  });

export function graph(...nodes: unknown[]) {
  return { elements: { nodes, edges: [] }, ...cytoscape };
}

export function flow(
  id: string,
  name: string,
  envId: string,
  graphData: unknown,
  extra: Record<string, unknown> = {},
) {
  return {
    id,
    name,
    description: `${name} flow`,
    color: '#AFD5FF',
    enabled: true,
    currentVersion: 3,
    publishedVersion: 3,
    deployedAt: '2026-11-01T10:00:00.000Z',
    createdAt: '2026-10-01T10:00:00.000Z',
    updatedAt: '2026-11-01T10:00:00.000Z',
    environment: { id: envId },
    connectors: [],
    graphData,
    settings: { logLevel: 2 },
    ...extra,
  };
}

export function checkoutGraph() {
  return graph(
    startSubflow('n1', ids.collect, 'Collect address'),
    node('n2', {
      connectorId: 'httpConnector',
      connectionId: ids.stagingHttp,
      capabilityName: 'customHtmlMessage',
    }),
    node('n3', {
      connectorId: 'pingOneFormsConnector',
      capabilityName: 'customForm',
      properties: { form: { value: ids.stagingForm } },
    }),
    node('n4', {
      connectorId: 'variablesConnector',
      capabilityName: 'saveFlowValue',
      properties: {
        saveFlowVariables: { value: [{ name: 'var1', key: 'k', label: 'var1', type: 'string', value: 'x' }] },
      },
    }),
    node('n5', {
      connectorId: 'httpConnector',
      connectionId: ids.stagingHttp,
      capabilityName: 'makeRestApiCall',
      properties: { header: { value: 'Bearer {{global.variables.smtpPassword}}' } },
    }),
  );
}

/** Seeds Staging with the three flows, and Production with an older "Collect address" and matching dependencies. */
export function seedPromotionData(sim: PingOneSimulator): void {
  const stagingData = sim.data.collections[staging] ?? {};
  stagingData.flows = [
    flow(ids.checkout, 'Checkout', staging, checkoutGraph()),
    flow(
      ids.collect,
      'Collect address',
      staging,
      graph(
        startSubflow('m1', ids.validate, 'Validate address'),
        node('m2', {
          connectorId: 'pingOneSSOConnector',
          connectionId: ids.stagingSso,
          capabilityName: 'userLookup',
        }),
      ),
      { currentVersion: 7, publishedVersion: 7 },
    ),
    flow(
      ids.validate,
      'Validate address',
      staging,
      graph(startSubflow('v1', ids.collect, 'Collect address')),
    ),
  ];
  sim.data.collections[staging] = stagingData;

  const productionData = sim.data.collections[production] ?? {};
  productionData.flows = [
    flow(
      ids.productionCollect,
      'Collect address',
      production,
      graph(
        node('old', {
          connectorId: 'httpConnector',
          connectionId: ids.productionHttp,
          capabilityName: 'old',
        }),
      ),
      { currentVersion: 2, publishedVersion: 2 },
    ),
  ];
  productionData.connectorInstances = [
    {
      id: ids.productionHttp,
      name: 'HTTP',
      connector: { id: 'httpConnector' },
      environment: { id: production },
      properties: {},
    },
    {
      id: ids.productionSso,
      name: 'PingOne SSO',
      connector: { id: 'pingOneSSOConnector' },
      environment: { id: production },
      properties: { clientSecret: { value: '******' } },
    },
  ];
  productionData.forms = [{ id: ids.productionForm, name: 'Sign On', components: { fields: [] } }];
  productionData.variables = [
    ...(productionData.variables ?? []),
    {
      id: '33333333-0000-4000-8000-100000000002',
      name: 'var1',
      context: 'company',
      dataType: 'string',
      value: 'prod',
    },
    {
      id: '33333333-0000-4000-8000-100000000003',
      name: 'smtpPassword',
      context: 'company',
      dataType: 'secret',
      value: '******',
    },
  ];
  sim.data.collections[production] = productionData;

  // A sandbox with DaVinci, for promotions that need no approver.
  sim.data.environments.push({
    id: qa,
    name: 'QA',
    type: 'SANDBOX',
    region: 'EU',
    products: ['PING_ONE_BASE', 'PING_ONE_DAVINCI'],
  });
  sim.data.collections[qa] = {
    connectorInstances: productionData.connectorInstances.map((instance, i) => ({
      ...instance,
      id: `e${i}${ids.productionHttp.slice(2)}`,
    })),
    forms: [{ id: '55555555-0000-4000-8000-00000000000a', name: 'Sign On' }],
    variables: productionData.variables,
    schemas: [{ id: '44444444-0000-4000-8000-000000000005', name: 'User' }],
  };
  const worker = sim.app();
  worker.roleAssignments.push({
    id: '22222222-0000-4000-8000-000000000099',
    role: { id: '11111111-0000-4000-8000-0000000000a4' },
    scope: { id: qa, type: 'ENVIRONMENT' },
  });
}
