import { PingOneSimulator, simulatorSeed } from './pingone-simulator.js';

/**
 * `npm run simulator [seed.json]`: a PingOne on loopback for trying FlightIQ without a PingOne tenant.
 * Prints the settings to start FlightIQ against it and the worker apps to add as tenants.
 */
const sim = await PingOneSimulator.start(process.argv[2] ?? simulatorSeed);
const lines = [
  `PingOne simulator listening on ${sim.url}`,
  'Start FlightIQ with:',
  ...Object.entries(sim.env).map(([name, value]) => `  ${name}=${value}`),
  'Worker apps to add with /flightiq tenant add (any region):',
  ...sim.data.applications.map(
    (app) =>
      `  environment ${app.environmentId}  client ${app.clientId}  secret ${app.clientSecret}  (${app.authMethod})`,
  ),
  'Ctrl-C stops it.',
];
process.stdout.write(`${lines.join('\n')}\n`);
process.on('SIGINT', () => void sim.stop().then(() => process.exit(0)));
process.on('SIGTERM', () => void sim.stop().then(() => process.exit(0)));
