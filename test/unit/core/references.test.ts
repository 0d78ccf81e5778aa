import { describe, expect, it } from 'vitest';
import { idsIn, rewriteIds, scanReferences, scanValue } from '../../../src/core/davinci/references.js';

/**
 * The reference scanner on node shapes taken from Ping's own sample flows (written here from scratch):
 * where each kind of environment-local ID sits, and that the rewrite reaches it there.
 */

const instance = 'c3e6a164bde107954e93f5c09f0c8bce';
const idp = '1e9ff5fb-3f57-44d1-9c59-4c5c3f49e0c7';
const population = 'b8f00d35-6928-44d5-b9ad-a7fdaf54f49d';
const policy = '6c9eb591-d8ea-4f90-8c04-8610e4f70203';
const environment = 'bb22bb22-0000-4000-8000-000000000002';

function node(id: string, properties: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return { data: { id, nodeType: 'CONNECTION', label: id, properties, ...extra } };
}

function flowOf(...nodes: ReturnType<typeof node>[]) {
  return { graphData: { elements: { nodes, edges: [] } } };
}

const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('finding references', () => {
  it('classifies a value by the property it sits under, with or without a {value} wrapper', () => {
    const found = scanReferences(
      flowOf(
        node('mfa', {
          nodeTitle: { value: 'Create Device' },
          notificationPolicyId: { value: policy },
          customNotificationPolicyId: { value: '{}' },
          templateVariant: { value: 'New Device' },
          customTemplateVariant: { value: '{}' },
        }),
      ),
    );
    expect(found).toEqual([
      {
        kind: 'notificationPolicy',
        value: policy,
        sites: [{ nodeId: 'mfa', node: 'Create Device', property: 'properties.notificationPolicyId.value' }],
      },
      {
        kind: 'templateVariant',
        value: 'New Device',
        sites: [{ nodeId: 'mfa', node: 'Create Device', property: 'properties.templateVariant.value' }],
      },
    ]);
  });

  it('finds instance IDs in arrays of objects and as object keys, and what sits beneath them', () => {
    const found = scanReferences(
      flowOf(
        node('page', {
          idpList: {
            constructType: 'skConnectorList',
            value: [
              { connectionId: instance, connectorId: 'pingOneAuthenticationConnector', properties: {} },
            ],
          },
          externalIdentityProvider: {
            [instance]: { identityProvider: [{ identityProviderId: idp, populationId: population }] },
          },
        }),
      ),
    );
    const kinds = Object.fromEntries(found.map((r) => [r.value, r.kind]));
    expect(kinds).toEqual({
      [instance]: 'connectorInstance',
      [idp]: 'identityProvider',
      [population]: 'population',
    });
    expect(found.find((r) => r.value === instance)?.sites.map((s) => s.property)).toEqual([
      'properties.idpList.value[0].connectionId',
      `properties.externalIdentityProvider.${instance} (key)`,
    ]);
  });

  it('reads rich text held in a string, and the base64 component data inside it', () => {
    const richText = JSON.stringify([
      {
        children: [
          {
            component: 'skIDP',
            data: `[[[skcomponent###${b64(`skcomponent "skIDP" idpConnector="${instance}" identityProviderId="${idp}"`)}###${b64(JSON.stringify({ populationId: population }))}]]]`,
          },
        ],
      },
    ]);
    const found = scanReferences(flowOf(node('page', { customHTML: { value: richText } })));
    expect(Object.fromEntries(found.map((r) => [r.value, r.kind]))).toEqual({
      [instance]: 'connectorInstance',
      [idp]: 'identityProvider',
      [population]: 'population',
    });
  });

  it('classifies a bare ID the source is known to have, and names every other ID it cannot classify', () => {
    const known = new Map([[environment, 'environment' as const]]);
    const found = scanReferences(
      {
        ...flowOf(
          node('ciba', {
            userId: { value: '[{"children":[{"text":"36924caf-bf33-46b6-a339-069e21fe5b7c"}]}]' },
            componentProps: { info: 'For example df417355-adc4-2846-41f1-6f4b0b9bd12c' },
          }),
        ),
        settings: { customLogoURL: `https://assets.example.com/${environment}/logo.png` },
      },
      known,
    );
    expect(found.map(({ kind, value, sites }) => [kind, value, sites[0]?.property])).toEqual([
      ['unclassified', '36924caf-bf33-46b6-a339-069e21fe5b7c', 'properties.userId.value[0].children[0].text'],
      ['environment', environment, 'settings.customLogoURL'],
    ]);
  });

  it('leaves templates alone: a value read at run time names nothing of the environment', () => {
    const found = scanReferences(
      flowOf(node('sso', { agreementId: { value: '{{global.parameters.ciam_agreementId}}' } })),
    );
    expect(found).toEqual([]);
  });

  it("classifies a variable's value by the variable's name", () => {
    expect(
      scanValue('ad9897f7-0dfb-40d4-a4af-67597992499c', { name: 'agreementId', label: 'agreementId' }),
    ).toEqual([
      {
        kind: 'agreement',
        value: 'ad9897f7-0dfb-40d4-a4af-67597992499c',
        sites: [{ nodeId: 'agreementId', node: 'agreementId', property: 'agreementId' }],
      },
    ]);
  });
});

describe('rewriting references', () => {
  it('replaces a mapped ID as a value, inside text, as an object key and inside base64 rich text', () => {
    const target = '99999999-9999-4999-8999-999999999999';
    const targetInstance = 'f'.repeat(32);
    const source = {
      graphData: {
        plain: { value: population },
        text: `https://example.com/${population}/x`,
        keyed: { [instance]: { populationId: population } },
        rich: `[[[skcomponent###${b64(`idpConnector="${instance}"`)}###${b64(`{"populationId":"${population}"}`)}]]]`,
        other: idp,
      },
    };
    const map = new Map([
      [population, target],
      [instance.toUpperCase(), targetInstance],
    ]);
    const written = rewriteIds(source, map);
    expect(idsIn(written)).toEqual(new Set([target, targetInstance, idp]));
    expect(Object.keys(written.graphData.keyed)).toEqual([targetInstance]);
    expect(written.graphData.text).toBe(`https://example.com/${target}/x`);
    expect(source.graphData.plain.value).toBe(population);
  });
});
