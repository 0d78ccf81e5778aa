import type pg from 'pg';
import type { PingOneClient, WorkerCredentials } from '../../pingone/client.js';
import { davinciPaths, formSchema, instanceSchema } from '../../pingone/davinci.js';
import { listObjects } from '../../pingone/environment-objects.js';
import { recordAuditEvent } from '../../store/audit-events.js';
import {
  listMappingEntries,
  type MappingEntry,
  type ProfilePair,
  putMappingEntry,
  removeMappingEntries,
} from '../../store/mapping-entries.js';
import type { AccessPolicy, Actor } from '../access.js';
import type { Clock } from '../clock.js';
import type { CredentialMonitor } from '../credentials/monitor.js';
import { definitionFromResource, variableResourceSchema } from '../davinci/variables.js';
import { type EnvironmentMatch, matchEnvironment } from '../environment-match.js';
import type { EnvironmentDirectory, EnvironmentSummary } from '../environments.js';
import { type Problem, problemOf } from '../problem.js';
import type { Tenant, TenantService } from '../tenants/service.js';
import { sideOf, workersOf } from '../tenants/sides.js';
import { isMappingKind, kindNoun, type MappingKind } from './kinds.js';

// Front ends show entries as core hands them over; they never read the store themselves.
export type { MappingEntry };

/**
 * Mapping profiles (docs/promotions.md, "Mapping profiles"): for one pair of environments, which
 * destination object stands for a source object whose name the destination does not have, or has
 * several times. Readers may list a profile; only operators and admins change one, each change audited
 * with the names before and after (never a secret: a profile holds none).
 */

export interface MappingProfile {
  from: EnvironmentSummary;
  to: EnvironmentSummary;
  entries: MappingEntry[];
}

/** An object of a kind in one environment, as a person picks it. */
interface Candidate {
  id: string;
  name: string;
  /** For a connector instance: its connector. */
  connector?: string | undefined;
}

/** A pair's two environments, found, with their tenants and the credentials that reach both. */
interface Pair {
  outcome: 'ends';
  from: EnvironmentSummary;
  to: EnvironmentSummary;
  tenants: { from: Tenant; to: Tenant };
  credentials: WorkerCredentials;
}

type Ends =
  | {
      outcome: 'environment_not_matched';
      which: 'from' | 'to';
      match: Extract<EnvironmentMatch, { ok: false }>;
    }
  | { outcome: 'same_environment'; environment: EnvironmentSummary };

export type ProfileOutcome =
  | { outcome: 'refused' }
  | Ends
  | { outcome: 'failed'; problem: Problem }
  | { outcome: 'profile'; profile: MappingProfile };

export type SetOutcome =
  | { outcome: 'refused' }
  | Ends
  | { outcome: 'failed'; problem: Problem }
  /** No object of that name (or ID) of that kind in one of the environments; `candidates` are its names. */
  | {
      outcome: 'object_not_found';
      which: 'from' | 'to';
      environment: EnvironmentSummary;
      kind: MappingKind;
      asked: string;
      candidates: string[];
    }
  /** Several of that name: named by ID instead. */
  | {
      outcome: 'object_ambiguous';
      which: 'from' | 'to';
      environment: EnvironmentSummary;
      kind: MappingKind;
      asked: string;
      candidates: { id: string; name: string }[];
    }
  /** A connector instance can only stand for one of the same connector. */
  | { outcome: 'connector_mismatch'; source: Candidate; destination: Candidate }
  | { outcome: 'set'; profile: MappingProfile; entry: MappingEntry; before: MappingEntry | null };

export type RemoveOutcome =
  | { outcome: 'refused' }
  | Ends
  | { outcome: 'failed'; problem: Problem }
  | {
      outcome: 'not_in_profile';
      from: EnvironmentSummary;
      to: EnvironmentSummary;
      kind: MappingKind;
      asked: string;
    }
  | { outcome: 'removed'; profile: MappingProfile; removed: MappingEntry[] };

