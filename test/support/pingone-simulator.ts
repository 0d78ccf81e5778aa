import { createHash, createSign, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { type RecordedExchange, recordExchange } from './exchange-recorder.js';
import { resolveRelativeTimes } from './relative-times.js';
import { daysFromNow } from './test-clock.js';

/**
 * A PingOne on loopback, built from docs/pingone-facts.md ("Token endpoint", "Token errors", "HAL
 * collections", "Error envelope", "Bill of materials", "Permissions per call", "Missing role or missing
 * product"). One server plays both hosts: `/{envId}/as/token` (auth) and `/v1/...` (API). Seeded from
 * test/fixtures/pingone/default.json; tests change `data` directly.
 */

export interface SimRoleAssignment {
  id: string;
  role: { id: string };
  scope: { id: string; type: 'ORGANIZATION' | 'ENVIRONMENT' | 'POPULATION' | 'APPLICATION' };
}

export interface SimApplication {
  environmentId: string;
  clientId: string;
  clientSecret: string;
  authMethod: 'client_secret_basic' | 'client_secret_post';
  enabled: boolean;
  grantTypes: string[];
  roleAssignments: SimRoleAssignment[];
}

export interface SimData {
  organization: { id: string };
  environments: { id: string; name: string; type: string; region: string; products: string[] }[];
  roles: { id: string; name: string; applicableTo: string[]; permissions: string[] }[];
  applications: SimApplication[];
  collections: Record<string, Record<string, Record<string, unknown>[]>>;
}

/**
 * Where Ping's documents and Ping's own clients disagree, or say nothing, the simulator can play each
 * reading, so the client is tested against all of them (issue "Real DaVinci", item 9).
 */
export interface SimVariants {
  /**
   * Where `expand=billOfMaterials` puts the bill: `_embedded` (Ping's "Read All Environments" page and
   * a Ping-authored script) or top-level (the generated spec's EnvironmentResponse).
   */
  billOfMaterials: 'embedded' | 'top-level';
  /** What a worker without the role to read the bill gets: the environment without it, or a 403. */
  billOfMaterialsWithoutRole: 'omitted' | 'forbidden';
  /**
   * The export's `variables[]`: the platform's variable resources, the legacy console shape
   * (`name##SK##context##SK##flowId`, `fields`), or nothing at all (the spec makes it optional).
   */
  exportVariables: 'platform' | 'legacy' | 'none';
  /** Whether an export asked to include subflows carries them in `_embedded` (the spec's subflows response). */
  exportSubflows: boolean;
  /** The export answer: the export document (200), or the version record without a graph (the spec's 201). */
  exportAnswer: 'export' | 'version-record';
  /**
   * Fields a create (POST) leaves out of the flow it makes, which a replace (PUT) then keeps: Ping's
   * Terraform provider sends the flow again after a create for this ("certain fields require an update
   * call after initial create").
   */
  createDrops: string[];
  /** Fields every save leaves out (a PingOne that changes what it is given): a write that proves nothing. */
  saveDrops: string[];
  /**
   * Keys PingOne adds to a flow it reads back: the linter's verdicts (`allLinterErrors`, per node
   * `linterError`; docs/pingone-facts.md, "Flow create and replace body") and node properties with null
   * values.
   */
  addsKeysOnRead: boolean;
}

export const defaultVariants: SimVariants = {
  billOfMaterials: 'embedded',
  billOfMaterialsWithoutRole: 'omitted',
  exportVariables: 'platform',
  exportSubflows: true,
  exportAnswer: 'export',
  createDrops: [],
  saveDrops: [],
  addsKeysOnRead: true,
};

export type SimFault =
  | { status: number; body?: unknown; retryAfter?: string; headers?: Record<string, string> }
  | { delayMs: number }
  | { redirect: string }
  | { drop: true };

interface Collection {
  embedded: string;
  permission: string;
  davinci: boolean;
  /** Page sizes of collections whose spec has a `limit` parameter; the others answer in one page. */
  paging?: { defaultLimit: number; maxLimit: number };
  /** For sub-collections: the field of each item naming its parent (`application` for flow policies). */
  parentField?: string;
}

/**
 * Collections under /v1/environments/{env}/…, with the permission each needs (docs/pingone-facts.md,
 * "Permissions per call").
 */
/** What a flow policy request may set. */
function policyFields(request: Record<string, unknown>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const key of ['name', 'status', 'trigger', 'flowDistributions'])
    if (request[key] !== undefined) kept[key] = structuredClone(request[key]);
  return kept;
}

/** What the versions list says of a saved version besides its content. */
interface VersionRecord {
  createdAt: string;
  deployedAt?: string;
  alias?: string;
}

