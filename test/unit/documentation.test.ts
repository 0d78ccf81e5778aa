import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
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

describe('the documents', () => {
  const documents = [
    'README.md',
    'CONTRIBUTING.md',
    ...readdirSync(resolve(repo, 'docs')).map((f) => `docs/${f}`),
  ];

  const slug = (heading: string) =>
    heading
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s-]/gu, '')
      .trim()
      .replace(/\s/g, '-');

  /** Why a relative link of `document` does not resolve, or undefined when it does. */
  function brokenLink(document: string, target: string): string | undefined {
    const [file = '', anchor] = target.split('#');
    const path = file ? join(dirname(document), file) : document;
    if (!existsSync(resolve(repo, path))) return `${document} → ${target}`;
    if (!anchor || !path.endsWith('.md')) return undefined;
    const headings = [...read(path).matchAll(/^#+ (.+)$/gm)].map((match) => slug(match[1] ?? ''));
    return headings.includes(anchor) ? undefined : `${document} → ${target}`;
  }

  it('link only to files and headings that exist', () => {
    const broken = documents.flatMap((document) =>
      [...read(document).matchAll(/\]\(([^)\s]+)\)/g)]
        .map((match) => match[1] ?? '')
        .filter((target) => !/^[a-z]+:/.test(target))
        .flatMap((target) => brokenLink(document, target) ?? []),
    );
    expect(broken).toEqual([]);
  });

  it('name only source files and folders that exist, so the code map cannot rot after a move', () => {
    const missing = documents.flatMap((document) =>
      // A "Source:" line names files of other repositories (Bolt's, Ping's), not of this one.
      [
        ...read(document)
          .replace(/^Source:.*$/gm, '')
          .matchAll(/`((?:src|test|bench|scripts|migrations|deploy)\/[\w./-]*)`/g),
      ]
        .map((match) => (match[1] ?? '').replace(/\/$/, ''))
        .filter((path) => !path.includes('*') && !existsSync(resolve(repo, path)))
        .map((path) => `${document}: ${path}`),
    );
    expect(missing).toEqual([]);
  });

  it('README stays a page a newcomer reads: what it is, set-up, tests, configuration, Slack and PingOne set-up, troubleshooting', () => {
    const headings = [...read('README.md').matchAll(/^## (.+)$/gm)].map((match) => match[1]);
    expect(headings).toEqual([
      'Quickstart',
      'Tests',
      'Configuration',
      'Create the Slack app',
      'Create the PingOne worker app',
      'Troubleshooting',
    ]);
  });
});

describe('comments', () => {
  it('cite only documents inside the repository', () => {
    const outside = /DESIGN §|DESIGN\.md|reference §|slack-bolt\.md|pingone-api\.md|shared\/reference/;
    const walk = (dir: string): string[] =>
      readdirSync(resolve(repo, dir), { withFileTypes: true }).flatMap((entry) => {
        const path = `${dir}/${entry.name}`;
        if (entry.isDirectory()) return walk(path);
        return /\.(ts|mjs|sql|sh)$/.test(entry.name) ? [path] : [];
      });
    const citing = ['src', 'test', 'bench', 'scripts', 'migrations']
      .flatMap(walk)
      .filter((file) => file !== 'test/unit/documentation.test.ts' && outside.test(read(file)));
    expect(citing).toEqual([]);
  });
});
