import type { PingOneSimulator } from './pingone-simulator.js';
import {
  connection,
  flow,
  graph,
  ids,
  instance,
  production,
  qa,
  staging,
  startSubflow,
} from './promotion-fixtures.js';

/**
 * Flows that name PingOne objects the way Ping's own CIAM sample flows do (the passwordless, device
 * authentication and registration flows of pingidentity-developers-experience's integration packages),
 * written here from scratch with the same shapes:
 * - `idpList` with no `{value}` wrapper, holding connector instance IDs;
 * - `externalIdentityProvider`, an object keyed by a connector instance ID, with identity provider and
 *   population IDs inside;
 * - rich text (`customHTML`) with an `skIDP` component whose `data` carries the same IDs base64-encoded
 *   (`[[[skcomponent###…###…]]]`);
 * - PingOne MFA nodes with `notificationPolicyId`, `deviceAuthenticationPolicyId`, `customApplicationId`,
 *   and `"{}"` in the custom fields they leave unused; Notifications nodes with `templateVariant` names;
 * - `agreementId` and `verifyPolicyId`, and the environment's own ID in a setting's URL.
 *
 * Staging has the objects; Production has objects of the same names under other IDs; QA has none.
 */

export const refIds = {
  signOn: 'f1f1f1f1f1f1f1f1f1f1f1f1f1f1f101',
  device: 'f1f1f1f1f1f1f1f1f1f1f1f1f1f1f102',
  authn: { staging: 'c3e6a164bde107954e93f5c09f0c8b01', production: 'c3e6a164bde107954e93f5c09f0c8b09' },
  mfa: { staging: 'b72bd44e6be8180bd5988ac74cd9c901', production: 'b72bd44e6be8180bd5988ac74cd9c909' },
  notifications: {
    staging: 'cacf3d2861657174d93cbf445d557901',
    production: 'cacf3d2861657174d93cbf445d557909',
  },
  verify: { staging: 'aa0f3d2861657174d93cbf445d557901', production: 'aa0f3d2861657174d93cbf445d557909' },
};

/** One object of a kind in each environment: the same name, an ID of its own. */
export const objects = {
  population: {
    name: 'Customers',
    staging: 'b8f00d35-6928-44d5-b9ad-a7fdaf540001',
    production: 'b8f00d35-6928-44d5-b9ad-a7fdaf540009',
  },
  notificationPolicy: {
    name: 'Email enrollment',
    staging: '6c9eb591-d8ea-4f90-8c04-8610e4f70001',
    production: '6c9eb591-d8ea-4f90-8c04-8610e4f70009',
  },
  deviceAuthenticationPolicy: {
    name: 'Passwordless MFA',
    staging: '7d0fc602-d8ea-4f90-8c04-8610e4f70001',
    production: '7d0fc602-d8ea-4f90-8c04-8610e4f70009',
  },
  application: {
    name: 'CIAM Mobile',
    staging: '8e1ad713-d8ea-4f90-8c04-8610e4f70001',
    production: '8e1ad713-d8ea-4f90-8c04-8610e4f70009',
  },
  identityProvider: {
    name: 'Google',
    staging: '1e9ff5fb-3f57-44d1-9c59-4c5c3f490001',
    production: '1e9ff5fb-3f57-44d1-9c59-4c5c3f490009',
  },
  agreement: {
    name: 'Terms of service',
    staging: 'ad9897f7-0dfb-40d4-a4af-675979920001',
    production: 'ad9897f7-0dfb-40d4-a4af-675979920009',
  },
  verifyPolicy: {
    name: 'ID check',
    staging: '9f2be824-d8ea-4f90-8c04-8610e4f70001',
    production: '9f2be824-d8ea-4f90-8c04-8610e4f70009',
  },
};

export const variants = ['New Device', 'Unknown Device'];

