/**
 * The process entry (`npm start`, `node dist/main.js`, the Docker image). It checks the Node.js version
 * before any library loads: on an older Node they fail deep inside, with a stack trace that says
 * nothing about the cause. Everything else is in run-app.ts, loaded only then.
 */
const [major = 0] = process.versions.node.split('.').map(Number);
if (major < 22) {
  process.stderr.write(
    `FlightIQ needs Node.js 22 or newer (this is ${process.version}). Install it with nvm (nvm install 22) or your package manager, or with npm alone: npm install --prefix ~/.node22 node@22, then put ~/.node22/node_modules/.bin first in PATH.\n`,
  );
  process.exit(1);
}
await import('./run-app.js');
