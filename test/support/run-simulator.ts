import { PingOneSimulator, simulatorSeed } from './pingone-simulator.js';

/**
 * `npm run simulator [seed.json] [--port N]`: a PingOne on loopback for trying FlightIQ without a
 * PingOne tenant. It listens on the same port every time (4455, or --port; 0 for any free one), so the
 * settings it prints can stay in `.env`. Prints those settings and the worker apps to add as tenants.
 */
const defaultSimulatorPort = 4455;

const args = process.argv.slice(2);
const portAt = args.indexOf('--port');
const portText = portAt >= 0 ? args.splice(portAt, 2)[1] : undefined;
const port = portText === undefined ? defaultSimulatorPort : Number(portText);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  process.stderr.write(`--port takes a port number (0 to 65535), not "${portText}".\n`);
  process.exit(2);
}
let sim: PingOneSimulator;
try {
  sim = await PingOneSimulator.start(args[0] ?? simulatorSeed, { port });
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  process.stderr.write(
    code === 'EADDRINUSE'
      ? `Port ${port} of 127.0.0.1 is taken (another simulator?): stop that, or start this one with --port <another>.\n`
      : `The simulator could not start: ${(error as Error).message}\n`,
  );
  process.exit(1);
}
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
