import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { z } from 'zod';
import type { PingOneClient, WorkerCredentials } from '../../pingone/client.js';
import { PingOneError } from '../../pingone/errors.js';
import {
  deleteExpiredListSnapshots,
  insertListSnapshot,
  type ListSnapshot,
  readAllListSnapshotRows,
  readListSnapshotRows,
} from '../../store/list-snapshots.js';
import type { AccessPolicy, Actor } from '../access.js';
import type { Clock } from '../clock.js';
import type { CredentialMonitor } from '../credentials/monitor.js';
import { type EnvironmentMatch, looksLikeEnvironmentId, matchEnvironment } from '../environment-match.js';
import type { EnvironmentDirectory, EnvironmentSummary } from '../environments.js';
import { type Problem, problemOf } from '../problem.js';
import type { Tenant, TenantService } from '../tenants/service.js';
import { artifactCsv } from './artifact-csv.js';
import { type ArtifactKind, type ArtifactRow, artifactKinds, type Cell, kindNoun } from './artifact-kinds.js';

export interface ListRequest {
  actor: Actor;
  tenant: Tenant;
  kind: ArtifactKind;
  /** What the user typed after --env: a name, a name prefix or an ID. */
  environment: string;
  filterWords: string[];
  pageSize: number;
}

export interface ListPage {
  snapshot: ListSnapshot;
  kind: ArtifactKind;
  rows: ArtifactRow[];
  /** Zero-based page number. */
  page: number;
  pageCount: number;
  /** When the page was read, by core's clock: expiry marks are relative to it. */
  shownAt: Date;
}

export type ListOutcome =
  | { outcome: 'listed'; page: ListPage }
  | { outcome: 'environment_not_matched'; match: Extract<EnvironmentMatch, { ok: false }> }
  | { outcome: 'no_davinci'; environment: EnvironmentSummary; kind: ArtifactKind }
  | { outcome: 'failed'; problem: Problem };

export type SnapshotOutcome<T> =
  | T
  | { outcome: 'expired' }
  | { outcome: 'not_yours' }
  | { outcome: 'refused' };

/** How long a list's buttons keep working. Slack keeps the message; the rows are only kept this long. */
const snapshotLifetimeMs = 24 * 60 * 60 * 1000;
/**
 * What one person's lists may hold at once: their newest lists, up to this many and this many bytes
 * together; an older one's buttons then say it is no longer kept. One list keeps at most
 * `maxListBytes` of rows (thousands of items; the rest is counted and the list says so).
 */
export const listsKeptPerPerson = 10;
export const maxListBytes = 2 * 1024 * 1024;
const maxBytesPerPerson = 8 * 1024 * 1024;
/** Sub-collections counted per item (a DaVinci app's flow policies) cost one call each: cap them. */
const maxCountedItems = 200;
const parallelCounts = 4;

/** More pages than any stored list has: a list holds at most 200 PingOne pages of 500 items. */
const maxPage = 100_000;

const snapshotIdPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const parentSchema = z.looseObject({ id: z.string() });

/**
 * `/flightiq list`: reads a whole collection of one kind from one environment, keeps the result
 * server-side (so paging and the CSV download work from any replica and after a restart), and serves
 * it a page at a time to the person who asked.
 */
export class ArtifactListing {
  constructor(
    private readonly deps: {
      pool: pg.Pool;
      pingone: PingOneClient;
      tenants: TenantService;
      environments: EnvironmentDirectory;
      access: AccessPolicy;
      monitor?: Pick<CredentialMonitor, 'observe'>;
      clock: Clock;
    },
  ) {}

  async list(request: ListRequest): Promise<ListOutcome> {
    const { kind, tenant } = request;
    const credentials = this.deps.tenants.credentialsOf(tenant);
    let environment: EnvironmentSummary;
    try {
      const found = await this.findEnvironment(tenant, request.environment);
      if (!found.ok) return { outcome: 'environment_not_matched', match: found };
      environment = found.environment;
    } catch (error) {
      return this.failed(tenant, error);
    }
    if (kind.product === 'davinci' && environment.hasDavinci === false) {
      return { outcome: 'no_davinci', environment, kind };
    }

    let fetched: { rows: ArtifactRow[]; truncated: boolean };
    try {
      fetched = await this.fetch(credentials, kind, environment.id);
    } catch (error) {
      return this.failed(tenant, error, { kind, environment });
    }
    const filter = request.filterWords.map((word) => word.toLowerCase()).filter(Boolean);
    const rows = fetched.rows.filter((row) => matchesAll(kind, row, filter)).sort(byColumn(kind.sortBy));

    const { kept, json } = withinBytes(rows, maxListBytes);
    const now = this.now();
    const snapshot = {
      id: randomUUID(),
      ownerId: request.actor.userId,
      teamId: request.actor.teamId,
      tenantId: tenant.id,
      tenantName: tenant.name,
      kind: kind.name,
      environmentId: environment.id,
      environmentName: environment.name,
      filter: request.filterWords.join(' '),
      truncated: fetched.truncated,
      rows: kept,
      leftOut: rows.length - kept.length,
      createdAt: now,
      expiresAt: new Date(now.getTime() + snapshotLifetimeMs),
    };
    await deleteExpiredListSnapshots(this.deps.pool, now);
    await insertListSnapshot(this.deps.pool, snapshot, json, {
      keep: listsKeptPerPerson,
      maxBytes: maxBytesPerPerson,
    });
    const { rows: _all, ...meta } = snapshot;
    return {
      outcome: 'listed',
      page: {
        snapshot: { ...meta, total: kept.length },
        kind,
        rows: kept.slice(0, request.pageSize),
        page: 0,
        pageCount: pageCount(kept.length, request.pageSize),
        shownAt: now,
      },
    };
  }

