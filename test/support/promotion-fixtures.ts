import type { PingOneSimulator } from './pingone-simulator.js';
import { daysFromNow } from './test-clock.js';

/**
 * DaVinci flows for promotion tests, shaped like Ping's public flow exports (docs/pingone-facts.md,
 * "Public flow exports"), written here from scratch: every node carries a `connectionId` (built-in
 * connectors with their well-known IDs), decisions are EVAL nodes joined by edges, rich-text properties
 * are JSON strings with variable links, and variables appear in all three template forms and in the
 * Variables connector's save nodes.
 *
 * Staging's main flow "Checkout" starts the subflow "Collect address", which starts "Validate address",
 * which (with `loop: true`) starts "Collect address" again (a loop the planner must not follow
 * forever). Production has an older "Collect address", and lacks some of the variables the flows use.
 */

export const staging = 'bb22bb22-0000-4000-8000-000000000002';
export const production = 'cc33cc33-0000-4000-8000-000000000003';
export const qa = 'ee55ee55-0000-4000-8000-000000000005';

/** Instances DaVinci gives every environment under the same ID. */
export const builtIn = {
  flow: '2581eb287bb1d9bd29ae9886d675f89f',
  variables: '06922a684039827499bdbdd97f49827b',
  functions: 'de650ca45593b82c49064ead10b9fe17',
  error: '53ab83a4a4ab919d9f2cb02d9e111ac8',
};

export const ids = {
  checkout: 'c0c0c0c0c0c0c0c0c0c0c0c0c0c0c001',
  collect: 'c0c0c0c0c0c0c0c0c0c0c0c0c0c0c002',
  validate: 'c0c0c0c0c0c0c0c0c0c0c0c0c0c0c003',
  productionCollect: 'd0d0d0d0d0d0d0d0d0d0d0d0d0d0d002',
  stagingHttp: '8f7e6d5c4b3a29180716253443526170',
  stagingSso: '9e8d7c6b5a4938271605f4e3d2c1b0a9',
  stagingForms: '7a6b5c4d3e2f10ff7a6b5c4d3e2f1001',
  productionHttp: 'a8f7e6d5c4b3a2918071625344352617',
  productionSso: 'b9e8d7c6b5a4938271605f4e3d2c1b0a',
  productionForms: '7a6b5c4d3e2f10ff7a6b5c4d3e2f1009',
  /** Production's error connector instance has an ID of its own, as in environments made long ago. */
  productionError: '6d8f6f706c45fd459a86b3f092602544',
  stagingForm: '55555555-0000-4000-8000-000000000001',
  productionForm: '55555555-0000-4000-8000-000000000009',
};

const cytoscape = {
  data: {},
  zoomingEnabled: true,
  userZoomingEnabled: true,
  zoom: 1,
  minZoom: 1e-50,
  maxZoom: 1e50,
  panningEnabled: true,
  userPanningEnabled: true,
  pan: { x: 0, y: 0 },
  boxSelectionEnabled: true,
  renderer: { name: 'null' },
};

const nodeFlags = {
  group: 'nodes',
  removed: false,
  selected: false,
  selectable: true,
  locked: false,
  grabbable: true,
  pannable: false,
  classes: '',
};

let column = 0;

/** A node calling a connector, as the DaVinci designer saves it. */
export function connection(
  id: string,
  data: {
    connectorId: string;
    connectionId: string;
    name: string;
    capabilityName: string;
    properties?: Record<string, unknown>;
    type?: 'trigger' | 'action';
  },
) {
  column += 150;
  return {
    data: {
      id,
      nodeType: 'CONNECTION',
      connectionId: data.connectionId,
      connectorId: data.connectorId,
      name: data.name,
      label: data.name,
      status: 'configured',
      capabilityName: data.capabilityName,
      type: data.type ?? 'trigger',
      properties: data.properties ?? {},
    },
    position: { x: column, y: 240 },
    ...nodeFlags,
  };
}

/** A decision node between connections. */
function evaluator(id: string) {
  column += 75;
  return {
    data: { id, nodeType: 'EVAL', label: 'Evaluator' },
    position: { x: column, y: 240 },
    ...nodeFlags,
  };
}

