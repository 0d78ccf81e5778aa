import type pg from 'pg';
import type { z } from 'zod';
import type { Logger } from '../../logger.js';
import type { PingOneClient, WorkerCredentials } from '../../pingone/client.js';
import { PingOneError } from '../../pingone/errors.js';
import { roleAssignmentSchema, roleSchema } from '../../pingone/schemas.js';
import { recordAuditEvent } from '../../store/audit-events.js';
import { recordTenantTest } from '../../store/tenants.js';
import type { Actor } from '../access.js';
import { type EnvironmentSummary, readEnvironments } from '../environments.js';
import { type Problem, problemOf } from '../problem.js';
import type { Tenant, TenantService } from '../tenants/service.js';

export type StepStatus = 'passed' | 'failed' | 'not_checked';

/**
 * How reading DaVinci in one environment went. `not_licensed`: its bill of materials has no DaVinci, so
 * nothing was read. `refused`: PingOne refused the read and FlightIQ could not see the bill of
 * materials, so either the role is missing or DaVinci is not there; neither counts as a failure.
 */
export type DavinciRead = StepStatus | 'not_licensed' | 'refused';

export interface EnvironmentCheck {
  id: string;
  name: string;
  type: string;
  davinciRead: DavinciRead;
  identityRead: StepStatus;
}

/** The worker-app guide's validation checklist, each line passed, failed or not checked. */
export interface CheckReport {
  tenant: string;
  passed: boolean;
  token: { status: StepStatus; mintedInMs?: number; expiresInSeconds?: number };
  roles: { status: StepStatus; assignments: { role: string; scope: string }[]; note?: string };
  environments: { status: StepStatus; total: number; checked: EnvironmentCheck[] };
  problem?: Problem;
  /** The tenant was edited while the test ran: this is about its credentials before, and was not stored. */
  outdated?: true;
}

/** What a report that was not stored says, because the tenant was edited while it ran. */
export const outdatedTestText =
  'The tenant was edited while this test ran: this result is for its credentials before the edit, and was not recorded. Test it again for the credentials it has now.';

/** Reading every environment of a large organization would make a test take minutes. */
const maxEnvironmentsChecked = 20;

/** What is told of each test's outcome (the credential monitor), so tests and scheduled checks agree. */
export interface HealthObserver {
  observe(tenant: Tenant, problem: Problem | undefined): Promise<void>;
}

/** A test, or why it was not run: the person may not read (audited). */
export type CheckOutcome = { outcome: 'refused' } | { outcome: 'checked'; report: CheckReport };

export class CredentialCheck {
  constructor(
    private readonly deps: {
      pool: pg.Pool;
      pingone: PingOneClient;
      tenants: TenantService;
      logger: Logger;
      /** Told what each test saw, so a test feeds the same health state (and alert) as scheduled checks. */
      monitor?: HealthObserver;
    },
  ) {}

  /** Checklists running now, by tenant and credentials version: a second test of the same joins it. */
  private readonly running = new Map<string, Promise<CheckReport>>();

  /**
   * `/flightiq test`: runs the checklist for a saved tenant, stores the outcome on it, and audits it.
   * A test of a tenant already being tested (by anyone) waits for that one and gets its report: the
   * answer would be the same, and PingOne's rate limit is spent once.
   */
  async run(actor: Actor, tenant: Tenant): Promise<CheckOutcome> {
    if (!(await this.deps.tenants.authorizeReader(actor, 'tenant.test', tenant.name)))
      return { outcome: 'refused' };
    return { outcome: 'checked', report: await this.checked(actor, tenant) };
  }

  private async checked(actor: Actor, tenant: Tenant): Promise<CheckReport> {
    const key = `${tenant.id}#${tenant.version}`;
    const running = this.running.get(key);
    if (running) {
      const report = await running;
      await this.audit(actor, tenant, report.passed ? 'passed' : 'failed', { joined: true });
      return report;
    }
    const work = this.checklist(tenant.name, this.deps.tenants.credentialsOf(tenant));
    this.running.set(key, work);
    let report: CheckReport;
    try {
      report = await work;
    } finally {
      this.running.delete(key);
    }
    const recorded = await this.record(actor, tenant, report.passed ? 'passed' : 'failed', summarize(report));
    if (!recorded) return { ...report, outdated: true };
    await this.deps.monitor?.observe(tenant, report.token.status === 'passed' ? undefined : report.problem);
    return report;
  }

