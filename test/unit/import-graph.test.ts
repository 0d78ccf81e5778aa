import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * No module of src/ imports itself back through others (type imports included): a circle makes the
 * order modules load in matter, and the layering (docs/design.md, "Layering") unreadable. Found by
 * walking the relative imports of every file.
 */

const src = resolve(import.meta.dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return sourceFiles(join(dir, entry.name));
    return entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^(?:import|export)\b[^;]*?from '(\.[^']+)';/gms)].map((match) =>
    resolve(dirname(file), (match[1] ?? '').replace(/\.js$/, '.ts')),
  );
}

function circles(): string[][] {
  const graph = new Map(sourceFiles(src).map((file) => [file, importsOf(file)]));
  const found: string[][] = [];
  const done = new Set<string>();
  const walk = (file: string, path: string[]) => {
    if (path.includes(file)) {
      found.push([...path.slice(path.indexOf(file)), file].map((f) => relative(src, f)));
      return;
    }
    if (done.has(file)) return;
    for (const next of graph.get(file) ?? []) walk(next, [...path, file]);
    done.add(file);
  };
  for (const file of graph.keys()) walk(file, []);
  return found;
}

describe('the import graph of src/', () => {
  it('has no circles', () => {
    expect(circles()).toEqual([]);
  });

  it('keeps Slack out of core', () => {
    const core = sourceFiles(join(src, 'core'));
    const slackImports = core.flatMap((file) =>
      importsOf(file)
        .filter((target) => relative(src, target).startsWith('slack'))
        .map((target) => `${relative(src, file)} → ${relative(src, target)}`),
    );
    const bolt = core.filter((file) => /from '@slack\//.test(readFileSync(file, 'utf8')));
    expect([...slackImports, ...bolt.map((file) => relative(src, file))]).toEqual([]);
  });

  it('leaves access decisions to core: front ends never ask the access policy themselves', () => {
    const frontEnds = [...sourceFiles(join(src, 'slack')), ...sourceFiles(join(src, 'console'))];
    const asking = frontEnds.filter((file) =>
      /\baccess\.(canRead|isAdmin|isApprover|canPromote)\(/.test(readFileSync(file, 'utf8')),
    );
    expect(asking.map((file) => relative(src, file))).toEqual([]);
  });

  it('keeps the layers pointing one way: pingone and store below core, front ends above it', () => {
    // What each layer may not import. The store takes core's state table (plain constants, no imports)
    // so its SQL names the same transitions core decides by.
    const forbidden: Record<string, { layers: string[]; except?: string[] }> = {
      pingone: { layers: ['store', 'core', 'slack', 'console', 'jobs'] },
      store: { layers: ['core', 'slack', 'console', 'jobs'], except: ['core/promotion/state.ts'] },
      crypto: { layers: ['store', 'core', 'slack', 'console', 'pingone'] },
      core: { layers: ['slack', 'console'] },
      slack: { layers: ['console', 'store'] },
      console: { layers: ['slack', 'store'] },
    };
    const crossings = Object.entries(forbidden).flatMap(([layer, { layers, except = [] }]) =>
      sourceFiles(join(src, layer)).flatMap((file) =>
        importsOf(file)
          .map((target) => relative(src, target))
          .filter((target) => layers.includes(target.split('/')[0] ?? '') && !except.includes(target))
          .map((target) => `${relative(src, file)} → ${target}`),
      ),
    );
    expect(crossings).toEqual([]);
  });
});