/** What "Map…" offers: the destination's objects of the kind, to pick one from. */
export type ChoicesOutcome =
  | { outcome: 'refused' }
  | { outcome: 'failed'; problem: Problem }
  | { outcome: 'choices'; candidates: { id: string; name: string }[] };

export interface MappingAsk {
  from: string;
  to: string;
}

export class MappingService {
  constructor(
    private readonly deps: {
      pool: pg.Pool;
      pingone: PingOneClient;
      tenants: TenantService;
      environments: EnvironmentDirectory;
      access: AccessPolicy;
      clock: Clock;
      monitor?: Pick<CredentialMonitor, 'observe'>;
    },
  ) {}

  /** The profile's entries, as the planner asks for them (no person is asking: no access check). */
  async entriesFor(
    from: { tenantId: string; environmentId: string },
    to: { tenantId: string; environmentId: string },
  ): Promise<MappingEntry[]> {
    return listMappingEntries(this.deps.pool, {
      fromTenantId: from.tenantId,
      fromEnvId: from.environmentId,
      toTenantId: to.tenantId,
      toEnvId: to.environmentId,
    });
  }

  /** `/flightiq mappings <from> <to>`: for readers. */
  async list(actor: Actor, tenant: Tenant, asked: MappingAsk): Promise<ProfileOutcome> {
    if (!(await this.deps.tenants.authorizeReader(actor, 'mappings', tenant.name)))
      return { outcome: 'refused' };
    return this.guarded(tenant, async () => {
      const ends = await this.ends(tenant, asked);
      if (ends.outcome !== 'ends') return ends;
      return { outcome: 'profile', profile: await this.profileOf(ends) };
    });
  }

  /**
   * `/flightiq mappings <from> <to> set <kind> <source> = <destination>`: each name (or ID) resolved in
   * its own environment, exactly; a name several objects share is refused with their IDs to choose from.
   */
  async set(
    actor: Actor,
    tenant: Tenant,
    asked: MappingAsk & { kind: MappingKind; source: string; destination: string },
  ): Promise<SetOutcome> {
    if (!(await this.mayChange(actor, 'mappings.set', tenant, asked))) return { outcome: 'refused' };
    return this.guarded(tenant, async () => {
      const ends = await this.ends(tenant, asked);
      if (ends.outcome !== 'ends') return ends;
      const { credentials } = ends;
      const [sources, destinations] = await Promise.all([
        this.candidates(credentials, ends.from.id, asked.kind),
        this.candidates(credentials, ends.to.id, asked.kind),
      ]);
      const source = pick(sources, asked.source);
      if ('outcome' in source)
        return { ...source, which: 'from', environment: ends.from, kind: asked.kind, asked: asked.source };
      const destination = pick(destinations, asked.destination);
      if ('outcome' in destination)
        return {
          ...destination,
          which: 'to',
          environment: ends.to,
          kind: asked.kind,
          asked: asked.destination,
        };
      if (source.connector && destination.connector && source.connector !== destination.connector)
        return { outcome: 'connector_mismatch', source, destination };
      const entry: MappingEntry = {
        kind: asked.kind,
        sourceId: source.id,
        sourceName: source.name,
        destinationId: destination.id,
        destinationName: destination.name,
        setBy: actor.userId,
        setAt: this.deps.clock.now(),
      };
      const before = await putMappingEntry(this.deps.pool, pairOf(ends), entry);
      await this.audit(actor, 'mappings.set', tenant, 'succeeded', {
        from: ends.from.name,
        to: ends.to.name,
        kind: asked.kind,
        source: source.name,
        before: before?.destinationName ?? null,
        after: destination.name,
      });
      return { outcome: 'set', profile: await this.profileOf(ends), entry, before };
    });
  }

