import { describe, expect, it } from 'vitest';
import { type ArtifactRow, artifactKinds } from '../../../src/core/listing/artifact-kinds.js';
import type { ListPage } from '../../../src/core/listing/artifact-listing.js';
import {
  artifactListMessage,
  environmentNotMatchedMessage,
  listPageSize,
} from '../../../src/slack/views/artifact-list.js';
import { blockKitProblems } from '../../support/block-kit-rules.js';

const now = new Date();

function pageOf(
  kind: keyof typeof artifactKinds,
  rows: ArtifactRow[],
  page = 0,
  extra: Partial<ListPage['snapshot']> = {},
): ListPage {
  return {
    snapshot: {
      id: '0e6a4b5c-1111-4222-8333-944455556666',
      ownerId: 'U0USER0001',
      teamId: 'T0FAKE0001',
      tenantId: '1e6a4b5c-1111-4222-8333-944455556666',
      tenantName: 'Acme',
      kind,
      environmentId: 'bb22bb22-0000-4000-8000-000000000002',
      environmentName: 'Staging',
      filter: '',
      truncated: false,
      leftOut: 0,
      total: rows.length,
      createdAt: now,
      expiresAt: new Date(now.getTime() + 86_400_000),
      ...extra,
    },
    kind: artifactKinds[kind],
    rows: rows.slice(page * listPageSize, (page + 1) * listPageSize),
    page,
    pageCount: Math.max(1, Math.ceil(rows.length / listPageSize)),
    shownAt: now,
  };
}

/** The longest values PingOne allows (names up to 256 characters) and then some, in every column. */
function longRows(kind: keyof typeof artifactKinds, count: number): ArtifactRow[] {
  const long = `${'<&>*_~`'.repeat(60)}${'x'.repeat(2000)}`;
  return Array.from({ length: count }, (_, i) => {
    const cells: ArtifactRow['cells'] = {};
    for (const column of artifactKinds[kind].columns) {
      cells[column.key] =
        column.format === 'flag'
          ? i % 2 === 0
          : column.format === 'number'
            ? i
            : column.format === 'date' || column.format === 'expiry'
              ? new Date(now.getTime() + i * 86_400_000).toISOString()
              : column.format === 'list'
                ? [long, long]
                : `${i} ${long}`;
    }
    return { id: `id-${i}`, cells };
  });
}

