import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configVariables } from '../../src/config.js';

const repo = resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(resolve(repo, file), 'utf8');

describe('configuration documentation', () => {
  it("README's configuration table lists exactly the variables of the schema", () => {
    const section = read('README.md').split('## Configuration')[1]?.split('\n## ')[0] ?? '';
    const documented = [...section.matchAll(/^\|\s*`([A-Z0-9_]+)`\s*\|/gm)].map((match) => match[1]);
    expect([...documented].sort()).toEqual([...configVariables].sort());
  });

  it('.env.example mentions every variable of the schema, and no other', () => {
    const mentioned = [...read('.env.example').matchAll(/^#? ?([A-Z][A-Z0-9_]+)=/gm)].map(
      (match) => match[1],
    );
    expect([...new Set(mentioned)].sort()).toEqual([...configVariables].sort());
  });

  it('README quickstart is two commands: install and start', () => {
    const quickstart = read('README.md').split('## Quickstart')[1]?.split('\n## ')[0] ?? '';
    const commands = /```sh\n([\s\S]*?)```/.exec(quickstart)?.[1]?.trim().split('\n');
    expect(commands).toEqual(['npm install', 'npm start']);
  });
});
