import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * On a Node.js older than 22 every entry point says so in one line, before any library can fail with
 * a stack trace. An older Node is simulated by a preload that makes this one report v20.
 */

const repo = resolve(import.meta.dirname, '../..');
const olderNode = join(tmpdir(), `flightiq-node20-${process.pid}.mjs`);
writeFileSync(
  olderNode,
  "Object.defineProperty(process.versions, 'node', { value: '20.19.0' });\nObject.defineProperty(process, 'version', { value: 'v20.19.0' });\n",
);
// One line that says what is wrong and how to get a Node that works, without nvm or root.
const wanted =
  'FlightIQ needs Node.js 22 or newer (this is v20.19.0). Install it with nvm (nvm install 22) or your package manager, or with npm alone: npm install --prefix ~/.node22 node@22, then put ~/.node22/node_modules/.bin first in PATH.\n';

function run(args: string[], { older }: { older: boolean }) {
  const result = spawnSync(process.execPath, [...(older ? ['--import', olderNode] : []), ...args], {
    cwd: repo,
    env: { PATH: process.env.PATH ?? '', NODE_OPTIONS: '' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('an older Node.js', () => {
  it('stops the app itself with one line, no stack trace (src/main.ts, as node dist/main.js runs it)', () => {
    const shown = run(['--import', import.meta.resolve('tsx'), 'src/main.ts'], { older: true });
    expect(shown).toEqual({ status: 1, stdout: '', stderr: wanted });
  });

  it('stops every npm script with the same line, before it starts', () => {
    expect(run(['scripts/check-node.mjs'], { older: true })).toEqual({
      status: 1,
      stdout: '',
      stderr: wanted,
    });
    expect(run(['scripts/check-node.mjs'], { older: false })).toEqual({ status: 0, stdout: '', stderr: '' });
    const scripts = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).scripts as Record<
      string,
      string
    >;
    const unchecked = Object.entries(scripts)
      .filter(
        ([name, command]) => name !== 'prepare' && !command.startsWith('node scripts/check-node.mjs && '),
      )
      .map(([name]) => name);
    expect(unchecked).toEqual([]);
    // `prepare` (run by npm install) only runs `build`, which is checked.
    expect(scripts.prepare).toBe('npm run build');
  });

  it('is refused by npm install (engine-strict), which reads the engines field', () => {
    expect(readFileSync(join(repo, '.npmrc'), 'utf8')).toMatch(/^engine-strict=true$/m);
    expect(JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).engines).toEqual({ node: '>=22' });
  });
});