  /** Only the first line of the checklist (a token can be minted), for a form not saved yet. */
  async tryToMint(
    credentials: WorkerCredentials,
  ): Promise<{ ok: true; mintedInMs: number } | { ok: false; problem: Problem }> {
    try {
      const token = await this.deps.pingone.freshToken(credentials);
      return { ok: true, mintedInMs: token.mintedInMs };
    } catch (error) {
      const problem = problemOf(error);
      if (!problem) throw error;
      return { ok: false, problem };
    }
  }

  /**
   * Stores a test's outcome on the tenant version that was tested, and audits it (with `outdated` when
   * the tenant was edited meanwhile, so it was not stored). Whether it was stored.
   */
  async record(
    actor: Actor,
    tenant: Pick<Tenant, 'id' | 'name' | 'version'>,
    outcome: 'passed' | 'failed',
    summary: string,
    code?: string,
  ): Promise<boolean> {
    const recorded = await recordTenantTest(this.deps.pool, tenant, outcome, summary);
    const details = { ...(code ? { cause: code } : {}), ...(recorded ? {} : { outdated: true }) };
    await this.audit(actor, tenant, outcome, Object.keys(details).length > 0 ? details : undefined);
    return recorded;
  }

  private async audit(
    actor: Actor,
    tenant: Pick<Tenant, 'name'>,
    outcome: 'passed' | 'failed',
    details: Record<string, unknown> | undefined,
  ): Promise<void> {
    await recordAuditEvent(this.deps.pool, {
      actorId: actor.userId,
      teamId: actor.teamId,
      action: 'tenant.test',
      tenant: tenant.name,
      outcome: outcome === 'passed' ? 'succeeded' : 'failed',
      ...(details ? { details } : {}),
    });
  }

  private async checklist(name: string, credentials: WorkerCredentials): Promise<CheckReport> {
    const { pingone } = this.deps;
    const report: CheckReport = {
      tenant: name,
      passed: false,
      token: { status: 'not_checked' },
      roles: { status: 'not_checked', assignments: [] },
      environments: { status: 'not_checked', total: 0, checked: [] },
    };
    try {
      const token = await pingone.freshToken(credentials);
      report.token = {
        status: 'passed',
        mintedInMs: token.mintedInMs,
        expiresInSeconds: token.expiresInSeconds,
      };
    } catch (error) {
      report.token.status = 'failed';
      return this.fail(report, error);
    }

    // The roles and the environments each need only the token, so they are read at the same time;
    // the roles are named with the environments once both are in.
    let environments: EnvironmentSummary[] = [];
    const [listed, roleReads] = await Promise.all([
      readEnvironments(pingone, credentials).then(
        (read) => ({ ok: true as const, read }),
        (error: unknown) => ({ ok: false as const, error }),
      ),
      this.readRoles(credentials),
    ]);
    if (listed.ok) {
      ({ environments } = listed.read);
      report.environments = { status: 'passed', total: environments.length, checked: [] };
    } else {
      report.environments.status = 'failed';
      this.fail(report, listed.error);
    }
    report.roles = describeRoles(roleReads, environments);
    if (environments.length > 0) {
      report.environments.checked = await this.readEach(
        credentials,
        environments.slice(0, maxEnvironmentsChecked),
      );
    }
    const someRead = report.environments.checked.some(
      (env) => env.davinciRead === 'passed' || env.identityRead === 'passed',
    );
    report.passed = report.token.status === 'passed' && report.environments.status === 'passed' && someRead;
    if (!report.passed && !report.problem && report.environments.status === 'passed') {
      const error = new PingOneError(
        'missing_role',
        environments.length === 0
          ? 'The worker app sees no environments: its roles cover none.'
          : 'The worker app could not read DaVinci or Identity data in any environment checked.',
      );
      this.fail(report, error);
    }
    return report;
  }