function edge(id: string, source: string, target: string) {
  return {
    data: { id, source, target },
    position: { x: 0, y: 0 },
    group: 'edges',
    removed: false,
    selected: false,
    selectable: true,
    locked: false,
    grabbable: true,
    pannable: true,
    classes: '',
  };
}

/**
 * A rich-text property value as the designer stores it: a JSON string of Slate nodes, with each
 * variable as a link whose `data` is its template (`{{global.company.variables.greeting}}`).
 */
export function richText(...parts: (string | { variable: string; template: string })[]): { value: string } {
  const children = parts.map((part) =>
    typeof part === 'string'
      ? { text: part }
      : {
          type: 'link',
          src: 'variable.svg',
          url: part.variable,
          data: `{{${part.template}}}`,
          tooltip: `{{${part.template}}}`,
          children: [{ text: part.variable }],
        },
  );
  return { value: JSON.stringify([{ children: [...children, { text: '' }] }], null, 2) };
}

export function startSubflow(nodeId: string, id: string, label: string) {
  return connection(nodeId, {
    connectorId: 'flowConnector',
    connectionId: builtIn.flow,
    name: 'Flow Conductor',
    capabilityName: 'startUiSubFlow',
    properties: { subFlowId: { value: { label, value: id } }, subFlowVersionId: { value: -1 } },
  });
}

/** Nodes joined in a chain through evaluators, the way the designer connects them. */
export function graph(...nodes: { data: Record<string, unknown> & { id: string } }[]) {
  const elements: unknown[] = [];
  const edges: unknown[] = [];
  nodes.forEach((node, i) => {
    elements.push(node);
    const next = nodes[i + 1];
    if (!next) return;
    const decide = evaluator(`${node.data.id}e`.slice(-10));
    elements.push(decide);
    edges.push(
      edge(`${node.data.id}a`, node.data.id, decide.data.id),
      edge(`${node.data.id}b`, decide.data.id, next.data.id),
    );
  });
  return { elements: { nodes: elements, edges }, ...cytoscape };
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
    deployedAt: daysFromNow(-33),
    createdAt: daysFromNow(-64),
    updatedAt: daysFromNow(-33),
    environment: { id: envId },
    connectors: [],
    graphData,
    settings: { logLevel: 2, csp: "worker-src 'self' blob:; script-src 'self' https://cdn.jsdelivr.net" },
    inputSchema: [],
    outputSchema: { output: { type: 'object', properties: {}, additionalProperties: false } },
    ...extra,
  };
}

export function checkoutGraph() {
  return graph(
    startSubflow('kq5ybvwvro', ids.collect, 'Collect address'),
    connection('1u2m5vzr49', {
      connectorId: 'httpConnector',
      connectionId: ids.stagingHttp,
      name: 'HTTP',
      capabilityName: 'customHtmlMessage',
      properties: {
        message: richText('Welcome, ', {
          variable: 'greeting',
          template: 'global.company.variables.greeting',
        }),
      },
    }),
    connection('p3wcu2oywm', {
      connectorId: 'pingOneFormsConnector',
      connectionId: ids.stagingForms,
      name: 'PingOne Forms',
      capabilityName: 'customForm',
      properties: { form: { value: ids.stagingForm } },
    }),
    connection('0cj7n971ix', {
      connectorId: 'variablesConnector',
      connectionId: builtIn.variables,
      name: 'Variables',
      capabilityName: 'saveValue',
      properties: {
        saveVariables: {
          value: [
            {
              name: 'attempt',
              key: 0.0906,
              label: 'attempt (number - flowInstance)',
              type: 'number',
              value: '1',
            },
          ],
        },
      },
    }),
    connection('3zvjdgdljx', {
      connectorId: 'variablesConnector',
      connectionId: builtIn.variables,
      name: 'Variables',
      capabilityName: 'saveFlowValue',
      properties: {
        saveFlowVariables: {
          value: [
            { name: 'retries', key: 0.3792, label: 'retries (number - flow)', type: 'number', value: '3' },
          ],
        },
      },
    }),
    connection('gg5hvb2cho', {
      connectorId: 'httpConnector',
      connectionId: ids.stagingHttp,
      name: 'HTTP',
      capabilityName: 'makeRestApiCall',
      type: 'action',
      properties: {
        header: richText('Bearer ', {
          variable: 'smtpPassword',
          template: 'global.company.variables.smtpPassword',
        }),
      },
    }),
    connection('nx0o1b2cmw', {
      connectorId: 'functionsConnector',
      connectionId: builtIn.functions,
      name: 'Functions',
      capabilityName: 'AEqualsB',
      properties: {
        leftValueA: richText({ variable: 'retries', template: 'global.flow.variables.retries' }),
        rightValueB: richText('3'),
      },
    }),
    connection('vsp1ewtr9m', {
      connectorId: 'errorConnector',
      connectionId: builtIn.error,
      name: 'Error Message',
      capabilityName: 'customErrorMessage',
      type: 'action',
      properties: { errorMessage: richText('Too many attempts') },
    }),
  );
}