/** Every ID of Staging's own that the reference flows hold: none may reach what Production holds. */
export function stagingOnlyIds(): string[] {
  return [
    staging,
    refIds.authn.staging,
    refIds.mfa.staging,
    refIds.notifications.staging,
    refIds.verify.staging,
    ...Object.values(objects).map((object) => object.staging),
  ];
}

function skComponent(options: Record<string, string>): string {
  const attributes = Object.entries(options)
    .map(([key, value]) => `${key}="${value}"`)
    .join(' ');
  const first = Buffer.from(`skcomponent "skIDP" ${attributes}`).toString('base64');
  const second = Buffer.from(JSON.stringify(options)).toString('base64');
  return `[[[skcomponent###${first}###${second}]]]`;
}

function signOnGraph(env: 'staging' | 'production') {
  const authn = refIds.authn[env];
  const idp = objects.identityProvider[env];
  const population = objects.population[env];
  const options = { idpConnector: authn, identityProviderId: idp, populationId: population };
  const customHTML = JSON.stringify(
    [
      {
        children: [
          { text: 'Sign on with ' },
          {
            type: 'component',
            component: 'skIDP',
            options: { ...options, identityProviderType: 'GOOGLE' },
            data: skComponent(options),
            children: [{ text: '' }],
          },
          { text: '' },
        ],
      },
    ],
    null,
    2,
  );
  return graph(
    connection('rmx6s73ihv', {
      connectorId: 'httpConnector',
      connectionId: ids.stagingHttp,
      name: 'Sign On Page',
      capabilityName: 'customHTMLTemplate',
      properties: {
        nodeTitle: { value: 'Sign On Page' },
        idpList: {
          constructType: 'skConnectorList',
          value: [{ connectionId: authn, connectorId: 'pingOneAuthenticationConnector', properties: {} }],
        },
        externalIdentityProvider: {
          [authn]: {
            identityProvider: [
              { createP1User: true, identityProviderId: idp, populationId: population, returnUrl: '' },
            ],
          },
        },
        customHTML: { value: customHTML },
      },
    }),
    connection('ag7check01', {
      connectorId: 'pingOneSSOConnector',
      connectionId: ids.stagingSso,
      name: 'Check agreement',
      capabilityName: 'checkUserAgreement',
      properties: { agreementId: { value: objects.agreement[env] } },
    }),
    startSubflow('sub2device', refIds.device, 'MFA device'),
  );
}

function deviceGraph(env: 'staging' | 'production') {
  return graph(
    connection('mfacreate1', {
      connectorId: 'pingOneMfaConnector',
      connectionId: refIds.mfa[env],
      name: 'Create Device',
      capabilityName: 'createDevice',
      properties: {
        notificationPolicyId: { value: objects.notificationPolicy[env] },
        customNotificationPolicyId: { value: '{}' },
        customApplicationId: { value: objects.application[env] },
        customTemplateVariant: { value: '{}' },
        deviceAuthenticationPolicyId: { value: objects.deviceAuthenticationPolicy[env] },
      },
    }),
    connection('mailnewdev', {
      connectorId: 'notificationsConnector',
      connectionId: refIds.notifications[env],
      name: 'Send email for new device',
      capabilityName: 'sendEmail',
      properties: { templateVariant: { value: 'New Device' }, customTemplateVariant: { value: '{}' } },
    }),
    connection('verifyid01', {
      connectorId: 'pingOneVerifyConnector',
      connectionId: refIds.verify[env],
      name: 'Verify identity',
      capabilityName: 'createVerifyTransaction',
      properties: { verifyPolicyId: { value: objects.verifyPolicy[env] } },
    }),
    connection('mailunknwn', {
      connectorId: 'notificationsConnector',
      connectionId: refIds.notifications[env],
      name: 'PingOne Notifications',
      capabilityName: 'sendEmail',
      properties: { templateVariant: { value: 'Unknown Device' } },
    }),
  );
}

