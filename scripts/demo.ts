/**
 * `npm run demo`: FlightIQ's local console against a PingOne simulator with sample data (flows with
 * subflows, variables, connectors, forms, certificates and keys in "Staging" and "Production", one of
 * them expiring soon and one expired), in a throw-away embedded database. Nothing but Node is needed,
 * and nothing leaves the machine.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { consoleUser } from '../src/console/console.js';
import { startConsole } from '../src/console/start.js';
import { createLogger } from '../src/logger.js';
import { PingOneSimulator } from '../test/support/pingone-simulator.js';
import { seedDemoData } from '../test/support/promotion-fixtures.js';

const sim = await PingOneSimulator.start();
seedDemoData(sim);
const dataDir = mkdtempSync(join(tmpdir(), 'flightiq-demo-'));
try {
  const config = loadConfig(
    { ...sim.env, FLIGHTIQ_DATA_DIR: join(dataDir, 'data'), LOG_LEVEL: 'error' },
    { requireSlack: false },
  );
  // Only errors, as lines of text (the console turns log entries for the terminal into text).
  const logger = createLogger({ level: 'error', pretty: false }, process.stderr);
  const worker = sim.app();
  process.stdout.write(
    [
      'Demo: a simulated PingOne with environments Administrators, Staging, Production, Workforce and QA.',
      'Try: test · envs · list flows --env Staging · list variables --env stag · list certificates --env Production · promote Checkout --from Staging --to Production · promotions recent',
      // The simulator's own worker app (not a real credential), for trying tenant add and edit.
      `Tenant "Demo" is added. To add one yourself with tenant add: any region, environment ID ${worker.environmentId}, client ID ${worker.clientId}, client secret ${worker.clientSecret}, ${worker.authMethod === 'client_secret_post' ? 'Client Secret Post' : 'Client Secret Basic'}.`,
      '',
    ].join('\n'),
  );
  await startConsole(config, logger, undefined, async (services) => {
    await services.tenants.add(
      { userId: consoleUser },
      {
        name: 'Demo',
        region: 'eu',
        environmentId: worker.environmentId,
        clientId: worker.clientId,
        clientSecret: worker.clientSecret,
        authMethod: worker.authMethod,
      },
    );
  });
} finally {
  await sim.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