/** DaVinciFlowVersionAliasRequest's pattern (without its look-ahead for `<` and `${`, checked apart). */
const aliasAllowed = /^(?=\S)[\p{L}\p{M}\p{N}\p{So}/.'_ -]*$/u;

const collections: Record<string, Collection> = {
  flows: { embedded: 'flows', permission: 'davinci:read:dvFlows', davinci: true },
  variables: {
    embedded: 'variables',
    permission: 'davinci:read:constructs',
    davinci: true,
    paging: { defaultLimit: 10, maxLimit: 500 },
  },
  connectorInstances: {
    embedded: 'connectorInstances',
    permission: 'davinci:read:connections',
    davinci: true,
  },
  connectors: { embedded: 'connectors', permission: 'davinci:read:connectors', davinci: true },
  davinciApplications: {
    embedded: 'davinciApplications',
    permission: 'davinci:read:applications',
    davinci: true,
  },
  flowPolicies: {
    embedded: 'flowPolicies',
    permission: 'davinci:read:flowPolicies',
    davinci: true,
    parentField: 'application',
  },
  // The management API declares no x-permission; "identity:read" stands for the roles that read it.
  forms: { embedded: 'forms', permission: 'identity:read', davinci: false },
  // The spec gives templates a `limit` but no range; these numbers are the simulator's own.
  templates: {
    embedded: 'templates',
    permission: 'identity:read',
    davinci: false,
    paging: { defaultLimit: 100, maxLimit: 1000 },
  },
  schemas: { embedded: 'schemas', permission: 'identity:read', davinci: false },
  certificates: { embedded: 'certificates', permission: 'identity:read', davinci: false },
  keys: { embedded: 'keys', permission: 'identity:read', davinci: false },
  attributes: { embedded: 'attributes', permission: 'identity:read', davinci: false, parentField: 'schema' },
  // The objects DaVinci nodes name by ID (core/davinci/references.ts), read to map them by name.
  populations: { embedded: 'populations', permission: 'identity:read', davinci: false },
  notificationsPolicies: { embedded: 'notificationsPolicies', permission: 'identity:read', davinci: false },
  deviceAuthenticationPolicies: {
    embedded: 'deviceAuthenticationPolicies',
    permission: 'identity:read',
    davinci: false,
  },
  applications: { embedded: 'applications', permission: 'identity:read', davinci: false },
  // Which flow policies a PingOne application runs, in order (readAllFlowPolicyAssignments).
  flowPolicyAssignments: {
    embedded: 'flowPolicyAssignments',
    permission: 'identity:read',
    davinci: false,
    parentField: 'application',
  },
  identityProviders: { embedded: 'identityProviders', permission: 'identity:read', davinci: false },
  agreements: { embedded: 'agreements', permission: 'identity:read', davinci: false },
  verifyPolicies: { embedded: 'verifyPolicies', permission: 'identity:read', davinci: false },
  contents: { embedded: 'contents', permission: 'identity:read', davinci: false, parentField: 'template' },
};

/**
 * Every environment has PingOne's notification templates, whether or not a test seeded them
 * (EnumTemplateName in test/contract/openapi/pingone-management.openapi.yaml).
 */
const systemTemplates = new Set([
  'credential_issued',
  'credential_revoked',
  'credential_updated',
  'credential_verification',
  'device_pairing',
  'digital_wallet_pairing',
  'email_verification_admin',
  'email_verification_user',
  'email_phone_verification',
  'general',
  'id_verification',
  'new_device_paired',
  'recovery_code_template',
  'strong_authentication',
  'transaction',
  'verification_code_template',
]);

/** The audit's collection: paged with `limit` (the documents give no range; these are the simulator's own). */
const activityCollection: Collection = {
  embedded: 'activities',
  permission: 'identity:read',
  davinci: false,
  paging: { defaultLimit: 100, maxLimit: 1000 },
};

/** Who edits a flow in the console when a test does not say. */
const consoleAdmin = { name: 'Console Admin' };
/** The admin console's client, as the audit names it beside the person using it. */
const adminConsoleClientId = 'c0501e00-0000-4000-8000-00000000c0de';

export const simulatorSeed = resolve(import.meta.dirname, '../fixtures/pingone/default.json');

export class PingOneSimulator {
  data: SimData;
  /** Every request received: method, path (with query), the token's client and when, for assertions. */
  /** Every request, with when it arrived and when its answer was sent (for counting round trips). */
  readonly requests: { method: string; path: string; clientId?: string; at: number; endedAt?: number }[] = [];
  /** Added to every answer, to model a distant PingOne. */
  latencyMs = 0;
  /** Added again to every change (create, replace, delete, deploy): DaVinci takes its time to save. */
  writeLatencyMs = 0;
  variants: SimVariants = { ...defaultVariants };
  /**
   * When set, every collection answers in pages of this size, documented paging or not: the client
   * must follow `_links.next` wherever PingOne sends one.
   */
  pageSize: number | undefined;
  /** Every change made through the API (create, replace, deploy), in order: promotions are counted here. */
  readonly writes: { method: string; path: string; contentType: string; environmentId: string }[] = [];
  /** Off until asked for: it parses and keeps every answer, which benchmarks and demo runs must not pay for. */
  private exchanges: RecordedExchange[] | undefined;
  private readonly flowVersions = new Map<string, Map<number, Record<string, unknown>>>();
  /** By `flowId/version`. */
  private readonly versionRecords = new Map<string, VersionRecord>();
  /**
   * PingOne's audit, newest last: every change to a DaVinci flow or flow policy, by the worker app
   * through the API or by a person in the console (docs/pingone-facts.md, "Audit activities").
   */
  readonly activities: { environmentId: string; activity: Record<string, unknown> }[] = [];
  private readonly faults: { method?: string; path: RegExp; fault: SimFault; times: number }[] = [];
  private readonly tokens = new Map<string, { clientId: string; environmentId: string; expiresAt: number }>();
  private readonly keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  private readonly kid = randomBytes(8).toString('hex');
  private readonly sockets = new Set<import('node:net').Socket>();
  /** The sample data's times are relative to this (PingOne's own time: the real one). */
  private readonly startedAt = new Date();
  /** The sample data as it started, for `reset`. */
  private readonly seeded: string;

  private constructor(
    private readonly server: Server,
    seed: string,
  ) {
    this.data = resolveRelativeTimes(JSON.parse(readFileSync(seed, 'utf8')) as SimData, this.startedAt);
    this.seeded = JSON.stringify(this.data);
  }

  /**
   * Back to how it started, for the next test: the sample data and its flows' history, PingOne's default
   * behaviours, no latency, paging, faults or recorded writes. Tokens already issued stay valid, as a real PingOne's would.
   */
  reset(): void {
    this.data = JSON.parse(this.seeded) as SimData;
    this.variants = { ...defaultVariants };
    this.latencyMs = 0;
    this.writeLatencyMs = 0;
    this.pageSize = undefined;
    this.clearFaults();
    this.writes.length = 0;
    this.flowVersions.clear();
    this.versionRecords.clear();
    this.activities.length = 0;
  }

  /** On a free port of loopback, or on `port` (the `npm run simulator` default, so `.env` stays valid). */
  static async start(seed = simulatorSeed, { port = 0 }: { port?: number } = {}): Promise<PingOneSimulator> {
    const server = createServer();
    const sim = new PingOneSimulator(server, seed);
    server.on('connection', (socket) => {
      sim.sockets.add(socket);
      socket.on('close', () => sim.sockets.delete(socket));
    });
    server.on('request', (req, res) => {
      sim.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(error));
      });
    });
    await new Promise<void>((done, fail) => {
      server.once('error', fail);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', fail);
        done();
      });
    });
    return sim;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Environment for the app: both PingOne hosts point here. */
  get env(): Record<string, string> {
    return { PINGONE_AUTH_BASE_URL: this.url, PINGONE_API_BASE_URL: this.url };
  }

  app(clientId?: string): SimApplication {
    const app = clientId
      ? this.data.applications.find((a) => a.clientId === clientId)
      : this.data.applications[0];
    if (!app) throw new Error(`simulator: no application ${clientId}`);
    return app;
  }

  environment(name: string) {
    const env = this.data.environments.find((e) => e.name === name);
    if (!env) throw new Error(`simulator: no environment ${name}`);
    return env;
  }

  /** The next `times` requests matching `path` (and `method`) get `fault` instead of an answer. */
  fail(path: RegExp, fault: SimFault, { times = 1, method }: { times?: number; method?: string } = {}): void {
    this.faults.push({ path, fault, times, ...(method ? { method } : {}) });
  }

  /**
   * From now on, every call under /v1/ and to the token endpoint, with its answer, for the contract test;
   * answers from `fail()` are marked.
   */
  recordExchanges(): RecordedExchange[] {
    this.exchanges ??= [];
    return this.exchanges;
  }

  /**
   * Changes a flow as a person saving it in the DaVinci designer would: a new current version, saved
   * with its content, so exports of that version show the change. Not deployed unless `deploy` says so
   * (then the change is what runs, and what a promotion of the deployed version copies). The audit
   * records it as `by`'s, through the admin console.
   */
  editFlow(
    environmentId: string,
    flowId: string,
    changes: Record<string, unknown>,
    { deploy = false, by = consoleAdmin }: { deploy?: boolean; by?: { name: string; id?: string } } = {},
  ): Record<string, unknown> {
    const flow = this.flowsOf(environmentId).find((candidate) => candidate.id === flowId);
    if (!flow) throw new Error(`simulator: no flow ${flowId} in ${environmentId}`);
    this.versionsOf(flow);
    Object.assign(flow, changes, {
      currentVersion: Number(flow.currentVersion ?? 0) + 1,
      updatedAt: new Date().toISOString(),
    });
    this.saveVersion(flow);
    const person = this.personActor(by);
    this.audit(environmentId, 'flow', 'UPDATED', flow, person);
    if (deploy) {
      Object.assign(flow, { publishedVersion: flow.currentVersion, deployedAt: flow.updatedAt });
      this.versionRecord(flow, Number(flow.currentVersion)).deployedAt = String(flow.updatedAt);
      this.audit(environmentId, 'flow', 'DEPLOYED', flow, person);
    }
    return flow;
  }

  /** Changes a flow policy as a person in the console would; the audit records it as `by`'s. */
  editPolicy(
    environmentId: string,
    policyId: string,
    changes: Record<string, unknown>,
    { by = consoleAdmin }: { by?: { name: string; id?: string } } = {},
  ): Record<string, unknown> {
    const policy = this.data.collections[environmentId]?.flowPolicies?.find((p) => p.id === policyId);
    if (!policy) throw new Error(`simulator: no flow policy ${policyId} in ${environmentId}`);
    Object.assign(policy, changes);
    this.audit(environmentId, 'policy', 'UPDATED', policy, this.personActor(by));
    return policy;
  }

  /** A person in the admin console, as the audit names them: the user, and the console's client. */
  private personActor(by: { name: string; id?: string }): Record<string, unknown> {
    return {
      user: { id: by.id ?? stableUuid(`user/${by.name}`), name: by.name, type: 'USER' },
      client: { id: adminConsoleClientId, name: 'PingOne Admin Console', type: 'CLIENT' },
    };
  }

  /**
   * One audit activity in the shape PingOne's audit reports it: the action, who (a user, and the client
   * they used; an app alone for API calls), the resource changed and the result. The type names are the
   * simulator's own spelling; FlightIQ does not rely on them (docs/pingone-facts.md, "Audit activities").
   */
  private audit(
    environmentId: string,
    kind: 'flow' | 'policy',
    verb: 'CREATED' | 'UPDATED' | 'DEPLOYED',
    resource: Record<string, unknown>,
    actors: Record<string, unknown>,
  ): void {
    const type = kind === 'flow' ? 'DAVINCI_FLOW' : 'DAVINCI_FLOW_POLICY';
    const noun = kind === 'flow' ? 'DaVinci Flow' : 'DaVinci Flow Policy';
    const past = verb.charAt(0) + verb.slice(1).toLowerCase();
    const id = randomUUID();
    this.activities.push({
      environmentId,
      activity: {
        id,
        recordedAt: new Date().toISOString(),
        correlationId: randomUUID(),
        action: { type: `${type}.${verb}`, description: `${noun} ${past}` },
        actors,
        resources: [{ type, id: resource.id, name: resource.name, environment: { id: environmentId } }],
        result: { status: 'SUCCESS', description: `${past} ${noun} '${String(resource.name)}'` },
        environment: { id: environmentId },
        _links: { self: { href: `${this.url}/v1/environments/${environmentId}/activities/${id}` } },
      },
    });
  }

  /** The worker app as the audit names it when it writes through the API. */
  private apiActor(app: SimApplication): Record<string, unknown> {
    return { client: { id: app.clientId, name: 'FlightIQ worker', type: 'CLIENT' } };
  }

  /** Drops faults not used up yet, so one test's leftovers do not reach the next. */
  clearFaults(): void {
    this.faults.length = 0;
  }

  tokenRequests(): number {
    return this.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/as/token')).length;
  }

  /** Makes every issued token unknown, as after a revocation: the next API call gets 401. */
  revokeTokens(): void {
    this.tokens.clear();
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((done) => this.server.close(() => done()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const body = await readBody(req);
    const exchange =
      this.exchanges && (url.pathname.startsWith('/v1/') || url.pathname.endsWith('/as/token'))
        ? recordExchange(req, body, res, this.exchanges)
        : undefined;
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const session = token ? this.tokens.get(token) : undefined;
    const entry: PingOneSimulator['requests'][number] = {
      at: Date.now(),
      method: req.method ?? 'GET',
      path: url.pathname + url.search,
      ...(session ? { clientId: session.clientId } : {}),
    };
    this.requests.push(entry);
    res.on('finish', () => {
      entry.endedAt = Date.now();
    });
    res.setHeader('correlation-id', randomUUID());
    if (this.latencyMs > 0) await sleep(this.latencyMs);

    const faultIndex = this.faults.findIndex(
      (f) => f.path.test(url.pathname) && (!f.method || f.method === req.method),
    );
    if (faultIndex >= 0) {
      // biome-ignore lint/style/noNonNullAssertion: found just above
      const entry = this.faults[faultIndex]!;
      entry.times--;
      if (entry.times <= 0) this.faults.splice(faultIndex, 1);
      const { fault } = entry;
      // A delay is followed by the simulator's own answer, which the contract test still checks.
      if (exchange) exchange.fault = !('delayMs' in fault);
      if ('delayMs' in fault) await sleep(fault.delayMs);
      else if ('drop' in fault) {
        req.socket.destroy();
        return;
      } else if ('redirect' in fault) {
        res.writeHead(302, { location: fault.redirect }).end();
        return;
      } else {
        const headers = {
          'content-type': 'application/json',
          ...fault.headers,
          ...(fault.retryAfter ? { 'retry-after': fault.retryAfter } : {}),
        };
        res
          .writeHead(fault.status, headers)
          .end(JSON.stringify(fault.body ?? defaultErrorBody(fault.status)));
        return;
      }
    }

    const tokenPath = /^\/([0-9a-f-]{36})\/as\/token$/.exec(url.pathname);
    if (tokenPath && req.method === 'POST') return this.token(tokenPath[1] ?? '', req, body, res);
    if (!url.pathname.startsWith('/v1/')) return gateway(res);
    if (!session || session.expiresAt < Date.now()) {
      return json(res, 401, {
        id: randomUUID(),
        code: 'ACCESS_FAILED',
        message: 'The request could not be completed. You do not have access to this resource.',
        details: [
          {
            code: 'INVALID_TOKEN',
            target: 'Authentication Credentials',
            message: 'The authorization token is either missing or invalid, or it has expired.',
          },
        ],
      });
    }
    const app = this.app(session.clientId);
    const flowPath =
      /^\/v1\/environments\/([^/]+)\/flows(?:\/([^/]+)(?:(\/versions)(?:\/([^/]+)(\/details|\/alias)?)?|(\/enabled))?)?$/.exec(
        url.pathname,
      );
    if (flowPath && (req.method !== 'GET' || flowPath[2])) {
      const [, envId = '', flowId, versions, version, under, enabled] = flowPath;
      return this.flowApi(req, body, url, app, res, {
        envId,
        flowId,
        versions: Boolean(versions) && !version,
        version,
        details: under === '/details',
        alias: under === '/alias',
        enabled: Boolean(enabled),
      });
    }
    const variablePath = /^\/v1\/environments\/([^/]+)\/variables(?:\/([^/]+))?$/.exec(url.pathname);
    if (variablePath && (req.method !== 'GET' || variablePath[2])) {
      const [, envId = '', variableId] = variablePath;
      return this.variableApi(req, body, url, app, res, { envId, variableId });
    }
    const policyPath =
      /^\/v1\/environments\/([^/]+)\/davinciApplications(?:\/([^/]+)\/flowPolicies(?:\/([^/]+)(\/events)?)?)?$/.exec(
        url.pathname,
      );
    if (policyPath && (req.method !== 'GET' || policyPath[3])) {
      const [, envId = '', applicationId, policyId, events] = policyPath;
      return this.policyApi(req, body, url, app, res, {
        envId,
        applicationId,
        policyId,
        events: Boolean(events),
      });
    }
    if (req.method !== 'GET') return gateway(res);
    return this.api(url, app, res);
  }

  private token(environmentId: string, req: IncomingMessage, body: string, res: ServerResponse): void {
    // PingOne quotes in the description the correlation ID its header carries: one ID per request.
    const correlation = String(res.getHeader('correlation-id') ?? randomUUID());
    const refuse = (status: number, error: string, description: string) =>
      json(res, status, { error, error_description: `${description} (Correlation ID: ${correlation})` });
    if (!this.data.environments.some((e) => e.id === environmentId)) {
      return json(res, 404, {
        id: randomUUID(),
        code: 'NOT_FOUND',
        message: 'The requested resource was not found.',
      });
    }
    const form = new URLSearchParams(body);
    if (form.get('grant_type') !== 'client_credentials')
      return refuse(400, 'unsupported_grant_type', 'Request denied: Unsupported grant type');
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    let clientId: string | null;
    let secret: string | null;
    let method: SimApplication['authMethod'];
    if (basic) {
      const decoded = Buffer.from(basic, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      clientId = decodeURIComponent(decoded.slice(0, colon));
      secret = decodeURIComponent(decoded.slice(colon + 1));
      method = 'client_secret_basic';
    } else {
      clientId = form.get('client_id');
      secret = form.get('client_secret');
      method = 'client_secret_post';
    }
    const app = this.data.applications.find(
      (a) => a.clientId === clientId && a.environmentId === environmentId,
    );
    // PingOne gives the same answer for a wrong secret, a disabled app and a mismatched method
    // (docs/pingone-facts.md, "Token errors").
    if (!app || app.clientSecret !== secret || app.authMethod !== method || !app.enabled) {
      return refuse(401, 'invalid_client', 'Request denied: Unsupported authentication method');
    }
    if (!app.grantTypes.includes('CLIENT_CREDENTIALS'))
      return refuse(400, 'unauthorized_client', 'Request denied: Unsupported grant type');
    const now = Math.floor(Date.now() / 1000);
    const accessToken = this.jwt({
      client_id: app.clientId,
      iss: `${this.url}/${environmentId}/as`,
      aud: ['https://api.pingone.com'],
      scope: '',
      iat: now,
      exp: now + 3600,
      env: environmentId,
      org: this.data.organization.id,
    });
    this.tokens.set(accessToken, { clientId: app.clientId, environmentId, expiresAt: (now + 3600) * 1000 });
    // The token endpoint is OAuth 2's, not the HAL API's: plain JSON (RFC 6749 §5.1).
    json(res, 200, { access_token: accessToken, token_type: 'Bearer', expires_in: 3600 }, 'application/json');
  }

  private api(url: URL, app: SimApplication, res: ServerResponse): void {
    const path = url.pathname.slice('/v1'.length);
    const parts = path.split('/').filter(Boolean);
    if (path === '/roles')
      return this.page(
        url,
        res,
        'roles',
        this.data.roles.map(({ permissions, ...role }) => ({
          ...role,
          permissions: permissions.map((id) => ({ id })),
        })),
      );
    if (path === '/environments') {
      if (!this.covers(app, undefined, 'orgmgt:read:environment')) return forbidden(res);
      const visible = this.data.environments.filter((env) =>
        this.covers(app, env.id, 'orgmgt:read:environment'),
      );
      const expand = url.searchParams.get('expand') === 'billOfMaterials';
      if (expand && this.variants.billOfMaterialsWithoutRole === 'forbidden') {
        if (visible.some((env) => !this.covers(app, env.id, billOfMaterialsPermission)))
          return forbidden(res);
      }
      return this.page(
        url,
        res,
        'environments',
        visible.map((env) =>
          this.environmentBody(env, expand && this.covers(app, env.id, billOfMaterialsPermission)),
        ),
      );
    }
    if (parts[0] !== 'environments' || !parts[1]) return gateway(res);
    const env = this.data.environments.find((e) => e.id === parts[1]);
    // An unknown environment is a 403, not a 404 (docs/pingone-facts.md, "Unknown environment is a 403").
    if (!env) return forbidden(res);
    if (parts.length === 2) {
      if (!this.covers(app, env.id, 'orgmgt:read:environment')) return forbidden(res);
      const expand = url.searchParams.get('expand') === 'billOfMaterials';
      const mayRead = this.covers(app, env.id, billOfMaterialsPermission);
      if (expand && !mayRead && this.variants.billOfMaterialsWithoutRole === 'forbidden')
        return forbidden(res);
      return json(res, 200, this.environmentBody(env, expand && mayRead));
    }
    if (parts[2] === 'activities' && parts.length === 3) return this.auditActivities(url, app, env.id, res);
    if (parts[2] === 'applications' && parts[4] === 'roleAssignments' && parts.length === 5) {
      const target = this.data.applications.find(
        (a) => a.clientId === parts[3] && a.environmentId === env.id,
      );
      if (!this.covers(app, env.id, 'applications:read')) return forbidden(res);
      if (!target) return notFound(res);
      return this.page(
        url,
        res,
        'roleAssignments',
        target.roleAssignments.map((ra) => ({ ...ra, environment: { id: env.id }, readOnly: false })),
      );
    }
    // A sub-collection: /schemas/{id}/attributes, /davinciApplications/{id}/flowPolicies,
    // /applications/{id}/flowPolicyAssignments.
    const nested =
      parts.length === 5 &&
      ['schemas', 'davinciApplications', 'templates', 'applications'].includes(parts[2] ?? '');
    const name = (nested ? parts[4] : parts[2]) ?? '';
    const collection = collections[name];
    if (!collection || (parts.length !== 3 && !nested) || (nested && !collection.parentField)) {
      return gateway(res);
    }
    // Authorization is checked before existence, and DaVinci endpoints of an environment without
    // DaVinci answer like a missing role (docs/pingone-facts.md, "Missing role or missing product").
    if (!this.covers(app, env.id, collection.permission)) return forbidden(res);
    if (collection.davinci && !env.products.includes('PING_ONE_DAVINCI')) return forbidden(res);
    let items = this.data.collections[env.id]?.[name] ?? [];
    if (nested && collection.parentField) {
      const parent = this.data.collections[env.id]?.[parts[2] ?? '']?.find((item) => item.id === parts[3]);
      const systemTemplate = parts[2] === 'templates' && systemTemplates.has(parts[3] ?? '');
      if (!parent && !systemTemplate) return notFound(res);
      const field = collection.parentField;
      items = items.filter((item) => (item[field] as { id?: string } | undefined)?.id === parts[3]);
    }
    items = items.map((item) =>
      name === 'variables' ? this.variableBody(env.id, item) : this.resource(name, env.id, item),
    );
    const attributes = url.searchParams.get('attributes');
    if (name === 'flows' && attributes) items = items.map((item) => project(item, attributes.split(',')));
    const links: Record<string, { href: string }> = {};
    if (collection.davinci) links.environment = { href: `${this.url}/v1/environments/${env.id}` };
    if (name === 'flowPolicies') {
      links.davinciApplication = {
        href: `${this.url}/v1/environments/${env.id}/davinciApplications/${parts[3]}`,
      };
    }
    return this.page(url, res, collection.embedded, items, collection, links);
  }

  /**
   * The audit between the filter's times (`recordedat gt "…" AND recordedat lt "…"`), newest first,
   * paged like any collection. The management API declares no permission: "identity:read" stands for
   * the roles that read it, as for its other collections.
   */
  private auditActivities(url: URL, app: SimApplication, environmentId: string, res: ServerResponse): void {
    if (!this.covers(app, environmentId, 'identity:read')) return forbidden(res);
    const filter = url.searchParams.get('filter') ?? '';
    const bound = (operator: 'gt' | 'lt') =>
      new RegExp(`recordedat\\s+${operator}\\s+"([^"]+)"`, 'i').exec(filter)?.[1];
    const after = bound('gt');
    const before = bound('lt');
    const items = this.activities
      .filter((entry) => entry.environmentId === environmentId)
      .map((entry) => entry.activity)
      .filter((activity) => {
        const at = String(activity.recordedAt);
        return (
          (!after || at > new Date(after).toISOString()) && (!before || at < new Date(before).toISOString())
        );
      })
      .reverse();
    return this.page(url, res, 'activities', items, activityCollection, {
      environment: { href: `${this.url}/v1/environments/${environmentId}` },
    });
  }

  /**
   * An item as PingOne shows it: the stored fields, plus the `environment` and `_links` Ping's documents
   * require of it (the seed keeps only what tests care about).
   */
  private resource(kind: string, envId: string, item: Record<string, unknown>): Record<string, unknown> {
    const base = `${this.url}/v1/environments/${envId}`;
    const link = (path: string) => ({ href: `${base}${path}` });
    const links: Record<string, Record<string, { href: string }>> = {
      flows: {
        self: link(`/flows/${item.id}`),
        environment: link(''),
        connectorInstances: link('/connectorInstances'),
        connectors: link('/connectors'),
        'flow.deploy': link(`/flows/${item.id}`),
        'flow.clone': link(`/flows/${item.id}`),
        'flow.enabled': link(`/flows/${item.id}/enabled`),
        version: link(`/flows/${item.id}/versions/${item.currentVersion ?? 1}`),
      },
      variables: { self: link(`/variables/${item.id}`), environment: link('') },
      connectorInstances: {
        self: link(`/connectorInstances/${item.id}`),
        environment: link(''),
        'connectorInstance.clone': link(`/connectorInstances/${item.id}`),
      },
      davinciApplications: {
        self: link(`/davinciApplications/${item.id}`),
        environment: link(''),
        flowPolicies: link(`/davinciApplications/${item.id}/flowPolicies`),
        'davinciApplication.rotateKey': link(`/davinciApplications/${item.id}/key`),
        'davinciApplication.rotateSecret': link(`/davinciApplications/${item.id}/secret`),
      },
      flowPolicies: {
        self: link(`/flowPolicies/${item.id}`),
        environment: link(''),
        davinciApplication: link(
          `/davinciApplications/${(item.application as { id?: string } | undefined)?.id}`,
        ),
      },
    };
    const own = links[kind];
    if (!own) return item;
    return { ...item, environment: { id: envId }, _links: own };
  }

  /**
   * DaVinci applications and their flow policies, written (createDavinciApplication,
   * createFlowPolicyByDavinciApplicationId, replaceFlowPolicyByIdUsingDavinciApplicationId) and one
   * policy read (getFlowPolicyByIdUsingDavinciApplicationId). A new application gets its own key and
   * secret, as PingOne's do.
   */
  private async policyApi(
    req: IncomingMessage,
    body: string,
    url: URL,
    app: SimApplication,
    res: ServerResponse,
    at: { envId: string; applicationId: string | undefined; policyId: string | undefined; events: boolean },
  ): Promise<void> {
    const env = this.data.environments.find((e) => e.id === at.envId);
    if (!env) return forbidden(res);
    const method = req.method ?? 'GET';
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
    const permission = (name: string) =>
      this.covers(app, env.id, name) && env.products.includes('PING_ONE_DAVINCI');
    this.data.collections[env.id] ??= {};
    const collections = this.data.collections[env.id] ?? {};
    collections.davinciApplications ??= [];
    collections.flowPolicies ??= [];
    const write = () => this.wrote({ method, path: url.pathname, contentType, environmentId: env.id });
    const request = () => (body ? (JSON.parse(body) as Record<string, unknown>) : {});
    if (method !== 'GET' && contentType !== 'application/json') return unsupportedMediaType(res);
    if (method === 'POST' && !at.applicationId) {
      if (!permission('davinci:create:applications')) return forbidden(res);
      const { name } = request();
      if (typeof name !== 'string' || name === '') return invalidData(res, 'name');
      await write();
      const now = new Date().toISOString();
      const created = {
        id: randomBytes(16).toString('hex'),
        name,
        apiKey: { enabled: true, value: randomBytes(24).toString('base64url') },
        oauth: {
          clientSecret: randomBytes(24).toString('base64url'),
          grantTypes: [],
          scopes: [],
          redirectUris: [],
        },
        createdAt: now,
        updatedAt: now,
      };
      collections.davinciApplications.push(created);
      return json(res, 201, this.resource('davinciApplications', env.id, created));
    }
    const owner = collections.davinciApplications.find((candidate) => candidate.id === at.applicationId);
    if (!owner) return permission('davinci:read:applications') ? notFound(res) : forbidden(res);
    const policy = at.policyId
      ? collections.flowPolicies.find(
          (candidate) =>
            candidate.id === at.policyId &&
            (candidate.application as { id?: string } | undefined)?.id === owner.id,
        )
      : undefined;
    const distributionsOf = (value: unknown) =>
      Array.isArray(value) &&
      value.every(
        (d) =>
          typeof d === 'object' &&
          d !== null &&
          typeof (d as { id?: unknown }).id === 'string' &&
          typeof (d as { version?: unknown }).version === 'number',
      );
    if (method === 'GET') {
      if (!permission('davinci:read:flowPolicies')) return forbidden(res);
      if (!policy) return notFound(res);
      if (at.events) {
        // What the policy ran, per flow version: a test's `flowPolicyEvents` rows of this policy.
        const events = (collections.flowPolicyEvents ?? [])
          .filter((row) => row.policyId === policy.id)
          .map(({ policyId: _policy, ...row }) => ({ ...row, environment: { id: env.id } }));
        return this.page(url, res, 'events', events, undefined, {
          environment: { href: `${this.url}/v1/environments/${env.id}` },
        });
      }
      return json(res, 200, this.resource('flowPolicies', env.id, policy));
    }
    if (method === 'POST' && !at.policyId) {
      if (!permission('davinci:create:flowPolicies')) return forbidden(res);
      const asked = request();
      if (!distributionsOf(asked.flowDistributions)) return invalidData(res, 'flowDistributions');
      await write();
      const created = {
        ...policyFields(asked),
        id: randomBytes(16).toString('hex'),
        status: typeof asked.status === 'string' ? asked.status : 'enabled',
        application: { id: owner.id },
      };
      collections.flowPolicies.push(created);
      this.audit(env.id, 'policy', 'CREATED', created, this.apiActor(app));
      return json(res, 201, this.resource('flowPolicies', env.id, created));
    }
    if (method === 'PUT' && policy) {
      if (!permission('davinci:update:flowPolicies')) return forbidden(res);
      const asked = request();
      if (typeof asked.name !== 'string' || asked.name === '') return invalidData(res, 'name');
      if (asked.flowDistributions !== undefined && !distributionsOf(asked.flowDistributions))
        return invalidData(res, 'flowDistributions');
      await write();
      for (const key of ['name', 'status', 'trigger', 'flowDistributions']) delete policy[key];
      Object.assign(policy, policyFields(asked), {
        status: typeof asked.status === 'string' ? asked.status : 'enabled',
      });
      if (!policy.flowDistributions) policy.flowDistributions = [];
      this.audit(env.id, 'policy', 'UPDATED', policy, this.apiActor(app));
      return json(res, 200, this.resource('flowPolicies', env.id, policy));
    }
    if (!policy) return notFound(res);
    return gateway(res);
  }

  /**
   * DaVinci flow reads and writes (docs/pingone-facts.md, "Action endpoints" and "Versions and deploy"):
   * GET one flow, create (POST, JSON), replace (PUT), deploy (POST with the deploy content type), export
   * a version (POST on /versions/{n}). Every save makes a new version; deploy publishes the current one.
   */
  private async flowApi(
    req: IncomingMessage,
    body: string,
    url: URL,
    app: SimApplication,
    res: ServerResponse,
    at: {
      envId: string;
      flowId: string | undefined;
      /** The versions list itself, not one version. */
      versions: boolean;
      version: string | undefined;
      details: boolean;
      alias: boolean;
      enabled: boolean;
    },
  ): Promise<void> {
    const env = this.data.environments.find((e) => e.id === at.envId);
    if (!env) return forbidden(res);
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
    const flows = this.flowsOf(env.id);
    const flow = at.flowId ? flows.find((f) => f.id === at.flowId) : undefined;
    const permission = (name: string) =>
      this.covers(app, env.id, name) && env.products.includes('PING_ONE_DAVINCI');
    const parsed = () => (body ? (JSON.parse(body) as Record<string, unknown>) : {});
    const method = req.method ?? 'GET';
    const write = () => this.wrote({ method, path: url.pathname, contentType, environmentId: env.id });

    if (method === 'GET' && at.flowId && at.version && at.details) {
      // One saved version in full (DaVinciFlowVersionDetailResponse): what DaVinci Admin Read Only,
      // which may not export, can read of a version that is not the saved one.
      if (!permission('davinci:read:flowVersions')) return forbidden(res);
      const saved = flow ? this.versionsOf(flow).get(Number(at.version)) : undefined;
      if (!flow || !saved) return notFound(res);
      const self = `${this.url}${url.pathname}`;
      const versionPath = self.replace(/\/details$/, '');
      const { name: _name, ...definition } = saved;
      return json(res, 200, {
        ...definition,
        _links: {
          self: { href: self },
          environment: { href: `${this.url}/v1/environments/${env.id}` },
          'flow.export': { href: versionPath },
          'flow.revert': { href: versionPath },
        },
        flow: { id: flow.id, name: saved.name },
        version: Number(at.version),
        enabled: flow.enabled,
        createdAt: flow.createdAt,
        updatedAt: flow.updatedAt,
      });
    }
    if (method === 'GET' && at.versions) {
      // Every saved version (DaVinciFlowVersionCollectionResponse); not paged, like the flows list.
      if (!permission('davinci:read:flowVersions')) return forbidden(res);
      if (!flow) return notFound(res);
      const base = `${this.url}/v1/environments/${env.id}/flows/${flow.id}/versions`;
      const versions = [...this.versionsOf(flow).entries()]
        .sort(([a], [b]) => b - a)
        .map(([version, saved]) => {
          const record = this.versionRecord(flow, version);
          return {
            _links: {
              self: { href: `${base}/${version}` },
              environment: { href: `${this.url}/v1/environments/${env.id}` },
              details: { href: `${base}/${version}/details` },
              'flow.export': { href: `${base}/${version}` },
              'flow.revert': { href: `${base}/${version}` },
            },
            environment: { id: env.id },
            flow: { id: flow.id, name: saved.name },
            version,
            ...(record.alias === undefined ? {} : { alias: record.alias }),
            createdAt: record.createdAt,
            updatedAt: record.createdAt,
            ...(record.deployedAt === undefined ? {} : { deployedAt: record.deployedAt }),
          };
        });
      return json(res, 200, {
        _links: {
          self: { href: `${this.url}${url.pathname}` },
          environment: { href: `${this.url}/v1/environments/${env.id}` },
        },
        _embedded: { versions },
      });
    }
    if (method === 'PUT' && at.flowId && at.version && at.alias) {
      if (!permission('davinci:update:flowVersions')) return forbidden(res);
      if (contentType !== 'application/json') return unsupportedMediaType(res);
      if (!flow || !this.versionsOf(flow).has(Number(at.version))) return notFound(res);
      const { alias } = parsed();
      if (
        typeof alias !== 'string' ||
        alias.length > 256 ||
        !aliasAllowed.test(alias) ||
        /<|\$\{/.test(alias)
      )
        return invalidData(res, 'alias');
      await write();
      this.versionRecord(flow, Number(at.version)).alias = alias;
      return json(res, 200, {
        _links: {
          self: { href: `${this.url}${url.pathname}` },
          environment: { href: `${this.url}/v1/environments/${env.id}` },
          flowVersion: { href: `${this.url}${url.pathname.replace(/\/alias$/, '')}` },
        },
        alias,
      });
    }
    if (method === 'PUT' && at.flowId && at.enabled) {
      if (!permission('davinci:update:dvFlows')) return forbidden(res);
      if (contentType !== 'application/json') return unsupportedMediaType(res);
      if (!flow) return notFound(res);
      const request = parsed();
      if (typeof request.enabled !== 'boolean') return invalidData(res, 'enabled');
      await write();
      flow.enabled = request.enabled;
      return json(res, 200, {
        enabled: flow.enabled,
        _links: { self: { href: `${this.url}${url.pathname}` } },
      });
    }
    if (method === 'GET' && at.flowId && !at.version) {
      if (!permission('davinci:read:dvFlows')) return forbidden(res);
      if (!flow) return notFound(res);
      const attributes = url.searchParams.get('attributes');
      return json(res, 200, attributes ? project(flow, attributes.split(',')) : this.flowBody(flow));
    }
    if (method === 'POST' && !at.flowId) {
      if (!permission('davinci:create:dvFlows')) return forbidden(res);
      if (contentType !== 'application/json') return unsupportedMediaType(res);
      const request = parsed();
      if (typeof request.name !== 'string' || request.name === '') return invalidData(res, 'name');
      const now = new Date().toISOString();
      const kept = definitionOf(request);
      for (const field of [...this.variants.createDrops, ...this.variants.saveDrops]) delete kept[field];
      const created: Record<string, unknown> = {
        ...kept,
        id: randomBytes(16).toString('hex'),
        environment: { id: env.id },
        enabled: true,
        currentVersion: 1,
        createdAt: now,
        updatedAt: now,
      };
      await write();
      flows.push(created);
      this.saveVersion(created);
      this.audit(env.id, 'flow', 'CREATED', created, this.apiActor(app));
      return json(res, 201, this.flowBody(created));
    }
    if (!flow) return permission('davinci:read:dvFlows') ? notFound(res) : forbidden(res);
    if (method === 'PUT' && !at.version) {
      if (!permission('davinci:update:dvFlows')) return forbidden(res);
      if (contentType !== 'application/json') return unsupportedMediaType(res);
      const request = parsed();
      if (typeof request.name !== 'string' || request.name === '') return invalidData(res, 'name');
      await write();
      for (const key of definitionKeys) delete flow[key];
      const kept = definitionOf(request);
      for (const field of this.variants.saveDrops) delete kept[field];
      Object.assign(flow, kept, {
        currentVersion: Number(flow.currentVersion ?? 0) + 1,
        updatedAt: new Date().toISOString(),
      });
      this.saveVersion(flow);
      this.audit(env.id, 'flow', 'UPDATED', flow, this.apiActor(app));
      return json(res, 200, this.flowBody(flow));
    }
    if (method === 'POST' && !at.version) {
      if (contentType !== 'application/vnd.pingidentity.flow.deploy+json') return unsupportedMediaType(res);
      if (!permission('davinci:create:dvFlows')) return forbidden(res);
      await write();
      Object.assign(flow, { publishedVersion: flow.currentVersion, deployedAt: new Date().toISOString() });
      this.versionRecord(flow, Number(flow.currentVersion)).deployedAt = String(flow.deployedAt);
      this.audit(env.id, 'flow', 'DEPLOYED', flow, this.apiActor(app));
      return json(res, 201, this.flowBody(flow));
    }
    if (
      method === 'POST' &&
      at.version &&
      contentType === 'application/vnd.pingidentity.flowversion.revert+json'
    ) {
      // PingOne's revert (docs/pingone-facts.md, "Versions and deploy"): the version's content saved as
      // a new version, not deployed. Ping's documents do not describe it; the answer is the flow.
      if (!permission('davinci:update:dvFlows')) return forbidden(res);
      const saved = this.versionsOf(flow).get(Number(at.version));
      if (!saved) return notFound(res);
      await write();
      for (const key of definitionKeys) delete flow[key];
      Object.assign(flow, structuredClone(saved), {
        currentVersion: Number(flow.currentVersion ?? 0) + 1,
        updatedAt: new Date().toISOString(),
      });
      this.saveVersion(flow);
      this.audit(env.id, 'flow', 'UPDATED', flow, this.apiActor(app));
      return json(res, 200, this.flowBody(flow));
    }
    if (method === 'POST' && at.version) {
      if (contentType !== 'application/vnd.pingidentity.flowversion.export+json')
        return unsupportedMediaType(res);
      if (!permission('davinci:export:flowVersions')) return forbidden(res);
      const version = Number(at.version);
      const saved = this.versionsOf(flow).get(version);
      if (!saved) return notFound(res);
      const options = parsed() as { includeSubFlows?: boolean; includeVariableValues?: boolean };
      if (this.variants.exportAnswer === 'version-record') {
        return json(res, 201, {
          _links: {
            self: { href: `${this.url}${url.pathname}` },
            environment: { href: `${this.url}/v1/environments/${env.id}` },
            details: { href: `${this.url}${url.pathname}/details` },
            'flow.export': { href: `${this.url}${url.pathname}` },
            'flow.revert': { href: `${this.url}${url.pathname}` },
          },
          environment: { id: env.id },
          flow: { id: flow.id, name: saved.name },
          version,
        });
      }
      const exported = this.exportOf(env.id, flow, version, Boolean(options.includeVariableValues));
      if (options.includeSubFlows && this.variants.exportSubflows) {
        const subflows = this.subflowsOf(env.id, flow).map((subflow) =>
          this.exportOf(
            env.id,
            subflow,
            Number(subflow.currentVersion ?? 1),
            Boolean(options.includeVariableValues),
          ),
        );
        if (subflows.length > 0) exported._embedded = subflows;
      }
      return json(res, 200, exported);
    }
    return gateway(res);
  }

  /** One version of a flow as the export operation shows it (DaVinciExportFlowVersionResponse). */
  private exportOf(
    envId: string,
    flow: Record<string, unknown>,
    version: number,
    withValues: boolean,
  ): Record<string, unknown> {
    const saved = this.versionsOf(flow).get(version) ?? definitionOf(flow);
    const variables = this.variablesOfFlow(envId, flow, saved, withValues);
    return {
      ...saved,
      _links: {
        self: { href: `${this.url}/v1/environments/${envId}/flows/${flow.id}/versions/${version}` },
        environment: { href: `${this.url}/v1/environments/${envId}` },
      },
      environment: { id: envId },
      flow: { id: flow.id, name: saved.name },
      version,
      ...(flow.publishedVersion === undefined ? {} : { publishedVersion: flow.publishedVersion }),
      enabled: flow.enabled,
      createdAt: flow.createdAt,
      updatedAt: flow.updatedAt,
      ...(this.variants.exportVariables === 'none' ? {} : { variables }),
    };
  }

  /** Every flow `flow` starts, and every flow those start, each once (what includeSubFlows brings). */
  private subflowsOf(envId: string, flow: Record<string, unknown>): Record<string, unknown>[] {
    const flows = this.flowsOf(envId);
    const found = new Map<string, Record<string, unknown>>();
    const visit = (current: Record<string, unknown>) => {
      for (const id of subflowIdsIn(current.graphData)) {
        const subflow = flows.find((candidate) => candidate.id === id);
        if (!subflow || found.has(id) || id === flow.id) continue;
        found.set(id, subflow);
        visit(subflow);
      }
    };
    visit(flow);
    return [...found.values()];
  }

  /**
   * The export's `variables[]`: the environment's variables the flow's nodes name, and the flow's own
   * (flow context), in the shape the variant plays.
   */
  private variablesOfFlow(
    envId: string,
    flow: Record<string, unknown>,
    definition: Record<string, unknown>,
    withValues: boolean,
  ): unknown[] {
    const names = variableNamesIn(definition.graphData);
    const used = (this.data.collections[envId]?.variables ?? []).filter((variable) =>
      variable.context === 'flow'
        ? (variable.flow as { id?: string } | undefined)?.id === flow.id
        : names.has(String(variable.name)),
    );
    return used.map((variable) => {
      const value = variable.dataType === 'secret' ? '******' : variable.value;
      if (this.variants.exportVariables === 'legacy') {
        const flowId = (variable.flow as { id?: string } | undefined)?.id;
        return {
          id: variable.id,
          name: [variable.name, variable.context, ...(flowId ? [flowId] : [])].join('##SK##'),
          context: variable.context,
          type: 'property',
          visibility: 'private',
          fields: {
            type: variable.dataType,
            displayName: variable.displayName ?? '',
            mutable: variable.mutable ?? true,
            min: variable.min ?? 0,
            max: variable.max ?? 2000,
            ...(withValues && value !== undefined ? { value } : {}),
          },
          ...(flowId ? { flowId } : {}),
          companyId: envId,
          createdDate: Date.parse(String(variable.createdAt ?? this.startedAt.toISOString())),
        };
      }
      const { _links: _ignored, value: _value, ...rest } = variable;
      return { ...rest, ...(withValues && value !== undefined ? { value } : {}) };
    });
  }

  /**
   * DaVinci variables (docs/pingone-facts.md, "Variables"): create, read, replace and delete one. Names
   * are unique per context (and per flow for flow context); a flow variable needs its flow; secrets read
   * back masked.
   */
  private async variableApi(
    req: IncomingMessage,
    body: string,
    url: URL,
    app: SimApplication,
    res: ServerResponse,
    at: { envId: string; variableId: string | undefined },
  ): Promise<void> {
    const env = this.data.environments.find((e) => e.id === at.envId);
    if (!env) return forbidden(res);
    const method = req.method ?? 'GET';
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
    const permission = (name: string) =>
      this.covers(app, env.id, name) && env.products.includes('PING_ONE_DAVINCI');
    const needed = {
      GET: 'davinci:read:constructs',
      POST: 'davinci:create:constructs',
      PUT: 'davinci:update:constructs',
      DELETE: 'davinci:delete:constructs',
    }[method];
    if (!needed || !permission(needed)) return forbidden(res);
    this.data.collections[env.id] ??= {};
    const store = this.data.collections[env.id] as Record<string, Record<string, unknown>[]>;
    store.variables ??= [];
    const variables = store.variables;
    const write = () => this.wrote({ method, path: url.pathname, contentType, environmentId: env.id });
    const check = (request: Record<string, unknown>, except?: unknown) => {
      for (const field of ['name', 'context', 'dataType'])
        if (typeof request[field] !== 'string' || request[field] === '') return field;
      if (typeof request.mutable !== 'boolean') return 'mutable';
      if (request.context === 'flow') {
        const flowId = (request.flow as { id?: unknown } | undefined)?.id;
        if (!this.flowsOf(env.id).some((flow) => flow.id === flowId)) return 'flow.id';
      }
      const taken = variables.some(
        (other) =>
          other.id !== except &&
          other.name === request.name &&
          other.context === request.context &&
          (other.flow as { id?: unknown } | undefined)?.id ===
            (request.flow as { id?: unknown } | undefined)?.id,
      );
      return taken ? 'name' : undefined;
    };
    if (method === 'POST' && !at.variableId) {
      if (contentType !== 'application/json') return unsupportedMediaType(res);
      const request = body ? (JSON.parse(body) as Record<string, unknown>) : {};
      const wrong = check(request);
      if (wrong) return invalidData(res, wrong);
      const now = new Date().toISOString();
      const created = {
        ...variableFields(request),
        id: randomUUID(),
        environment: { id: env.id },
        createdAt: now,
        updatedAt: now,
      };
      await write();
      variables.push(created);
      return json(res, 201, this.variableBody(env.id, created));
    }
    const variable = variables.find((candidate) => candidate.id === at.variableId);
    if (!variable) return notFound(res);
    if (method === 'GET') return json(res, 200, this.variableBody(env.id, variable));
    if (method === 'PUT') {
      if (contentType !== 'application/json') return unsupportedMediaType(res);
      const request = body ? (JSON.parse(body) as Record<string, unknown>) : {};
      const wrong = check(request, variable.id);
      if (wrong) return invalidData(res, wrong);
      await write();
      for (const key of Object.keys(variableFields(variable))) delete variable[key];
      Object.assign(variable, variableFields(request), { updatedAt: new Date().toISOString() });
      return json(res, 200, this.variableBody(env.id, variable));
    }
    await write();
    variables.splice(variables.indexOf(variable), 1);
    res.writeHead(204).end();
  }

  private variableBody(envId: string, variable: Record<string, unknown>): Record<string, unknown> {
    return this.resource('variables', envId, {
      ...variable,
      ...(variable.dataType === 'secret' && variable.value !== undefined ? { value: '******' } : {}),
      // PingOne keeps false and 0, and reads them back as strings.
      ...(variable.value === false || variable.value === 0 ? { value: String(variable.value) } : {}),
    });
  }

  private flowBody(flow: Record<string, unknown>): Record<string, unknown> {
    const body = this.resource('flows', (flow.environment as { id: string }).id, flow);
    return this.variants.addsKeysOnRead ? withLinterKeys(body) : body;
  }

  private async wrote(write: PingOneSimulator['writes'][number]): Promise<void> {
    if (this.writeLatencyMs > 0) await sleep(this.writeLatencyMs);
    this.writes.push(write);
  }

  private flowsOf(envId: string): Record<string, unknown>[] {
    this.data.collections[envId] ??= {};
    const collections = this.data.collections[envId];
    collections.flows ??= [];
    return collections.flows;
  }

  /**
   * A flow's saved versions. A seeded flow's history starts with its current version and, where the
   * seed says another one is deployed, that one too (the same content: the seed does not say what
   * differed); `editFlow` and writes add versions, so tests make drafts that differ from what runs.
   */
  private versionsOf(flow: Record<string, unknown>): Map<number, Record<string, unknown>> {
    let versions = this.flowVersions.get(String(flow.id));
    if (!versions) {
      versions = new Map([[Number(flow.currentVersion ?? 1), structuredClone(definitionOf(flow))]]);
      if (flow.publishedVersion !== undefined && !versions.has(Number(flow.publishedVersion)))
        versions.set(Number(flow.publishedVersion), structuredClone(definitionOf(flow)));
      this.flowVersions.set(String(flow.id), versions);
      for (const version of versions.keys()) this.versionRecord(flow, version);
    }
    return versions;
  }

  private saveVersion(flow: Record<string, unknown>): void {
    this.versionsOf(flow).set(Number(flow.currentVersion), structuredClone(definitionOf(flow)));
    const now = new Date().toISOString();
    this.versionRecords.set(`${flow.id}/${flow.currentVersion}`, { createdAt: now });
  }

  /**
   * When a version was saved and deployed, and its alias. A seeded version was saved when its flow was
   * last updated, and the deployed one deployed then too (the seed says no more).
   */
  private versionRecord(flow: Record<string, unknown>, version: number): VersionRecord {
    const key = `${flow.id}/${version}`;
    let record = this.versionRecords.get(key);
    if (!record) {
      const at = String(flow.updatedAt ?? flow.createdAt ?? new Date().toISOString());
      record = {
        createdAt: at,
        ...(Number(flow.publishedVersion) === version ? { deployedAt: String(flow.deployedAt ?? at) } : {}),
      };
      this.versionRecords.set(key, record);
    }
    return record;
  }

  private environmentBody(env: SimData['environments'][number], withBill: boolean) {
    const { products, ...rest } = env;
    const bill = { products: products.map((type) => ({ id: stableUuid(`${env.id}/${type}`), type })) };
    return {
      ...rest,
      organization: { id: this.data.organization.id },
      license: { id: '77777777-0000-4000-8000-000000000001' },
      status: 'ACTIVE',
      createdAt: daysFromNow(-333, this.startedAt),
      updatedAt: daysFromNow(-186, this.startedAt),
      ...(withBill && this.variants.billOfMaterials === 'top-level' ? { billOfMaterials: bill } : {}),
      ...(withBill && this.variants.billOfMaterials === 'embedded'
        ? { _embedded: { billOfMaterials: bill } }
        : {}),
      _links: { self: { href: `${this.url}/v1/environments/${env.id}` } },
    };
  }

  /** Whether the app holds `permission` at a scope covering `environmentId` (any environment when undefined). */
  private covers(app: SimApplication, environmentId: string | undefined, permission: string): boolean {
    return app.roleAssignments.some((ra) => {
      const role = this.data.roles.find((r) => r.id === ra.role.id);
      if (!role?.permissions.includes(permission)) return false;
      if (ra.scope.type === 'ORGANIZATION') return true;
      return (
        ra.scope.type === 'ENVIRONMENT' && (environmentId === undefined || ra.scope.id === environmentId)
      );
    });
  }

  private page(
    url: URL,
    res: ServerResponse,
    embedded: string,
    items: unknown[],
    collection?: Collection,
    extraLinks: Record<string, { href: string }> = {},
  ): void {
    const offset = Number(Buffer.from(url.searchParams.get('cursor') ?? '', 'base64url').toString() || 0);
    const paging = collection ? collection.paging : { defaultLimit: 1000, maxLimit: 5000 };
    let limit = items.length || 1;
    if (paging) {
      const requested = Number(url.searchParams.get('limit') ?? paging.defaultLimit);
      limit = Math.max(1, Math.min(requested, paging.maxLimit));
    }
    if (this.pageSize) limit = this.pageSize;
    const slice = items.slice(offset, offset + limit);
    const self = `${this.url}${url.pathname}${url.search}`;
    const links: Record<string, { href: string }> = { self: { href: self }, ...extraLinks };
    if (offset + limit < items.length) {
      const next = new URL(self);
      next.searchParams.set('limit', String(limit));
      next.searchParams.set('cursor', Buffer.from(String(offset + limit)).toString('base64url'));
      links.next = { href: next.toString() };
    }
    json(res, 200, {
      _links: links,
      _embedded: { [embedded]: slice },
      count: items.length,
      size: slice.length,
    });
  }

  private jwt(claims: Record<string, unknown>): string {
    const encode = (part: unknown) => Buffer.from(JSON.stringify(part)).toString('base64url');
    const unsigned = `${encode({ alg: 'RS256', typ: 'JWT', kid: this.kid })}.${encode(claims)}`;
    const signature = createSign('RSA-SHA256')
      .update(unsigned)
      .sign(this.keys.privateKey)
      .toString('base64url');
    return `${unsigned}.${signature}`;
  }
}

const definitionKeys = [
  'name',
  'description',
  'color',
  'graphData',
  'inputSchema',
  'outputSchema',
  'settings',
  'trigger',
] as const;

/** The fields a create or replace request carries (DaVinciFlowCreateRequest / ReplaceRequest). */
function definitionOf(source: Record<string, unknown>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const key of definitionKeys) if (source[key] !== undefined) kept[key] = source[key];
  return kept;
}

/**
 * Stands for the Environment Admin role, which reading the bill of materials needs (docs/pingone-facts.md,
 * "Bill of materials").
 */
const billOfMaterialsPermission = 'environment:read:billOfMaterials';

/**
 * Names of the environment's variables a graph uses: `{{global.company.variables.x}}`,
 * `{{global.variables.x}}` and the Variables connector's `saveVariables` entries (docs/pingone-facts.md,
 * "Variable references in flows"). Flow-context variables belong to their flow and are found by it, not
 * by name.
 */
function variableNamesIn(graph: unknown): Set<string> {
  const text = JSON.stringify(graph ?? {});
  const names = new Set<string>();
  for (const match of text.matchAll(
    /\{\{\s*global\.(?:company\.|userInfo\.)?variables\.([A-Za-z0-9_-]+)\s*\}\}/g,
  ))
    names.add(match[1] ?? '');
  for (const node of nodesIn(graph)) {
    const saved = node.data?.properties?.saveVariables?.value;
    for (const entry of (Array.isArray(saved) ? saved : []) as { name?: unknown }[])
      if (typeof entry?.name === 'string') names.add(entry.name);
    // The variable incrementByN adds to.
    const incremented = node.data?.properties?.variable?.value;
    if (typeof incremented === 'string') names.add(incremented);
  }
  names.delete('');
  return names;
}

type SimNode = {
  data?: { connectorId?: string; properties?: Record<string, { value?: unknown } | undefined> };
};

function nodesIn(graph: unknown): SimNode[] {
  const nodes = (graph as { elements?: { nodes?: unknown } } | undefined)?.elements?.nodes;
  return Array.isArray(nodes) ? (nodes as SimNode[]) : [];
}

function subflowIdsIn(graph: unknown): string[] {
  return nodesIn(graph).flatMap((node) => {
    const value = (node.data?.properties?.subFlowId?.value as { value?: unknown } | undefined)?.value;
    return node.data?.connectorId === 'flowConnector' && typeof value === 'string' ? [value] : [];
  });
}

/** The fields of a variable create or replace request (DaVinciVariableCreateRequest). */
function variableFields(source: Record<string, unknown>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const key of ['name', 'displayName', 'context', 'dataType', 'mutable', 'min', 'max', 'value', 'flow'])
    if (source[key] !== undefined) kept[key] = source[key];
  return kept;
}

/** A UUID that is the same for the same text, so answers do not change between reads. */
function stableUuid(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * `?attributes=a,b`: only those top-level properties, plus the links (docs/pingone-facts.md, "Selecting
 * fields with attributes").
 */
function project(item: Record<string, unknown>, names: string[]): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  // The documents require these of every flow, whatever `attributes` asks for.
  for (const name of [...names, '_links', 'environment']) if (name in item) kept[name] = item[name];
  return kept;
}

function defaultErrorBody(status: number): unknown {
  if (status === 429) {
    return {
      id: randomUUID(),
      code: 'REQUEST_LIMITED',
      message: 'The request was rate limited.',
      details: [{ code: 'LIMIT_EXCEEDED', message: 'Rate limit exceeded.' }],
    };
  }
  if (status >= 500)
    return { id: randomUUID(), code: 'UNEXPECTED_ERROR', message: 'An unexpected error occurred.' };
  return { id: randomUUID(), code: 'REQUEST_FAILED', message: 'The request could not be completed.' };
}

function forbidden(res: ServerResponse): void {
  json(res, 403, {
    id: randomUUID(),
    code: 'ACCESS_FAILED',
    message: 'You do not have permissions or are not licensed to make this request.',
    details: [
      {
        code: 'INSUFFICIENT_PERMISSIONS',
        message: 'Actor does not have permissions to access this resource.',
      },
    ],
  });
}

function unsupportedMediaType(res: ServerResponse): void {
  json(res, 415, {
    id: randomUUID(),
    code: 'INVALID_REQUEST',
    message: 'The request could not be completed. The content type is not supported.',
  });
}

function invalidData(res: ServerResponse, target: string): void {
  json(res, 400, {
    id: randomUUID(),
    code: 'INVALID_DATA',
    message: 'The request could not be completed. One or more validation errors were in the request.',
    details: [{ code: 'REQUIRED_VALUE', target, message: `${target} is required` }],
  });
}

function notFound(res: ServerResponse): void {
  json(res, 404, { id: randomUUID(), code: 'NOT_FOUND', message: 'The requested resource was not found.' });
}

/**
 * Unknown paths answer like PingOne's API gateway, not with the PingOne envelope (docs/pingone-facts.md,
 * "Unknown paths").
 */
function gateway(res: ServerResponse): void {
  json(res, 403, { message: 'Invalid key=value pair (missing equal-sign) in Authorization header' });
}

function json(res: ServerResponse, status: number, body: unknown, contentType?: string): void {
  res.writeHead(status, {
    'content-type':
      contentType ?? (status < 300 && status !== 200 ? 'application/json' : 'application/hal+json'),
  });
  res.end(JSON.stringify(body));
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A flow as PingOne reads it back after a save: the linter's verdicts, and a property left null. */
function withLinterKeys(flow: Record<string, unknown>): Record<string, unknown> {
  const graph = flow.graphData as { elements?: { nodes?: { data?: Record<string, unknown> }[] } } | undefined;
  if (!graph?.elements?.nodes) return flow;
  const nodes = graph.elements.nodes.map((node) =>
    node.data
      ? {
          ...node,
          data: {
            ...node.data,
            linterError: [],
            properties: {
              ...(node.data.properties as Record<string, unknown> | undefined),
              undefined: { value: null },
            },
          },
        }
      : node,
  );
  return {
    ...flow,
    graphData: { ...graph, elements: { ...graph.elements, nodes }, allLinterErrors: [] },
  };
}