function collectGraph() {
  return graph(
    startSubflow('xb74p6rkd8', ids.validate, 'Validate address'),
    connection('m2lookupss', {
      connectorId: 'pingOneSSOConnector',
      connectionId: ids.stagingSso,
      name: 'PingOne SSO',
      capabilityName: 'userLookup',
    }),
    connection('j3j8fmgc9q', {
      connectorId: 'variablesConnector',
      connectionId: builtIn.variables,
      name: 'Variables',
      capabilityName: 'saveValueUserInfo',
      properties: {
        saveVariables: {
          value: [
            {
              name: 'userName',
              key: 0.9814,
              label: 'userName (string - flowInstance)',
              type: 'string',
              value: 'x',
            },
          ],
        },
      },
    }),
    connection('m4timeoutx', {
      connectorId: 'httpConnector',
      connectionId: ids.stagingHttp,
      name: 'HTTP',
      capabilityName: 'makeRestApiCall',
      properties: {
        timeout: richText({ variable: 'lookupTimeout', template: 'global.flow.variables.lookupTimeout' }),
      },
    }),
  );
}

function validateGraph(loop: boolean) {
  return graph(
    loop
      ? startSubflow('v1startsub', ids.collect, 'Collect address')
      : connection('v1validate', {
          connectorId: 'httpConnector',
          connectionId: ids.stagingHttp,
          name: 'HTTP',
          capabilityName: 'makeRestApiCall',
          type: 'action',
        }),
    connection('v2attemptx', {
      connectorId: 'httpConnector',
      connectionId: ids.stagingHttp,
      name: 'HTTP',
      capabilityName: 'customHtmlMessage',
      properties: {
        message: richText('Attempt ', { variable: 'attempt', template: 'global.variables.attempt' }),
      },
    }),
  );
}

export function variable(
  id: string,
  envId: string,
  fields: {
    name: string;
    context: string;
    dataType: string;
    value?: unknown;
    flowId?: string;
    min?: number;
    max?: number;
  },
) {
  const { flowId, ...rest } = fields;
  return {
    id,
    mutable: true,
    min: 0,
    max: 2000,
    ...rest,
    ...(flowId ? { flow: { id: flowId } } : {}),
    environment: { id: envId },
    createdAt: daysFromNow(-94),
    updatedAt: daysFromNow(-94),
  };
}

/** A PingOne form as the management API shows it (Form: category, components, markOptional, markRequired). */
function signOnForm(id: string, envId: string) {
  return {
    id,
    name: 'Sign On',
    category: 'CUSTOM',
    cols: 4,
    markOptional: false,
    markRequired: true,
    components: {
      fields: [
        {
          type: 'TEXT',
          key: 'username',
          label: 'Username',
          position: { row: 0, col: 0 },
          validation: { type: 'NONE' },
        },
        { type: 'SUBMIT_BUTTON', key: 'submit', label: 'Sign on', position: { row: 1, col: 0 } },
      ],
    },
    environment: { id: envId },
  };
}

export function instance(
  id: string,
  envId: string,
  name: string,
  connector: string,
  properties: Record<string, unknown> = {},
) {
  return { id, name, connector: { id: connector }, environment: { id: envId }, properties };
}