  /**
   * The destination's objects of a kind, by name, for the "Map…" modal of a blocked plan; only for those
   * who may set an entry (the click is audited when refused, like a refused `set`).
   */
  async choices(
    actor: Actor,
    tenant: Tenant,
    asked: MappingAsk & { kind: MappingKind; source: string },
  ): Promise<ChoicesOutcome> {
    if (!(await this.mayChange(actor, 'mappings.set', tenant, asked))) return { outcome: 'refused' };
    return this.guarded(tenant, async () => {
      const ends = await this.ends(tenant, asked);
      if (ends.outcome !== 'ends') return { outcome: 'choices' as const, candidates: [] };
      const found = await this.candidates(ends.credentials, ends.to.id, asked.kind);
      return {
        outcome: 'choices' as const,
        candidates: found
          .map(({ id, name }) => ({ id, name }))
          .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id)),
      };
    });
  }

  /** `/flightiq mappings <from> <to> remove <kind> <source>`: the entry for that source name (or ID). */
  async remove(
    actor: Actor,
    tenant: Tenant,
    asked: MappingAsk & { kind: MappingKind; source: string },
  ): Promise<RemoveOutcome> {
    if (!(await this.mayChange(actor, 'mappings.remove', tenant, asked))) return { outcome: 'refused' };
    return this.guarded(tenant, async () => {
      const ends = await this.ends(tenant, asked);
      if (ends.outcome !== 'ends') return ends;
      const removed = await removeMappingEntries(
        this.deps.pool,
        pairOf(ends),
        asked.kind,
        asked.source.trim(),
      );
      if (removed.length === 0)
        return {
          outcome: 'not_in_profile',
          from: ends.from,
          to: ends.to,
          kind: asked.kind,
          asked: asked.source,
        };
      for (const entry of removed)
        await this.audit(actor, 'mappings.remove', tenant, 'succeeded', {
          from: ends.from.name,
          to: ends.to.name,
          kind: asked.kind,
          source: entry.sourceName,
          before: entry.destinationName,
          after: null,
        });
      return { outcome: 'removed', profile: await this.profileOf(ends), removed };
    });
  }

  /**
   * Whether this person may change the profile, asked alone where a front end must answer at once (a
   * modal's submission); a refusal is audited. `set` and `remove` ask it again themselves.
   */
  async mayChange(
    actor: Actor,
    action: string,
    tenant: Tenant,
    asked: MappingAsk & { kind: MappingKind; source: string },
  ): Promise<boolean> {
    if (await this.deps.access.canMap(actor)) return true;
    await this.audit(actor, action, tenant, 'refused', {
      from: asked.from,
      to: asked.to,
      kind: asked.kind,
      source: asked.source,
      reason: 'not an operator',
    });
    return false;
  }

  /** Runs a read of PingOne, turning what PingOne answered into a problem to show. */
  private async guarded<T>(
    tenant: Tenant,
    work: () => Promise<T>,
  ): Promise<T | { outcome: 'failed'; problem: Problem }> {
    try {
      return await work();
    } catch (error) {
      const problem = problemOf(error);
      if (!problem) throw error;
      await this.deps.monitor?.observe(tenant, problem);
      return { outcome: 'failed', problem };
    }
  }

  /**
   * Both environments of a pair, each side in the tenant named before a colon (`Dev:Staging`), else in
   * the command's tenant; with the credentials that reach both (core/tenants/sides.ts).
   */
  private async ends(tenant: Tenant, asked: MappingAsk): Promise<Ends | Pair> {
    const source = await sideOf(this.deps.tenants, tenant, asked.from);
    const destination = await sideOf(this.deps.tenants, tenant, asked.to);
    const { environments } = await this.deps.environments.list(source.tenant);
    const from = matchEnvironment(environments, source.environment);
    if (!from.ok) return { outcome: 'environment_not_matched', which: 'from', match: from };
    const to = matchEnvironment(
      destination.tenant.id === source.tenant.id
        ? environments
        : (await this.deps.environments.list(destination.tenant)).environments,
      destination.environment,
    );
    if (!to.ok) return { outcome: 'environment_not_matched', which: 'to', match: to };
    if (from.environment.id === to.environment.id)
      return { outcome: 'same_environment', environment: to.environment };
    return {
      outcome: 'ends',
      from: from.environment,
      to: to.environment,
      tenants: { from: source.tenant, to: destination.tenant },
      credentials: workersOf(this.deps.tenants, source.tenant, {
        tenant: destination.tenant,
        environmentId: to.environment.id,
      }),
    };
  }

  private async profileOf(ends: Pair): Promise<MappingProfile> {
    const pair = pairOf(ends);
    return {
      from: ends.from,
      to: ends.to,
      entries: await this.entriesFor(
        { tenantId: pair.fromTenantId, environmentId: pair.fromEnvId },
        { tenantId: pair.toTenantId, environmentId: pair.toEnvId },
      ),
    };
  }

  /** Every object of a kind in one environment, by ID and name. */
  private async candidates(
    credentials: WorkerCredentials,
    envId: string,
    kind: MappingKind,
  ): Promise<Candidate[]> {
    if (kind === 'connectorInstance') {
      const path = davinciPaths.collection(envId, 'connectorInstances');
      const { items } = await this.deps.pingone.collect(
        credentials,
        path,
        'connectorInstances',
        instanceSchema,
      );
      return items.map((item) => ({ id: item.id, name: item.name, connector: item.connector?.id }));
    }
    if (kind === 'form') {
      const path = davinciPaths.collection(envId, 'forms');
      return (await this.deps.pingone.collect(credentials, path, 'forms', formSchema)).items;
    }
    if (kind === 'variable') {
      // The same read a plan makes (a page of 500), so a profile offers what a plan can map.
      const path = `${davinciPaths.variables(envId)}?limit=500`;
      const { items } = await this.deps.pingone.collect(
        credentials,
        path,
        'variables',
        variableResourceSchema,
      );
      return items
        .map(definitionFromResource)
        .flatMap((variable) =>
          variable.context === 'company' && variable.id ? [{ id: variable.id, name: variable.name }] : [],
        );
    }
    return listObjects(this.deps.pingone, credentials, envId, kind);
  }

  private async audit(
    actor: Actor,
    action: string,
    tenant: Tenant,
    outcome: 'succeeded' | 'refused',
    details: Record<string, unknown>,
  ): Promise<void> {
    await recordAuditEvent(this.deps.pool, {
      actorId: actor.userId,
      teamId: actor.teamId,
      action,
      tenant: tenant.name,
      outcome,
      details,
    });
  }
}

