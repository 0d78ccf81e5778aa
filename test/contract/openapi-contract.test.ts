import { describe, expect, it } from 'vitest';
import {
  checkExchange,
  type Exchange,
  formatViolation,
  pingOneContract,
} from '../support/openapi-contract.js';
import { daysFromNow } from '../support/test-clock.js';

/**
 * The contract checker itself: it must pass what the documents allow and catch what they do not,
 * or the contract test would prove nothing.
 */

const envId = 'bb22bb22-0000-4000-8000-000000000002';
const flowId = 'c0c0c0c0c0c0c0c0c0c0c0c0c0c0c001';
const flowPath = `/v1/environments/${envId}/flows/${flowId}`;
const href = (path: string) => ({ href: `https://api.pingone.eu/v1${path}` });

const environment = {
  id: envId,
  name: 'Staging',
  type: 'SANDBOX',
  region: 'EU',
  organization: { id: '0b7c1f1e-7a0e-4d5e-9f00-00000000a0a0' },
  license: { id: '77777777-0000-4000-8000-000000000001' },
  status: 'ACTIVE',
  createdAt: daysFromNow(-30),
  updatedAt: daysFromNow(-29),
  _links: { self: href(`/environments/${envId}`) },
};

const environments: Exchange = {
  method: 'GET',
  path: '/v1/environments?expand=billOfMaterials&limit=100',
  status: 200,
  responseContentType: 'application/hal+json',
  responseBody: {
    _links: { self: href('/environments') },
    _embedded: { environments: [environment] },
    count: 1,
    size: 1,
  },
};

/** A version export that matches both branches of the documents' `oneOf`. */
const exported: Exchange = {
  method: 'POST',
  path: `${flowPath}/versions/3`,
  requestContentType: 'application/vnd.pingidentity.flowversion.export+json',
  requestBody: {},
  status: 200,
  responseContentType: 'application/json',
  responseBody: {
    _links: {
      self: href(`/environments/${envId}/flows/${flowId}/versions/3`),
      environment: href(`/environments/${envId}`),
    },
    environment: { id: envId },
    flow: { id: flowId, name: 'Checkout' },
    version: 3,
    publishedVersion: 3,
  },
};

const forbidden: Exchange = {
  method: 'GET',
  path: `/v1/environments/${envId}/variables?limit=500`,
  status: 403,
  responseContentType: 'application/json',
  responseBody: {
    id: '6c796712-0f16-4062-815a-e0a92f4a2143',
    code: 'ACCESS_FAILED',
    message: 'You do not have permissions or are not licensed to make this request.',
  },
};

function messages(exchange: Exchange): string[] {
  return checkExchange(exchange).map(formatViolation);
}

describe('the OpenAPI contract checker', () => {
  it('passes exchanges the documents describe, an export matching both oneOf branches included', () => {
    expect(messages(environments)).toEqual([]);
    expect(messages(exported)).toEqual([]);
    expect(messages(forbidden)).toEqual([]);
  });

  it('matches an action by its content type, and management paths to the management document', () => {
    const contract = pingOneContract();
    expect(contract.operationOf(exported)).toBe('exportVersionByIdUsingFlowIdAsExportJson');
    expect(
      contract.operationOf({
        method: 'POST',
        path: flowPath,
        requestContentType: 'application/vnd.pingidentity.flow.deploy+json; charset=utf-8',
        status: 201,
      }),
    ).toBe('deployFlowByIdAsDeployJson');
    expect(
      contract.operationOf({ method: 'GET', path: `/v1/environments/${envId}/forms`, status: 200 }),
    ).toBe('readAllForms');
    expect(contract.operationOf(environments)).toBe('getEnvironments');
  });

  it('names the missing field of an answer, with its JSON path', () => {
    const { createdAt: _, ...withoutCreatedAt } = environment;
    const found = messages({
      ...environments,
      responseBody: { _embedded: { environments: [environment, withoutCreatedAt] } },
    });
    expect(found).toEqual([
      "getEnvironments response 200 body $._embedded.environments[1]: must have required property 'createdAt'",
    ]);
  });

  it('catches parameters out of range or unknown, undocumented statuses and content types', () => {
    expect(messages({ ...environments, path: '/v1/environments?limit=0&colour=red' })).toEqual([
      'getEnvironments query limit: must be >= 1',
      'getEnvironments query colour: is not a parameter of this operation (it takes: expand, filter, order, limit, cursor)',
    ]);
    expect(messages({ ...forbidden, status: 418 })).toEqual([
      'getVariables status: 418 is not an answer of this operation (it lists 200, 400, 401, 403, 404, 415, 429, 500, 502, 503)',
    ]);
    expect(messages({ ...environments, responseContentType: 'text/html' })).toEqual([
      'getEnvironments response 200 content type: text/html is not one of application/hal+json, application/json',
    ]);
  });

  it('catches unknown operations and actions sent with the wrong content type', () => {
    expect(checkExchange({ method: 'GET', path: '/v1/environments/x/widgets', status: 200 })).toEqual([
      expect.objectContaining({ operationId: undefined, where: 'operation' }),
    ]);
    const [wrongAction] = messages({ ...exported, path: flowPath, requestContentType: 'application/json' });
    expect(wrongAction).toContain('takes application/json');
    expect(wrongAction).toContain(
      'deployFlowByIdAsDeployJson (application/vnd.pingidentity.flow.deploy+json)',
    );
  });

  it('checks request bodies: required ones present, and their shape', () => {
    const create = {
      method: 'POST',
      path: `/v1/environments/${envId}/flows`,
      requestContentType: 'application/json',
      status: 400,
      responseContentType: 'application/json',
      responseBody: { id: '6c796712-0f16-4062-815a-e0a92f4a2143', code: 'INVALID_DATA', message: 'Invalid.' },
    };
    expect(messages(create)).toEqual(['createFlow request body: is required but was not sent']);
    expect(messages({ ...create, requestBody: { name: 7, color: '#fff' } })).toEqual([
      'createFlow request body $.name: must be string, not integer',
    ]);
  });
});