export interface PromotionDataOptions {
  /**
   * "Validate address" starts "Collect address" again: a loop the planner must not follow, and which
   * the lint gate blocks into protected environments (default false).
   */
  loop?: boolean;
}

/** Has Staging's "Validate address" start "Collect address" again (the `loop: true` of the seed). */
export function closeSubflowLoop(sim: PingOneSimulator): void {
  const validate = sim.data.collections[staging]?.flows?.find((flow) => flow.id === ids.validate);
  if (validate) validate.graphData = validateGraph(true);
}

/** Seeds Staging with the three flows, and Production and QA with what they need and some of what they lack. */
export function seedPromotionData(sim: PingOneSimulator, { loop = false }: PromotionDataOptions = {}): void {
  column = 0;
  const stagingData = sim.data.collections[staging] ?? {};
  stagingData.flows = [
    flow(ids.checkout, 'Checkout', staging, checkoutGraph()),
    flow(ids.collect, 'Collect address', staging, collectGraph(), { currentVersion: 7, publishedVersion: 7 }),
    flow(ids.validate, 'Validate address', staging, validateGraph(loop)),
  ];
  stagingData.connectorInstances = [
    instance(ids.stagingHttp, staging, 'HTTP', 'httpConnector'),
    instance(ids.stagingSso, staging, 'PingOne SSO', 'pingOneSSOConnector', {
      clientSecret: { value: '******' },
    }),
    instance(ids.stagingForms, staging, 'PingOne Forms', 'pingOneFormsConnector'),
  ];
  stagingData.variables = [
    ...(stagingData.variables ?? []).filter((v) => v.name !== 'smtpPassword'),
    variable('33333333-0000-4000-8000-000000000011', staging, {
      name: 'greeting',
      context: 'company',
      dataType: 'string',
      value: 'Welcome to Example',
    }),
    variable('33333333-0000-4000-8000-000000000012', staging, {
      name: 'smtpPassword',
      context: 'company',
      dataType: 'secret',
      value: '******',
    }),
    variable('33333333-0000-4000-8000-000000000013', staging, {
      name: 'attempt',
      context: 'flowInstance',
      dataType: 'number',
    }),
    variable('33333333-0000-4000-8000-000000000014', staging, {
      name: 'userName',
      context: 'flowInstance',
      dataType: 'string',
    }),
    variable('33333333-0000-4000-8000-000000000015', staging, {
      name: 'retries',
      context: 'flow',
      dataType: 'number',
      value: 3,
      max: 5,
      flowId: ids.checkout,
    }),
    variable('33333333-0000-4000-8000-000000000016', staging, {
      name: 'lookupTimeout',
      context: 'flow',
      dataType: 'number',
      value: 10,
      max: 30,
      flowId: ids.collect,
    }),
  ];
  sim.data.collections[staging] = stagingData;

  const productionData = sim.data.collections[production] ?? {};
  productionData.flows = [
    flow(
      ids.productionCollect,
      'Collect address',
      production,
      graph(
        connection('oldlookup1', {
          connectorId: 'httpConnector',
          connectionId: ids.productionHttp,
          name: 'HTTP',
          capabilityName: 'makeRestApiCall',
          properties: {
            timeout: richText({ variable: 'lookupTimeout', template: 'global.flow.variables.lookupTimeout' }),
          },
        }),
      ),
      { currentVersion: 2, publishedVersion: 2 },
    ),
  ];
  productionData.connectorInstances = [
    instance(ids.productionHttp, production, 'HTTP', 'httpConnector'),
    instance(ids.productionSso, production, 'PingOne SSO', 'pingOneSSOConnector', {
      clientSecret: { value: '******' },
    }),
    instance(ids.productionForms, production, 'PingOne Forms', 'pingOneFormsConnector'),
    instance(builtIn.flow, production, 'Flow Conductor', 'flowConnector'),
    instance(ids.productionError, production, 'Error Message', 'errorConnector'),
  ];
  productionData.forms = [signOnForm(ids.productionForm, production)];
  productionData.variables = [
    ...(productionData.variables ?? []),
    variable('33333333-0000-4000-8000-100000000003', production, {
      name: 'smtpPassword',
      context: 'company',
      dataType: 'secret',
      value: '******',
    }),
    // Production's own limit for its own flow: a promotion brings it in line with Staging's.
    variable('33333333-0000-4000-8000-100000000004', production, {
      name: 'lookupTimeout',
      context: 'flow',
      dataType: 'number',
      value: 5,
      max: 10,
      flowId: ids.productionCollect,
    }),
  ];
  sim.data.collections[production] = productionData;

  // A sandbox with DaVinci, for promotions that need no approver. It lists no built-in instances.
  sim.data.environments.push({
    id: qa,
    name: 'QA',
    type: 'SANDBOX',
    region: 'EU',
    products: ['PING_ONE_BASE', 'PING_ONE_DAVINCI'],
  });
  sim.data.collections[qa] = {
    connectorInstances: [
      instance(`e0${ids.productionHttp.slice(2)}`, qa, 'HTTP', 'httpConnector'),
      instance(`e1${ids.productionSso.slice(2)}`, qa, 'PingOne SSO', 'pingOneSSOConnector'),
      instance(`e2${ids.productionForms.slice(2)}`, qa, 'PingOne Forms', 'pingOneFormsConnector'),
    ],
    forms: [signOnForm('55555555-0000-4000-8000-00000000000a', qa)],
    variables: [
      variable('33333333-0000-4000-8000-200000000003', qa, {
        name: 'smtpPassword',
        context: 'company',
        dataType: 'secret',
        value: '******',
      }),
    ],
    schemas: [{ id: '44444444-0000-4000-8000-000000000005', name: 'User' }],
  };
  // Promoting means exporting from the source and writing to the destination: DaVinci Admin on both.
  const worker = sim.app();
  for (const assignment of worker.roleAssignments) {
    if (assignment.scope.id === staging) assignment.role.id = '11111111-0000-4000-8000-0000000000a4';
  }
  worker.roleAssignments.push({
    id: '22222222-0000-4000-8000-000000000099',
    role: { id: '11111111-0000-4000-8000-0000000000a4' },
    scope: { id: qa, type: 'ENVIRONMENT' },
  });
}

