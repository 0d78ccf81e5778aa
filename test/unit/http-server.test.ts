import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { createHttpServer } from '../../src/slack/http-server.js';

const logger = createLogger({ level: 'silent', pretty: false });
let close: (() => void) | undefined;
afterEach(() => close?.());

async function serve(checkDatabase: () => Promise<void>) {
  const server = createHttpServer({ checkDatabase, logger });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  close = () => server.close();
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

it('/readyz answers 503 with the reason while the database does not answer, /healthz still 200', async () => {
  const url = await serve(() => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432')));
  const ready = await fetch(`${url}/readyz`);
  expect(ready.status).toBe(503);
  expect(await ready.json()).toEqual({ status: 'unavailable', reason: 'database not reachable' });
  expect((await fetch(`${url}/healthz`)).status).toBe(200);
});