/** The pair a profile belongs to: each side by its own tenant, the same one or not. */
function pairOf(ends: Pair): ProfilePair {
  return {
    fromTenantId: ends.tenants.from.id,
    fromEnvId: ends.from.id,
    toTenantId: ends.tenants.to.id,
    toEnvId: ends.to.id,
  };
}

/** The object a person named: by ID, else by its whole name (any case), exactly one. */
function pick(
  candidates: Candidate[],
  asked: string,
):
  | Candidate
  | { outcome: 'object_not_found'; candidates: string[] }
  | { outcome: 'object_ambiguous'; candidates: { id: string; name: string }[] } {
  const wanted = asked.trim().toLowerCase();
  const byId = candidates.find((candidate) => candidate.id.toLowerCase() === wanted);
  if (byId) return byId;
  const named = candidates.filter((candidate) => candidate.name.toLowerCase() === wanted);
  if (named.length === 1 && named[0]) return named[0];
  if (named.length > 1)
    return { outcome: 'object_ambiguous', candidates: named.map(({ id, name }) => ({ id, name })) };
  return { outcome: 'object_not_found', candidates: candidates.map((candidate) => candidate.name).sort() };
}

/** An entry in words, the same on every front end. */
export function entryText(
  entry: Pick<MappingEntry, 'kind' | 'sourceName' | 'destinationName'>,
  style: { name(text: string): string } = { name: (text) => `"${text}"` },
): string {
  const noun = isMappingKind(entry.kind) ? kindNoun(entry.kind) : entry.kind;
  return `${noun.charAt(0).toUpperCase()}${noun.slice(1)} ${style.name(entry.sourceName)} → ${style.name(entry.destinationName)}`;
}