const dayMs = 24 * 60 * 60 * 1000;

/**
 * `npm run demo`'s data: the promotion data without the loop (a plain promotion of "Checkout" plans
 * without warnings), and in Production, beside its valid certificate and key, a TLS certificate that
 * expires within the month and a signing key that expired, dated from `now` so they are always so.
 */
export function seedDemoData(sim: PingOneSimulator, now = new Date()): void {
  seedPromotionData(sim, { loop: false });
  const productionData = sim.data.collections[production] ?? {};
  const organization = { id: sim.data.organization.id };
  const dates = (startDays: number, endDays: number) => ({
    startsAt: new Date(now.getTime() + startDays * dayMs).toISOString(),
    expiresAt: new Date(now.getTime() + endDays * dayMs).toISOString(),
  });
  productionData.certificates = [
    ...(productionData.certificates ?? []),
    {
      id: '77777777-0000-4000-8000-000000000013',
      name: 'Production TLS',
      algorithm: 'RSA',
      keyLength: 2048,
      signatureAlgorithm: 'SHA256withRSA',
      subjectDN: 'CN=auth.example.com, O=Example',
      issuerDN: 'CN=Example CA',
      serialNumber: 3002,
      usageType: 'SSL/TLS',
      ...dates(-353, 12),
      status: 'VALID',
      default: false,
      environment: { id: production },
      organization,
      validityPeriod: 365,
    },
  ];
  productionData.keys = [
    ...(productionData.keys ?? []),
    {
      id: '88888888-0000-4000-8000-000000000013',
      name: 'Old token signing',
      algorithm: 'RSA',
      keyLength: 2048,
      signatureAlgorithm: 'SHA256withRSA',
      subjectDN: 'CN=Old token signing, O=Example',
      issuerDN: 'CN=Old token signing, O=Example',
      serialNumber: 204,
      usageType: 'SIGNING',
      validityPeriod: 365,
      ...dates(-385, -20),
      status: 'EXPIRED',
      default: false,
      environment: { id: production },
      organization,
    },
  ];
  sim.data.collections[production] = productionData;
}