/** The PingOne objects of one environment, in the shapes Ping's management API documents. */
function objectsOf(env: 'staging' | 'production', envId: string) {
  const environment = { id: envId };
  return {
    populations: [
      { id: objects.population[env], name: objects.population.name, default: false, environment },
      // Another population of another name: only a name match maps.
      { id: `${objects.population[env].slice(0, -4)}7777`, name: 'Employees', default: true, environment },
    ],
    notificationsPolicies: [
      {
        id: objects.notificationPolicy[env],
        name: objects.notificationPolicy.name,
        default: false,
        quotas: [{ type: 'ENVIRONMENT', deliveryMethods: ['Email'], total: 1000 }],
        environment,
      },
    ],
    deviceAuthenticationPolicies: [
      {
        id: objects.deviceAuthenticationPolicy[env],
        name: objects.deviceAuthenticationPolicy.name,
        default: false,
        environment,
      },
    ],
    applications: [
      {
        id: objects.application[env],
        name: objects.application.name,
        enabled: true,
        protocol: 'OPENID_CONNECT',
        type: 'NATIVE_APP',
        tokenEndpointAuthMethod: 'NONE',
        environment,
      },
    ],
    identityProviders: [
      {
        id: objects.identityProvider[env],
        name: objects.identityProvider.name,
        type: 'GOOGLE',
        enabled: true,
        clientId: 'google-client',
        clientSecret: '******',
        environment,
      },
    ],
    agreements: [{ id: objects.agreement[env], name: objects.agreement.name, enabled: true, environment }],
    verifyPolicies: [
      { id: objects.verifyPolicy[env], name: objects.verifyPolicy.name, default: false, environment },
    ],
    contents: variants.map((variant, i) => ({
      id: `${envId.slice(0, -4)}c0${i}0`,
      template: { id: 'general' },
      deliveryMethod: 'Email',
      locale: 'en',
      variant,
      default: false,
      body: `<p>${variant}</p>`,
      subject: variant,
      environment,
    })),
  };
}

function instancesOf(env: 'staging' | 'production', envId: string) {
  return [
    instance(refIds.authn[env], envId, 'PingOne Authentication', 'pingOneAuthenticationConnector'),
    instance(refIds.mfa[env], envId, 'PingOne MFA', 'pingOneMfaConnector'),
    instance(refIds.notifications[env], envId, 'PingOne Notifications', 'notificationsConnector'),
    instance(refIds.verify[env], envId, 'PingOne Verify', 'pingOneVerifyConnector'),
  ];
}

/**
 * Adds "Passwordless sign-on" (which starts "MFA device") to Staging, the objects they name to Staging
 * and Production, and only the connector instances to QA (so the objects are all that QA lacks). Call
 * after `seedPromotionData`, which adds QA.
 */
export function seedReferenceData(sim: PingOneSimulator): void {
  const stagingData = sim.data.collections[staging] ?? {};
  stagingData.flows = [
    ...(stagingData.flows ?? []),
    flow(refIds.signOn, 'Passwordless sign-on', staging, signOnGraph('staging'), {
      settings: {
        logLevel: 3,
        customLogoURL: `https://assets.pingone.com/ux/${staging}/logo.png`,
      },
    }),
    flow(refIds.device, 'MFA device', staging, deviceGraph('staging')),
  ];
  stagingData.connectorInstances = [
    ...(stagingData.connectorInstances ?? []),
    ...instancesOf('staging', staging),
  ];
  Object.assign(stagingData, objectsOf('staging', staging));
  sim.data.collections[staging] = stagingData;

  const productionData = sim.data.collections[production] ?? {};
  productionData.connectorInstances = [
    ...(productionData.connectorInstances ?? []),
    ...instancesOf('production', production),
  ];
  Object.assign(productionData, objectsOf('production', production));
  sim.data.collections[production] = productionData;

  const qaData = sim.data.collections[qa] ?? {};
  qaData.connectorInstances = [
    ...(qaData.connectorInstances ?? []),
    ...instancesOf('production', qa).map((item) => ({ ...item, id: `ee${item.id.slice(2)}` })),
  ];
  sim.data.collections[qa] = qaData;
}