describe('artifact list message', () => {
  for (const kind of Object.keys(artifactKinds) as (keyof typeof artifactKinds)[]) {
    it(`${kind}: stays within Block Kit limits at 0, 1, 49, 50, 51 and 5,000 items of maximal length`, () => {
      for (const count of [0, 1, 49, 50, 51, 5000]) {
        const rows = longRows(kind, count);
        const pages = Math.max(1, Math.ceil(count / listPageSize));
        for (const page of new Set([0, pages - 1])) {
          const message = artifactListMessage(pageOf(kind, rows, page));
          expect(blockKitProblems(message.blocks, 'message'), `${count} items, page ${page}`).toEqual([]);
          expect(message.text.length).toBeLessThan(4000);
        }
      }
    });
  }

  it('shows a page of 50 items, says which page, and offers Previous / Next only where there is one', () => {
    const rows = longRows('flows', 51);
    const first = JSON.stringify(artifactListMessage(pageOf('flows', rows, 0)).blocks);
    expect(first).toContain('page 1 of 2');
    expect(first).toContain('Next ▶');
    expect(first).not.toContain('Previous');
    expect(first).toContain('Download CSV');
    expect(first).toContain('*49 ');
    expect(first).not.toContain('*50 ');
    const second = JSON.stringify(artifactListMessage(pageOf('flows', rows, 1)).blocks);
    expect(second).toContain('page 2 of 2');
    expect(second).toContain('Previous');
    expect(second).not.toContain('Next ▶');
    expect(second).toContain('*50 ');

    const fifty = JSON.stringify(artifactListMessage(pageOf('flows', longRows('flows', 50))).blocks);
    expect(fifty).not.toContain('page 1 of');
    expect(fifty).not.toContain('Next ▶');
  });

  it('says when there is nothing, and offers no download', () => {
    const empty = artifactListMessage(pageOf('variables', [], 0, { filter: 'nothing' }));
    const text = JSON.stringify(empty.blocks);
    expect(text).toContain('No DaVinci variables in *Staging* matching \\"nothing\\"');
    expect(text).not.toContain('Download CSV');
  });

  it('never shows a secret or masked value as if it were real', () => {
    const rows: ArtifactRow[] = [
      {
        id: 'a',
        cells: {
          name: 'smtpPassword',
          dataType: 'secret',
          context: 'company',
          value: { withheld: 'secret' },
        },
      },
      {
        id: 'b',
        cells: {
          name: 'masked',
          dataType: 'string',
          context: 'company',
          value: { withheld: 'masked by PingOne' },
        },
      },
    ];
    const text = JSON.stringify(artifactListMessage(pageOf('variables', rows)).blocks);
    expect(text).toContain('value _secret, not shown_');
    expect(text).toContain('value _masked by PingOne, not shown_');
    expect(text).not.toContain('******');
  });

  it('marks certificates that expire within 30 days, and those that have expired', () => {
    const day = 86_400_000;
    const rows: ArtifactRow[] = [
      {
        id: 'a',
        cells: { name: 'soon', subject: 'CN=a', expiresAt: new Date(now.getTime() + 10 * day).toISOString() },
      },
      {
        id: 'b',
        cells: {
          name: 'later',
          subject: 'CN=b',
          expiresAt: new Date(now.getTime() + 90 * day).toISOString(),
        },
      },
      {
        id: 'c',
        cells: { name: 'gone', subject: 'CN=c', expiresAt: new Date(now.getTime() - day).toISOString() },
      },
    ];
    const lines = artifactListMessage(pageOf('certificates', rows))
      .blocks.filter((block) => block.type === 'section')
      .map((block) => JSON.stringify(block))
      .join('\n')
      .split('\\n');
    expect(lines.find((line) => line.includes('*soon*'))).toContain(':warning: *expires');
    expect(lines.find((line) => line.includes('*soon*'))).toContain('(in 10 days)');
    expect(lines.find((line) => line.includes('*later*'))).not.toContain(':warning:');
    expect(lines.find((line) => line.includes('*gone*'))).toContain(':x: *expired*');
  });

  it('shows a flow never deployed as such', () => {
    const rows: ArtifactRow[] = [
      {
        id: 'f',
        cells: {
          id: 'f',
          name: 'Draft',
          enabled: true,
          currentVersion: 1,
          publishedVersion: null,
          deployedAt: null,
        },
      },
    ];
    const text = JSON.stringify(artifactListMessage(pageOf('flows', rows)).blocks);
    expect(text).toContain('*Draft*  ·  enabled  ·  current version 1  ·  never deployed');
  });
});

describe('environment not matched', () => {
  const envs = Array.from({ length: 40 }, (_, i) => ({
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    name: `Env ${i} ${'<'.repeat(300)}`,
    type: 'SANDBOX',
    region: 'EU',
    hasDavinci: true,
  }));

  it('lists the candidates, within limits, however many there are', () => {
    const message = environmentNotMatchedMessage({
      ok: false,
      reason: 'unknown',
      asked: 'Nope',
      candidates: envs,
    });
    expect(blockKitProblems(message.blocks, 'message')).toEqual([]);
    expect(JSON.stringify(message.blocks)).toContain('no environment named \\"Nope\\"');
    expect(JSON.stringify(message.blocks)).toContain('Env 0');
  });

  it('says a name is ambiguous', () => {
    const message = environmentNotMatchedMessage({
      ok: false,
      reason: 'ambiguous',
      asked: 'Env',
      candidates: envs.slice(0, 2),
    });
    expect(message.text).toContain('could mean more than one environment');
  });
});