  /** One page of an earlier list, for the person who ran it (checked from the signed request). */
  async page(
    actor: Actor,
    snapshotId: string,
    page: number,
    pageSize: number,
  ): Promise<SnapshotOutcome<{ outcome: 'page'; page: ListPage }>> {
    const refusal = await this.refusal(actor);
    if (refusal) return refusal;
    if (!snapshotIdPattern.test(snapshotId)) return { outcome: 'expired' };
    // A page number comes from a button value, which can be forged: anything past the last page (even
    // 1e300) is the last page.
    const wanted = Number.isFinite(page) ? Math.min(Math.max(0, Math.floor(page)), maxPage) : 0;
    const found = await readListSnapshotRows(this.deps.pool, snapshotId, wanted * pageSize, pageSize);
    const checked = this.owned(actor, found?.snapshot);
    if (checked || !found) return checked ?? { outcome: 'expired' };
    const count = pageCount(found.snapshot.total, pageSize);
    if (wanted >= count && wanted > 0) return this.page(actor, snapshotId, count - 1, pageSize);
    return {
      outcome: 'page',
      page: {
        snapshot: found.snapshot,
        kind: artifactKinds[found.snapshot.kind as ArtifactKind['name']],
        rows: found.rows as ArtifactRow[],
        page: wanted,
        pageCount: count,
        shownAt: this.now(),
      },
    };
  }

  /** The whole of an earlier list as CSV, for the person who ran it. */
  async csv(
    actor: Actor,
    snapshotId: string,
  ): Promise<SnapshotOutcome<{ outcome: 'csv'; snapshot: ListSnapshot; filename: string; content: string }>> {
    const refusal = await this.refusal(actor);
    if (refusal) return refusal;
    if (!snapshotIdPattern.test(snapshotId)) return { outcome: 'expired' };
    const found = await readAllListSnapshotRows(this.deps.pool, snapshotId);
    const checked = this.owned(actor, found?.snapshot);
    if (checked || !found) return checked ?? { outcome: 'expired' };
    const kind = artifactKinds[found.snapshot.kind as ArtifactKind['name']];
    return {
      outcome: 'csv',
      snapshot: found.snapshot,
      filename: csvFilename(found.snapshot),
      content: artifactCsv(kind, found.rows as ArtifactRow[]),
    };
  }

  private async refusal(actor: Actor): Promise<{ outcome: 'refused' } | undefined> {
    return (await this.deps.access.canRead(actor)) ? undefined : { outcome: 'refused' };
  }

  private owned(
    actor: Actor,
    snapshot: ListSnapshot | undefined,
  ): { outcome: 'expired' } | { outcome: 'not_yours' } | undefined {
    if (!snapshot || snapshot.expiresAt.getTime() < this.now().getTime()) return { outcome: 'expired' };
    if (snapshot.ownerId !== actor.userId) return { outcome: 'not_yours' };
    return undefined;
  }

  private async findEnvironment(tenant: Tenant, asked: string): Promise<EnvironmentMatch> {
    let environments: EnvironmentSummary[];
    try {
      ({ environments } = await this.deps.environments.list(tenant));
    } catch (error) {
      // A worker without the right to list environments may still read one it was given by ID.
      if (error instanceof PingOneError && error.code === 'missing_role' && looksLikeEnvironmentId(asked)) {
        return { ok: true, environment: unlistedEnvironment(asked) };
      }
      throw error;
    }
    const match = matchEnvironment(environments, asked);
    if (!match.ok && match.reason === 'unknown' && looksLikeEnvironmentId(asked)) {
      return { ok: true, environment: unlistedEnvironment(asked) };
    }
    return match;
  }

