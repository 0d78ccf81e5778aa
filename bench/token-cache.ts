/**
 * bench/token-cache: 500 commands at once over 5 tenants, through the real receiver: how many token
 * requests reach PingOne. One per tenant is the target (cached tokens, and one mint in flight shared).
 *
 *   npm run bench:tokens [-- --commands 500 --tenants 5]
 */
import { parseArgs } from 'node:util';
import { Agent, request } from 'undici';
import { FakeSlack } from '../test/support/fake-slack.js';
import { PingOneSimulator } from '../test/support/pingone-simulator.js';
import { benchDatabaseEnv, report, signedCommand, startBenchService } from './support.js';

const { values } = parseArgs({
  options: { commands: { type: 'string', default: '500' }, tenants: { type: 'string', default: '5' } },
});
const commands = Number(values.commands);
const tenantCount = Number(values.tenants);
const signingSecret = 'c'.repeat(32);

const fakeSlack = await FakeSlack.start();
const sim = await PingOneSimulator.start();
sim.latencyMs = 20;
const template = sim.app();
const database = await benchDatabaseEnv();
const service = await startBenchService({ fakeSlack, sim, database, signingSecret });
try {
  for (let i = 0; i < tenantCount; i++) {
    const clientId = `0000000${i}-aaaa-4bbb-8ccc-${String(i).padStart(12, '0')}`;
    sim.data.applications.push({
      ...structuredClone(template),
      clientId,
      clientSecret: `bench-secret-${i}-0123456789`,
    });
    const added = await service.services.tenants.add(
      { userId: 'U0BENCH001' },
      {
        name: `T${i}`,
        region: 'eu',
        environmentId: template.environmentId,
        clientId,
        clientSecret: `bench-secret-${i}-0123456789`,
        authMethod: template.authMethod,
      },
    );
    if (added.outcome !== 'saved') throw new Error(`tenant ${i}: ${added.outcome}`);
  }
  const dispatcher = new Agent({ connections: 512 });
  const url = `http://127.0.0.1:${service.port}/slack/events`;
  const before = sim.tokenRequests();
  const started = performance.now();
  const urls: string[] = [];
  await Promise.all(
    Array.from({ length: commands }, async (_, i) => {
      const responseUrl = fakeSlack.issueResponseUrl();
      urls.push(responseUrl);
      const { body, headers } = signedCommand(signingSecret, `envs --tenant T${i % tenantCount}`, {
        response_url: responseUrl,
      });
      const response = await request(url, { method: 'POST', body, headers, dispatcher });
      await response.body.text();
    }),
  );
  await fakeSlack.waitFor(() => urls.every((u) => fakeSlack.responsesTo(u).length > 0) || undefined, 120_000);
  const elapsed = performance.now() - started;
  const answered = urls.filter((u) =>
    JSON.stringify(fakeSlack.responsesTo(u)).includes('Environments of'),
  ).length;
  report(
    `Token cache: ${commands} concurrent /flightiq envs over ${tenantCount} tenants (PingOne latency ${sim.latencyMs} ms)`,
    [
      {
        commands,
        tenants: tenantCount,
        'answered with environments': answered,
        'token requests': sim.tokenRequests() - before,
        'expected (one per tenant)': tenantCount,
        'all answered in ms': Math.round(elapsed),
      },
    ],
  );
  await dispatcher.close();
} finally {
  await service.stop(5_000);
  await database.drop();
  await sim.stop();
  await fakeSlack.stop();
}
