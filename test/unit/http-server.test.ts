import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { cachedReadiness, createHttpServer } from '../../src/slack/http-server.js';

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

it('/readyz probes the database at most once a second, and logs a failing one once a minute', async () => {
  let probes = 0;
  let failing = false;
  const lines: string[] = [];
  const counted = createLogger(
    { level: 'warn', pretty: false },
    { write: (line: string) => lines.push(line) },
  );
  let time = 0;
  const ready = cachedReadiness(
    async () => {
      probes++;
      if (failing) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
    },
    counted,
    { now: () => time },
  );
  await Promise.all(Array.from({ length: 100 }, () => ready()));
  expect(probes).toBe(1);
  time += 999;
  await ready();
  expect(probes).toBe(1);
  time += 1;
  await ready();
  expect(probes).toBe(2);

  failing = true;
  for (let second = 0; second < 120; second++) {
    time += 1_000;
    await Promise.all(Array.from({ length: 10 }, () => ready().catch(() => undefined)));
  }
  expect(probes).toBe(122);
  await new Promise((resolve) => setImmediate(resolve));
  expect(lines).toHaveLength(2);
  expect(JSON.parse(lines[1] ?? '{}')).toMatchObject({
    msg: 'readiness check failed: database not reachable',
    failuresNotLogged: 59,
  });
});
