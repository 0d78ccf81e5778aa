import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { PingOneClient, type WorkerCredentials } from '../../src/pingone/client.js';
import { PingOneError } from '../../src/pingone/errors.js';
import { PingOneSimulator } from '../support/pingone-simulator.js';

/** Transport failures need real sockets: a server that hangs, a port nobody listens on. */
let sim: PingOneSimulator;
const logger = createLogger({ level: 'silent', pretty: false });

beforeAll(async () => {
  sim = await PingOneSimulator.start();
});
afterAll(() => sim.stop());

function credentials(): WorkerCredentials {
  const app = sim.app();
  return {
    cacheKey: `t-${Math.random()}`,
    region: 'eu',
    environmentId: app.environmentId,
    clientId: app.clientId,
    authMethod: app.authMethod,
    secret: async () => app.clientSecret,
  };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PingOneError) return error.code;
    throw error;
  }
  return 'no error';
}

it('gives up with a timeout when PingOne sends no headers within the deadline', async () => {
  const client = new PingOneClient({
    logger,
    overrides: { authBaseUrl: sim.url, apiBaseUrl: sim.url },
    deadlines: { connectMs: 1_000, headersMs: 300, bodyMs: 300 },
    retry: { retries: 0, minDelayMs: 10, maxDelayMs: 10 },
  });
  sim.fail(/^\/v1\/environments$/, { delayMs: 1_500 });
  const started = Date.now();
  expect(await codeOf(client.get(credentials(), '/environments'))).toBe('timeout');
  expect(Date.now() - started).toBeLessThan(1_400);
});

it('reports a change that timed out as one whose outcome is unknown, and does not send it again', async () => {
  const client = new PingOneClient({
    logger,
    overrides: { authBaseUrl: sim.url, apiBaseUrl: sim.url },
    writeDeadlines: { connectMs: 1_000, headersMs: 300, bodyMs: 300 },
    retry: { retries: 2, minDelayMs: 10, maxDelayMs: 10 },
  });
  const path = '/environments/bb22bb22-0000-4000-8000-000000000002/variables';
  sim.fail(/\/variables$/, { delayMs: 1_000 }, { method: 'POST' });
  const before = sim.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/variables')).length;
  const error = await client
    .send(credentials(), {
      method: 'POST',
      path,
      body: { name: 'x', context: 'company', dataType: 'string', mutable: true },
    })
    .catch((caught: unknown) => caught as PingOneError);
  expect(error).toBeInstanceOf(PingOneError);
  expect((error as PingOneError).code).toBe('timeout');
  expect((error as PingOneError).details.outcomeUnknown).toBe(true);
  const after = sim.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/variables')).length;
  expect(after - before).toBe(1);
});

it('reports a refused connection as a network problem, after retrying', async () => {
  const client = new PingOneClient({
    logger,
    overrides: { authBaseUrl: 'http://127.0.0.1:9', apiBaseUrl: 'http://127.0.0.1:9' },
    retry: { retries: 1, minDelayMs: 10, maxDelayMs: 10 },
  });
  expect(await codeOf(client.token(credentials()))).toBe('network');
});

it('reports a connection PingOne drops mid-request as a network problem', async () => {
  const client = new PingOneClient({
    logger,
    overrides: { authBaseUrl: sim.url, apiBaseUrl: sim.url },
    retry: { retries: 0, minDelayMs: 10, maxDelayMs: 10 },
  });
  sim.fail(/\/as\/token$/, { drop: true });
  expect(await codeOf(client.token(credentials()))).toBe('network');
});

it('gives a large read (a flow: real ones reach a megabyte) the time a write gets, where a plain read gives up', async () => {
  const client = new PingOneClient({
    logger,
    overrides: { authBaseUrl: sim.url, apiBaseUrl: sim.url },
    deadlines: { connectMs: 1_000, headersMs: 300, bodyMs: 300 },
    retry: { retries: 0, minDelayMs: 10, maxDelayMs: 10 },
  });
  const flows = '/environments/bb22bb22-0000-4000-8000-000000000002/flows/0a1b2c3d4e5f60718293a4b5c6d7e8f9';
  sim.fail(/\/flows\/0a1b2c3d4e5f60718293a4b5c6d7e8f9$/, { delayMs: 1_200 }, { times: 2 });
  expect(await codeOf(client.get(credentials(), flows))).toBe('timeout');
  expect(await codeOf(client.get(credentials(), flows, { large: true }))).toBe('no error');
});

it('stops reading an answer larger than the cap, and says so', async () => {
  const client = new PingOneClient({
    logger,
    overrides: { authBaseUrl: sim.url, apiBaseUrl: sim.url },
    answerLimits: { readBytes: 1_000, largeBytes: 1_000 },
  });
  const error = await client.get(credentials(), '/environments').catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(PingOneError);
  expect((error as PingOneError).code).toBe('unexpected_response');
  expect((error as PingOneError).message).toContain("PingOne's answer for /environments is larger than");
});

it('gives up on an answer that drips in, whose body deadline restarts with every chunk', async () => {
  const drip = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"a":"');
    const timer = setInterval(() => res.write('x'), 100);
    setTimeout(() => {
      clearInterval(timer);
      res.end('"}');
    }, 4_000);
    res.on('close', () => clearInterval(timer));
  });
  await new Promise<void>((done) => drip.listen(0, '127.0.0.1', done));
  const port = (drip.address() as AddressInfo).port;
  try {
    const client = new PingOneClient({
      logger,
      overrides: { authBaseUrl: sim.url, apiBaseUrl: `http://127.0.0.1:${port}` },
      deadlines: { connectMs: 1_000, headersMs: 400, bodyMs: 600 },
      retry: { retries: 0, minDelayMs: 10, maxDelayMs: 10 },
    });
    const started = Date.now();
    expect(await codeOf(client.get(credentials(), '/environments'))).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(3_000);
  } finally {
    drip.closeAllConnections();
    await new Promise((done) => drip.close(done));
  }
});
