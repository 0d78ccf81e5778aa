// Run before every npm script: on an older Node.js, FlightIQ's libraries fail deep inside with stack
// traces (undici's `bind`, `Map.groupBy`), so this says what is wrong in one line instead.
const [major] = process.versions.node.split('.').map(Number);
if (major < 22) {
  process.stderr.write(
    `FlightIQ needs Node.js 22 or newer (this is ${process.version}). Install it with nvm (nvm install 22) or your package manager, or with npm alone: npm install --prefix ~/.node22 node@22, then put ~/.node22/node_modules/.bin first in PATH.\n`,
  );
  process.exit(1);
}