  /** The worker's role assignments and the roles' names, or why they could not be read. */
  private async readRoles(credentials: WorkerCredentials): Promise<RoleReads> {
    const { pingone } = this.deps;
    try {
      const [assignments, roles] = await Promise.all([
        pingone.collect(
          credentials,
          `/environments/${credentials.environmentId}/applications/${credentials.clientId}/roleAssignments`,
          'roleAssignments',
          roleAssignmentSchema,
        ),
        pingone.collect(credentials, '/roles', 'roles', roleSchema),
      ]);
      return { ok: true, assignments: assignments.items, roles: roles.items };
    } catch (error) {
      // Reading one's own role assignments needs a role of its own; not having it is not a failure of the credentials.
      const problem = problemOf(error);
      if (!problem) throw error;
      return { ok: false, problem };
    }
  }

  /**
   * Every environment's two probes at once: they depend on nothing but the token, and one round trip
   * for all of them (at most 2 × maxEnvironmentsChecked reads) is the floor of a test's answer time.
   */
  private async readEach(
    credentials: WorkerCredentials,
    environments: EnvironmentSummary[],
  ): Promise<EnvironmentCheck[]> {
    return Promise.all(environments.map((env) => this.readOne(credentials, env)));
  }

  private async readOne(credentials: WorkerCredentials, env: EnvironmentSummary): Promise<EnvironmentCheck> {
    const attempt = async (path: string): Promise<StepStatus | 'forbidden'> => {
      try {
        await this.deps.pingone.get(credentials, path);
        return 'passed';
      } catch (error) {
        if (!(error instanceof PingOneError)) throw error;
        return error.code === 'missing_role' ? 'forbidden' : 'failed';
      }
    };
    const [davinci, identity] = await Promise.all([
      env.hasDavinci === false
        ? Promise.resolve('not_licensed' as const)
        : attempt(`/environments/${env.id}/variables?limit=1`),
      attempt(`/environments/${env.id}/schemas`),
    ]);
    // DaVinci answers like a missing role where it is not licensed (docs/pingone-facts.md, "Missing role
    // or missing product"): only when the bill of materials says DaVinci is there is a refusal the
    // worker's fault.
    const davinciRead: DavinciRead =
      davinci === 'forbidden' ? (env.hasDavinci === undefined ? 'refused' : 'failed') : davinci;
    return {
      id: env.id,
      name: env.name,
      type: env.type,
      davinciRead,
      identityRead: identity === 'forbidden' ? 'failed' : identity,
    };
  }

  private fail(report: CheckReport, error: unknown): CheckReport {
    const problem = problemOf(error);
    if (!problem) throw error;
    report.problem ??= problem;
    return report;
  }
}

/** One line for `tenant list`: what passed, or the cause of the failure. Never a token or a secret. */
export function summarize(report: CheckReport): string {
  if (report.token.status !== 'passed') return report.problem?.message ?? 'token could not be minted';
  const davinci = report.environments.checked.filter((env) => env.davinciRead === 'passed').length;
  const identity = report.environments.checked.filter((env) => env.identityRead === 'passed').length;
  const base = `token in ${report.token.mintedInMs} ms; ${report.environments.total} environment(s); DaVinci read in ${davinci}, Identity read in ${identity}`;
  return report.passed ? base : `${base}; ${report.problem?.message ?? 'no data could be read'}`;
}

type RoleReads =
  | {
      ok: true;
      assignments: z.infer<typeof roleAssignmentSchema>[];
      roles: z.infer<typeof roleSchema>[];
    }
  | { ok: false; problem: Problem };

function describeRoles(reads: RoleReads, environments: EnvironmentSummary[]): CheckReport['roles'] {
  if (!reads.ok) {
    return {
      status: 'not_checked',
      assignments: [],
      note: `Could not read the worker app's role assignments: ${reads.problem.message}`,
    };
  }
  const roleNames = new Map(reads.roles.map((role) => [role.id, role.name]));
  const envNames = new Map(environments.map((env) => [env.id, env.name]));
  return {
    status: reads.assignments.length > 0 ? 'passed' : 'failed',
    assignments: reads.assignments.map((assignment) => ({
      role: roleNames.get(assignment.role.id) ?? `custom role ${assignment.role.id}`,
      scope:
        assignment.scope.type === 'ORGANIZATION'
          ? 'the whole organization'
          : `${assignment.scope.type.toLowerCase()} ${envNames.get(assignment.scope.id) ?? assignment.scope.id}`,
    })),
    ...(reads.assignments.length === 0
      ? { note: 'The worker app has no roles: add them on its Roles tab in PingOne.' }
      : {}),
  };
}