  private async fetch(
    credentials: WorkerCredentials,
    kind: ArtifactKind,
    environmentId: string,
  ): Promise<{ rows: ArtifactRow[]; truncated: boolean }> {
    const base = `/environments/${encodeURIComponent(environmentId)}/`;
    const { pingone } = this.deps;
    let items: Record<string, unknown>[];
    let truncated: boolean;
    if (kind.parent) {
      const parents = await pingone.collect(
        credentials,
        base + kind.parent.collection,
        kind.parent.embedded,
        parentSchema,
      );
      items = [];
      truncated = parents.truncated;
      for (const parent of parents.items) {
        const path = `${base}${kind.parent.collection}/${encodeURIComponent(parent.id)}/${kind.collection}`;
        const children = await pingone.collect(credentials, path, kind.embedded, kind.item);
        items.push(...children.items);
        truncated ||= children.truncated;
      }
    } else {
      ({ items, truncated } = await pingone.collect(
        credentials,
        base + kind.collection,
        kind.embedded,
        kind.item,
      ));
    }
    const rows = items.map((item) => kind.row(item));
    if (kind.alsoFrom) {
      const { alsoFrom } = kind;
      const more = await pingone.collect(
        credentials,
        base + alsoFrom.collection,
        alsoFrom.embedded,
        alsoFrom.item,
      );
      rows.push(...more.items.map((item) => alsoFrom.row(item)));
      truncated ||= more.truncated;
    }
    if (kind.countEach) await this.countEach(credentials, kind.countEach, base, rows);
    return { rows, truncated };
  }

  private async countEach(
    credentials: WorkerCredentials,
    count: NonNullable<ArtifactKind['countEach']>,
    base: string,
    rows: ArtifactRow[],
  ): Promise<void> {
    const counted = rows.slice(0, maxCountedItems);
    for (const row of rows.slice(maxCountedItems)) row.cells[count.column] = { withheld: 'not counted' };
    for (let i = 0; i < counted.length; i += parallelCounts) {
      await Promise.all(
        counted.slice(i, i + parallelCounts).map(async (row) => {
          const { items } = await this.deps.pingone.collect(
            credentials,
            base + count.collection(row.id),
            count.embedded,
            z.unknown(),
          );
          row.cells[count.column] = items.length;
        }),
      );
    }
  }

  private async failed(
    tenant: Tenant,
    error: unknown,
    context?: { kind: ArtifactKind; environment: EnvironmentSummary },
  ): Promise<ListOutcome> {
    const problem = problemOf(error);
    if (!problem) throw error;
    await this.deps.monitor?.observe(tenant, problem);
    if (context && problem.code === 'missing_role') {
      const { kind, environment } = context;
      const orNoDavinci =
        kind.product === 'davinci' && environment.hasDavinci === undefined
          ? ', or DaVinci is not enabled in that environment'
          : '';
      problem.message = `The worker app cannot read ${kindNoun(kind)} in ${environment.name}: it needs the ${kind.readRole} role on that environment${orNoDavinci}. ${problem.message}`;
    }
    return { outcome: 'failed', problem };
  }

  private now(): Date {
    return this.deps.clock.now();
  }
}

function unlistedEnvironment(id: string): EnvironmentSummary {
  return { id, name: id, type: 'unknown', region: 'unknown', hasDavinci: undefined };
}

/** The leading rows whose JSON fits in `maxBytes`, and that JSON: a list is cut, never refused. */
function withinBytes<T>(rows: readonly T[], maxBytes: number): { kept: T[]; json: string } {
  const json = JSON.stringify(rows);
  if (Buffer.byteLength(json) <= maxBytes) return { kept: [...rows], json };
  let used = 2;
  let count = 0;
  for (const row of rows) {
    used += Buffer.byteLength(JSON.stringify(row)) + 1;
    if (used > maxBytes) break;
    count++;
  }
  const kept = rows.slice(0, count);
  return { kept, json: JSON.stringify(kept) };
}

function pageCount(total: number, pageSize: number): number {
  return Math.max(1, Math.ceil(total / pageSize));
}

function cellText(cell: Cell | undefined): string {
  if (cell === null || cell === undefined || typeof cell === 'object') {
    return Array.isArray(cell) ? cell.join(' ') : '';
  }
  return String(cell);
}

function matchesAll(kind: ArtifactKind, row: ArtifactRow, words: string[]): boolean {
  if (words.length === 0) return true;
  const haystack = kind.searchable.map((key) => cellText(row.cells[key]).toLowerCase());
  return words.every((word) => haystack.some((field) => field.includes(word)));
}

function byColumn(key: string) {
  const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });
  return (a: ArtifactRow, b: ArtifactRow): number => {
    const left = cellText(a.cells[key]);
    const right = cellText(b.cells[key]);
    // Rows without a value go last, whatever the column.
    if (!left !== !right) return left ? -1 : 1;
    return collator.compare(left, right) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  };
}

function csvFilename(snapshot: ListSnapshot): string {
  const safe = (text: string) => text.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'env';
  const day = snapshot.createdAt.toISOString().slice(0, 10);
  return `flightiq-${snapshot.kind}-${safe(snapshot.environmentName).slice(0, 60)}-${day}.csv`;
}
