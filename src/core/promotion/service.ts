import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type pg from 'pg';
import type { Logger } from '../../logger.js';
import type { PingOneClient, WorkerCredentials } from '../../pingone/client.js';
import { recordAuditEvent } from '../../store/audit-events.js';
import { forgetStalePersonSlots } from '../../store/person-slots.js';
import {
  approve,
  approveRollback,
  claimRun,
  dropApprovals,
  dropRollbackRequest,
  expirePromotions,
  findPromotion,
  insertPromotion,
  interruptStoppedRuns,
  lastFlowWrites,
  type PromotionRecord,
  promotionsInStatus,
  recentPromotions,
  requestRollback,
  setPromotionMessage,
  stepsOf,
  transitionPromotion,
} from '../../store/promotions.js';
import { forgetOldDeliveries } from '../../store/slack-deliveries.js';
import type { AccessPolicy, Actor } from '../access.js';
import type { Clock } from '../clock.js';
import type { CredentialMonitor } from '../credentials/monitor.js';
import { type EnvironmentMatch, matchEnvironment } from '../environment-match.js';
import type { EnvironmentDirectory, EnvironmentSummary } from '../environments.js';
import { promotionWorkMs, withCallContext } from '../pingone-work.js';
import type { PolicyChain, PolicyChainReader } from '../policies/chain.js';
import { planPolicy } from '../policies/policy-plan.js';
import { markPolicyRuns } from '../policies/policy-runs.js';
import { type Problem, problemOf } from '../problem.js';
import type { TenantApprovers } from '../tenants/approvers.js';
import type { Tenant, TenantService } from '../tenants/service.js';
import { sideOf, workersOf } from '../tenants/sides.js';
import { gatePlan } from './lint-gate.js';
import { policyUsesOf } from './plan/blast-radius.js';
import { PromotionPlanner } from './plan/planner.js';
import type { ProfileReader } from './plan/profile.js';
import type {
  ComputedPlan,
  EnvironmentRef,
  FlowLookup,
  LintMode,
  PlanOptions,
  PromotionPlan,
} from './plan/types.js';
import type { ProtectionPolicy } from './protection.js';
import {
  type LeaseSettings,
  type Promotion,
  type PromotionResult,
  PromotionRunner,
  type RunHooks,
} from './run.js';
import {
  type DeciderFacts,
  type Decision,
  decisionAuditActions,
  openStatuses,
  type PromotionStatus,
  type Refusal,
  readOnlySteps,
  refusalOf,
  rollbackableStatuses,
  transitions,
} from './state.js';

export type { Promotion, PromotionResult, RunHooks };

export interface PromotionSettings {
  approvalTtlMs: number;
  approvalChannel: string | undefined;
  /** Distinct approvers a protected promotion (and its rollback) needs, none of them the requester. */
  requiredApprovals: number;
  /** How long after a promotion ends its Rollback is offered. */
  rollbackWindowMs: number;
  lease: LeaseSettings;
  /** FLIGHTIQ_LINT; unset blocks into protected environments and warns elsewhere. */
  lint?: LintMode | undefined;
  /**
   * A single-user setup (the local console): the one person approves in place, no channel is needed,
   * and approving one's own request is allowed (and audited as such), since nobody else could.
   */
  singleUser?: string | undefined;
}

/** Tells people about a promotion whose state changed without them clicking (expiry, interruption). */
export interface PromotionNotifier {
  changed(promotion: Promotion): Promise<void>;
}

export interface PromotionRequest {
  tenant: Tenant;
  flow: string;
  from: string;
  to: string;
  options: PlanOptions;
  /** Why, in the requester's words, already read with `readReason`. */
  reason?: string | null;
}

export type RequestOutcome =
  | { outcome: 'refused' }
  | {
      outcome: 'environment_not_matched';
      which: 'from' | 'to';
      match: Extract<EnvironmentMatch, { ok: false }>;
    }
  | { outcome: 'same_environment'; environment: EnvironmentSummary }
  /** Its bill of materials has no DaVinci: there are no flows to read or write there, whatever the roles. */
  | { outcome: 'no_davinci'; which: 'from' | 'to'; environment: EnvironmentSummary }
  | {
      outcome: 'flow_not_found';
      lookup: Extract<FlowLookup, { ok: false }>;
      asked: string;
      environment: EnvironmentSummary;
    }
  | { outcome: 'no_approval_channel'; environment: EnvironmentSummary }
  /** A flow policy promotion whose DaVinci application or policy the source does not have. */
  | {
      outcome: 'policy_not_found';
      what: 'application' | 'policy';
      asked: string;
      candidates: string[];
      environment: EnvironmentSummary;
    }
  /** A revert to a version the flow never had. */
  | {
      outcome: 'no_such_version';
      flow: string;
      version: number;
      latest: number | null;
      environment: EnvironmentSummary;
    }
  | { outcome: 'failed'; problem: Problem }
  | { outcome: 'planned'; promotion: Promotion };

export type DiffOutcome =
  | Exclude<RequestOutcome, { outcome: 'planned' }>
  | {
      outcome: 'diff';
      flowName: string;
      from: EnvironmentSummary;
      to: EnvironmentSummary;
      plan: PromotionPlan;
    };

interface PreparedPlan {
  outcome: 'ready';
  from: EnvironmentSummary;
  to: EnvironmentSummary;
  flow: { id: string; name: string };
  computed: ComputedPlan;
  isProtected: boolean;
  /** Each side's tenant: one tenant, unless the destination is in another PingOne organization. */
  tenants: { from: Tenant; to: Tenant };
}

/** Both ends of a request, found and checked, with their tenants and the credentials that reach them. */
interface Ends {
  outcome: 'ends';
  from: EnvironmentSummary;
  to: EnvironmentSummary;
  isProtected: boolean;
  tenants: { from: Tenant; to: Tenant };
  credentials: WorkerCredentials;
}

export type { Refusal };

export type DecisionOutcome =
  | { outcome: 'not_found' }
  | { outcome: 'refused'; reason: Refusal; promotion: Promotion; details?: string[] }
  /** Someone else (or an earlier click) already moved it on; nothing was done now. */
  | { outcome: 'already'; promotion: Promotion }
  | { outcome: 'expired'; promotion: Promotion }
  /**
   * An approval was counted; `remaining` more approvers are needed before it runs. `dropped` are earlier
   * approvers whose approval stopped counting because they are no longer approvers.
   */
  | { outcome: 'approved'; promotion: Promotion; remaining: number; dropped?: string[] }
  /** The destination is protected now: the promotion waits for approvers instead of running. */
  | { outcome: 'now_protected'; promotion: Promotion }
  /** A rollback of a protected destination was asked for, and waits for approvers. */
  | { outcome: 'rollback_requested'; promotion: Promotion }
  | { outcome: 'failed'; problem: Problem; promotion: Promotion }
  | { outcome: 'done'; promotion: Promotion };

/**
 * Promotions (docs/design.md, "Promotions"): plan → (approval) → execute → result, each step persisted.
 * Every move of a promotion is one conditional UPDATE; a run is claimed with a lease its process renews,
 * so it runs once whatever the clicks, retries or replicas, and a run whose process stopped is
 * recognised (its lease ran out) and shown as interrupted, never re-run. The rules of who decides are
 * checked at every click, with the destination's protection as it is at that moment.
 */
export class PromotionService {
  private readonly planner: PromotionPlanner;
  private readonly runner: PromotionRunner;
  /** Names this process's runs: the lease owner other replicas see. */
  private readonly processId = `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;

  constructor(
    private readonly deps: {
      pool: pg.Pool;
      pingone: PingOneClient;
      tenants: TenantService;
      environments: EnvironmentDirectory;
      access: AccessPolicy;
      protection: ProtectionPolicy;
      settings: PromotionSettings;
      logger: Logger;
      notifier?: PromotionNotifier;
      monitor?: Pick<CredentialMonitor, 'observe'>;
      /** Reads the destination's flow policies, to show which applications a promotion changes. */
      policies?: Pick<PolicyChainReader, 'chainOf' | 'linksIn'>;
      /** The pairs' mapping profiles, which plans consult where names do not settle a reference. */
      profiles?: ProfileReader;
      /** Who approves into a tenant's protected environments; FLIGHTIQ_APPROVERS when absent. */
      approvers?: Pick<TenantApprovers, 'of'>;
      clock: Clock;
    },
  ) {
    this.planner = new PromotionPlanner(deps.pingone);
    this.runner = new PromotionRunner({
      pool: deps.pool,
      pingone: deps.pingone,
      tenants: deps.tenants,
      planner: this.planner,
      logger: deps.logger,
      lease: deps.settings.lease,
      clock: deps.clock,
      ...(deps.policies ? { policies: deps.policies } : {}),
      ...(deps.profiles ? { profiles: deps.profiles } : {}),
      load: (record) => this.load(record),
      reload: (id) => this.reload(id),
    });
  }

  set notifier(notifier: PromotionNotifier) {
    this.deps.notifier = notifier;
  }

  get approvalChannel(): string | undefined {
    return this.deps.settings.approvalChannel;
  }

  /** Approvals a protected promotion or rollback needs. */
  /**
   * Approvals a protected promotion or rollback needs. The one person of a local console approves their
   * own requests alone; a promotion someone else requested keeps the configured count, even when the
   * console shares its database with Slack.
   */
  requiredApprovalsFor(promotion: Pick<PromotionRecord, 'requestedBy'>): number {
    return this.ownedBySingleUser(promotion) ? 1 : this.deps.settings.requiredApprovals;
  }

  private ownedBySingleUser(promotion: Pick<PromotionRecord, 'requestedBy'>): boolean {
    const { singleUser } = this.deps.settings;
    return singleUser !== undefined && promotion.requestedBy === singleUser;
  }

  get rollbackWindowMs(): number {
    return this.deps.settings.rollbackWindowMs;
  }

  /**
   * Whether this person may request a promotion at all, asked before anything else (even which tenant
   * is meant), so someone refused learns no tenant's name. A refusal is audited.
   */
  async mayRequest(actor: Actor, asked: { tenant?: string | undefined; flow: string }): Promise<boolean> {
    if (await this.deps.access.canPromote(actor)) return true;
    await this.audit(actor, 'promotion.request', asked.tenant, 'refused', {
      flow: asked.flow,
      reason: 'not an operator',
    });
    return false;
  }

  /** Whether this person may see a diff at all, asked like {@link mayRequest}. */
  async mayDiff(actor: Actor, asked: { tenant?: string | undefined; flow: string }): Promise<boolean> {
    if (await this.deps.access.canRead(actor)) return true;
    await this.audit(actor, 'promotion.diff', asked.tenant, 'refused', {
      flow: asked.flow,
      reason: 'not a reader',
    });
    return false;
  }

  async request(actor: Actor, request: PromotionRequest): Promise<RequestOutcome> {
    if (!(await this.mayRequest(actor, { tenant: request.tenant.name, flow: request.flow }))) {
      return { outcome: 'refused' };
    }
    const prepared = request.options.policy
      ? await this.preparePolicyPlan(request, request.options.policy)
      : await this.preparePlan(request, { needsApprovalChannel: true });
    if (prepared.outcome !== 'ready') return prepared;
    const { from, to, flow, computed, isProtected, tenants } = prepared;
    const across = tenants.to.id !== tenants.from.id;
    const record = await insertPromotion(this.deps.pool, {
      id: randomUUID(),
      tenantId: tenants.from.id,
      tenantName: tenants.from.name,
      toTenantId: across ? tenants.to.id : null,
      toTenantName: across ? tenants.to.name : null,
      requestedBy: actor.userId,
      teamId: actor.teamId ?? null,
      flowName: flow.name,
      fromEnvId: from.id,
      fromEnvName: from.name,
      toEnvId: to.id,
      toEnvName: to.name,
      options: request.options,
      protected: isProtected,
      plan: computed.plan,
      fingerprint: computed.plan.fingerprint,
      status: computed.plan.blockers.length > 0 ? 'blocked' : 'pending',
      expiresAt: new Date(this.now().getTime() + this.deps.settings.approvalTtlMs),
      reason: request.reason ?? null,
    });
    await this.audit(actor, 'promotion.request', tenants.from.name, 'succeeded', {
      promotion: record.id,
      flow: record.flowName,
      from: record.fromEnvName,
      to: record.toEnvName,
      ...(across ? { toTenant: tenants.to.name } : {}),
      blockers: computed.plan.blockers.length,
      ...(record.reason ? { reason: record.reason } : {}),
    });
    return { outcome: 'planned', promotion: await this.load(record) };
  }

  /**
   * `/flightiq diff`: what promoting the flow would change, planned exactly as a promotion would be,
   * without asking for anything. A read, so readers may run it.
   */
  async diff(actor: Actor, request: PromotionRequest): Promise<DiffOutcome> {
    if (!(await this.mayDiff(actor, { tenant: request.tenant.name, flow: request.flow }))) {
      return { outcome: 'refused' };
    }
    const prepared = await this.preparePlan(request, { needsApprovalChannel: false });
    if (prepared.outcome !== 'ready') return prepared;
    return {
      outcome: 'diff',
      flowName: prepared.flow.name,
      from: prepared.from,
      to: prepared.to,
      plan: prepared.computed.plan,
    };
  }

  /** The two environments a request names, checked: both found, different, with DaVinci; its gate. */
  private async ends(
    request: PromotionRequest,
    needsApprovalChannel: boolean,
  ): Promise<Exclude<RequestOutcome, { outcome: 'planned' | 'refused' }> | Ends> {
    const source = await sideOf(this.deps.tenants, request.tenant, request.from);
    const destination = await sideOf(this.deps.tenants, request.tenant, request.to);
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
    // A revert is the one request whose flow stays in its environment.
    if (from.environment.id === to.environment.id && request.options.revertTo === undefined)
      return { outcome: 'same_environment', environment: to.environment };
    // Asked of PingOne, DaVinci in an environment without it answers as a missing role would: the
    // bill of materials says which it is (undefined when it could not be read: then PingOne's answer).
    for (const [which, match] of [
      ['from', from],
      ['to', to],
    ] as const) {
      if (match.environment.hasDavinci === false)
        return { outcome: 'no_davinci', which, environment: match.environment };
    }
    const isProtected = await this.deps.protection.isProtected(to.environment);
    if (
      needsApprovalChannel &&
      isProtected &&
      !this.deps.settings.approvalChannel &&
      !this.deps.settings.singleUser
    )
      return { outcome: 'no_approval_channel', environment: to.environment };
    return {
      outcome: 'ends',
      from: from.environment,
      to: to.environment,
      isProtected,
      tenants: { from: source.tenant, to: destination.tenant },
      credentials: workersOf(this.deps.tenants, source.tenant, {
        tenant: destination.tenant,
        environmentId: to.environment.id,
      }),
    };
  }

  /**
   * A flow policy promotion's plan (`/flightiq promote policy`): the environments checked as for flows,
   * then the policy planned (core/policies/policy-plan.ts). Nothing else of ComputedPlan is used by its
   * run, which re-plans the policy itself.
   */
  private async preparePolicyPlan(
    request: PromotionRequest,
    asked: { application: string; policy: string },
  ): Promise<Exclude<RequestOutcome, { outcome: 'planned' | 'refused' }> | PreparedPlan> {
    try {
      const ends = await this.ends(request, true);
      if (ends.outcome !== 'ends') return ends;
      const { from, to, isProtected, credentials } = ends;
      const planned = await planPolicy(this.deps.pingone, credentials, ref(from), ref(to), asked);
      if (planned.outcome === 'not_found')
        return { ...planned, outcome: 'policy_not_found', environment: from };
      const computed: ComputedPlan = {
        plan: planned.plan,
        definitions: new Map(),
        maps: { connections: new Map(), forms: new Map(), objects: new Map() },
        linkedFlows: new Map(),
        destinations: new Map(),
        variables: new Map(),
        enabled: new Map(),
      };
      return {
        outcome: 'ready',
        from,
        to,
        flow: { id: planned.plan.policy?.sourceId ?? '', name: `${asked.application}/${asked.policy}` },
        computed,
        isProtected,
        tenants: ends.tenants,
      };
    } catch (error) {
      const problem = problemOf(error);
      if (!problem) throw error;
      await this.deps.monitor?.observe(request.tenant, problem);
      return { outcome: 'failed', problem };
    }
  }

  /** The environments, the flow and the plan a request names, or why there is none. */
  private async preparePlan(
    request: PromotionRequest,
    { needsApprovalChannel }: { needsApprovalChannel: boolean },
  ): Promise<Exclude<RequestOutcome, { outcome: 'planned' | 'refused' }> | PreparedPlan> {
    try {
      const ends = await this.ends(request, needsApprovalChannel);
      if (ends.outcome !== 'ends') return ends;
      const { isProtected, credentials, tenants } = ends;
      const from = { environment: ends.from };
      const to = { environment: ends.to };
      const source = ref(from.environment);
      // The destination's flows are read while the source's are searched for the flow asked for.
      const destinationFlows = this.planner.listFlows(credentials, to.environment.id);
      destinationFlows.catch(() => undefined);
      // Which applications run the destination's flows is read meanwhile too; a failure is a warning.
      const chain = this.deps.policies?.chainOf(credentials, to.environment).catch((error: unknown) => error);
      const lookup = await this.planner.findFlow(credentials, source, request.flow);
      if (!lookup.ok)
        return { outcome: 'flow_not_found', lookup, asked: request.flow, environment: from.environment };
      const { revertTo } = request.options;
      const latest = lookup.flow.currentVersion ?? null;
      if (revertTo !== undefined && (revertTo < 1 || (latest !== null && revertTo > latest)))
        return {
          outcome: 'no_such_version',
          flow: lookup.flow.name,
          version: revertTo,
          latest,
          environment: to.environment,
        };
      const computed = await this.planner.plan(
        credentials,
        source,
        ref(to.environment),
        lookup.flow.id,
        request.options,
        {
          source: lookup.flows,
          destination: destinationFlows,
          profile: await this.deps.profiles?.entriesFor(
            { tenantId: tenants.from.id, environmentId: source.id },
            { tenantId: tenants.to.id, environmentId: to.environment.id },
          ),
        },
      );
      gatePlan(computed, { setting: this.deps.settings.lint, isProtected, sourceFlows: lookup.flows });
      await this.markDrift(tenants.to, to.environment, computed.plan);
      if (request.options.withPolicies)
        await this.carryPolicies(credentials, source, ref(to.environment), computed.plan);
      if (chain) this.markPolicyUses(computed.plan, await chain);
      if (computed.plan.policies && computed.plan.policies.length > 0)
        await markPolicyRuns(this.deps.pingone, credentials, to.environment.id, computed.plan.policies);
      return {
        outcome: 'ready',
        from: from.environment,
        to: to.environment,
        flow: lookup.flow,
        computed,
        isProtected,
        tenants,
      };
    } catch (error) {
      const problem = problemOf(error);
      if (!problem) throw error;
      await this.deps.monitor?.observe(request.tenant, problem);
      return { outcome: 'failed', problem };
    }
  }

  /**
   * `--with-policies`: the source's flow policies that send users to a flow this promotion writes, each
   * planned as a policy promotion that finds those flows where the run will have put them. Their
   * blockers and warnings are the plan's.
   */
  private async carryPolicies(
    credentials: WorkerCredentials,
    from: EnvironmentRef,
    to: EnvironmentRef,
    plan: PromotionPlan,
  ): Promise<void> {
    if (plan.flows.some((flow) => flow.action === 'create' && flow.destinationName !== flow.name)) {
      plan.blockers.push(
        '`--with-policies` cannot carry policies to renamed copies (`--as-new`): promote the flows, then each policy with `promote policy`.',
      );
    }
    const links = await this.deps.policies?.linksIn(credentials, from.id);
    const incoming = new Map(plan.flows.map((flow) => [flow.sourceId, flow.destinationName]));
    plan.carried = [];
    for (const app of links?.applications ?? []) {
      for (const policy of app.policies) {
        if (!policy.distributions.some((d) => incoming.has(d.flowId))) continue;
        const asked = { application: app.id, policy: policy.id };
        const planned = await planPolicy(this.deps.pingone, credentials, from, to, asked, incoming);
        if (planned.outcome !== 'planned' || !planned.plan.policy) continue;
        plan.carried.push({ asked, policy: planned.plan.policy, fingerprint: planned.plan.fingerprint });
        plan.blockers.push(...planned.plan.blockers);
        plan.warnings.push(...planned.plan.warnings);
      }
    }
    if (plan.carried.length === 0)
      plan.warnings.push(`No flow policy in ${from.name} runs these flows: --with-policies carries none.`);
  }

  /**
   * The destination's flow policies that run a flow the plan updates, and the applications using them
   * (plan.policies), with a warning for each that pins a version. Informational: not fingerprinted, and
   * a policy list PingOne would not give is a warning, never a reason not to plan.
   */
  private markPolicyUses(plan: PromotionPlan, chain: unknown): void {
    if (isPolicyChain(chain)) {
      const { uses, warnings } = policyUsesOf(plan, chain);
      plan.policies = uses;
      plan.warnings.push(...warnings);
      return;
    }
    const problem = problemOf(chain);
    if (!problem) throw chain;
    plan.warnings.push(
      `FlightIQ could not read ${plan.to.name}'s flow policies, so which PingOne applications this promotion changes is not shown: ${problem.message}`,
    );
  }

  /**
   * Flows the plan updates that were changed outside FlightIQ since FlightIQ last wrote them: the
   * destination's version is not the one FlightIQ left. Approving overwrites that change, so the plan
   * warns, and the flow's diff says its "was" values are what would be lost.
   */
  private async markDrift(tenant: Tenant, to: EnvironmentSummary, plan: PromotionPlan): Promise<void> {
    const writes = await lastFlowWrites(this.deps.pool, tenant.id, to.id);
    if (writes.size === 0) return;
    for (const flow of plan.flows) {
      const write = flow.destinationId ? writes.get(flow.destinationId) : undefined;
      const now = flow.destinationVersions?.current;
      if (!write || now === null || now === undefined || now === write.version) continue;
      plan.warnings.push(
        `${to.name}'s ${flow.destinationName} was changed outside FlightIQ since promotion ${write.promotionId.slice(0, 8)} (FlightIQ left version ${write.version}; it is version ${now} now): approving overwrites that change.`,
      );
      const diff = plan.diffs?.find((entry) => entry.sourceId === flow.sourceId);
      if (diff) diff.drift = { promotionId: write.promotionId, written: write.version, now };
    }
  }

  async attachMessage(id: string, channelId: string, ts: string): Promise<void> {
    await setPromotionMessage(this.deps.pool, id, channelId, ts);
  }

  async find(id: string): Promise<Promotion | null> {
    const record = await findPromotion(this.deps.pool, id);
    return record ? this.load(record) : null;
  }

  /**
   * Approve (protected destinations): each approver once, never the requester; it runs when
   * FLIGHTIQ_REQUIRED_APPROVALS distinct approvers have approved.
   */
  async approve(actor: Actor, id: string, hooks: RunHooks = {}): Promise<DecisionOutcome> {
    const promotion = await this.find(id);
    if (!promotion) return { outcome: 'not_found' };
    const refused = await this.refusedFor('approve', actor, promotion);
    if (refused) return refused;
    const expired = await this.expireIfDue(promotion);
    if (expired) return expired;
    const dropped = await this.dropLapsedApprovals(actor, promotion, 'approvals');
    const approved = await approve(this.deps.pool, id, actor.userId, {
      required: this.requiredApprovalsFor(promotion),
      owner: this.processId,
      leaseMs: this.deps.settings.lease.leaseMs,
      now: this.now(),
    });
    if (!approved) return { outcome: 'already', promotion: await this.reload(id) };
    await this.audit(actor, 'promotion.approve', promotion.tenantName, 'succeeded', {
      promotion: id,
      approvals: approved.approvals.length,
    });
    if (approved.status !== 'running') {
      const remaining = this.requiredApprovalsFor(promotion) - approved.approvals.length;
      return { outcome: 'approved', promotion: await this.load(approved), remaining, ...dropped };
    }
    return this.started(await this.load(approved), (running) =>
      this.runner.execute(running, this.processId, hooks),
    );
  }

  /**
   * Run (unprotected destinations): only the requester, and only while the destination is still
   * unprotected; one that became protected meanwhile goes to the approvers instead.
   */
  async run(actor: Actor, id: string, hooks: RunHooks = {}): Promise<DecisionOutcome> {
    const promotion = await this.find(id);
    if (!promotion) return { outcome: 'not_found' };
    const refused = await this.refusedFor('run', actor, promotion);
    if (refused) return refused;
    const expired = await this.expireIfDue(promotion);
    if (expired) return expired;
    const protectedNow = await this.protectedNow(promotion);
    if ('problem' in protectedNow) return { outcome: 'failed', problem: protectedNow.problem, promotion };
    if (protectedNow.protected) {
      const moved = await transitionPromotion(this.deps.pool, id, transitions.protect, { protected: true });
      if (!moved) return { outcome: 'already', promotion: await this.reload(id) };
      await this.audit(actor, 'promotion.run', promotion.tenantName, 'refused', {
        promotion: id,
        reason: 'the destination became protected: approvers decide',
      });
      return { outcome: 'now_protected', promotion: await this.load(moved) };
    }
    const claimed = await claimRun(this.deps.pool, id, {
      transition: transitions.run,
      owner: this.processId,
      leaseMs: this.deps.settings.lease.leaseMs,
      now: this.now(),
      decidedBy: actor.userId,
    });
    if (!claimed) return { outcome: 'already', promotion: await this.reload(id) };
    await this.audit(actor, 'promotion.run', promotion.tenantName, 'succeeded', { promotion: id });
    return this.started(await this.load(claimed), (running) =>
      this.runner.execute(running, this.processId, hooks),
    );
  }

  async reject(actor: Actor, id: string): Promise<DecisionOutcome> {
    const promotion = await this.find(id);
    if (!promotion) return { outcome: 'not_found' };
    const refused = await this.refusedFor('reject', actor, promotion);
    return refused ?? this.end(actor, promotion, 'reject');
  }

  async cancel(actor: Actor, id: string): Promise<DecisionOutcome> {
    const promotion = await this.find(id);
    if (!promotion) return { outcome: 'not_found' };
    const refused = await this.refusedFor('cancel', actor, promotion);
    return refused ?? this.end(actor, promotion, 'cancel');
  }

  /**
   * Rollback. Into an unprotected destination, the requester (or an approver or admin) rolls back at
   * once. Into a protected one a rollback is a change to production like the promotion was: the click
   * asks for it, and approvers other than the person who asked decide. Either way it is offered only
   * for FLIGHTIQ_ROLLBACK_WINDOW after the promotion ended, and refused, naming what changed, when the
   * destination changed since the promotion wrote it.
   */
  async rollback(actor: Actor, id: string, hooks: RunHooks = {}): Promise<DecisionOutcome> {
    const promotion = await this.find(id);
    if (!promotion) return { outcome: 'not_found' };
    const refused = await this.refusedFor('rollback', actor, promotion);
    if (refused) return refused;
    if (!isRollbackable(promotion.status)) return { outcome: 'already', promotion };
    const offered = this.rollbackOffered(promotion);
    if (offered) return this.refuse(actor, 'promotion.rollback', promotion, offered);
    if (promotion.rollbackRequestedBy && !this.rollbackRequestExpired(promotion))
      return { outcome: 'already', promotion };
    const protectedNow = promotion.protected ? { protected: true } : await this.protectedNow(promotion);
    if ('problem' in protectedNow) return { outcome: 'failed', problem: protectedNow.problem, promotion };
    const changed = await this.changedSince(promotion);
    if ('problem' in changed) return { outcome: 'failed', problem: changed.problem, promotion };
    if (changed.list.length > 0)
      return this.refuse(actor, 'promotion.rollback', promotion, 'changed_since', changed.list);
    if (protectedNow.protected && !this.ownedBySingleUser(promotion)) {
      if (promotion.rollbackRequestedBy) await dropRollbackRequest(this.deps.pool, id);
      const asked = await requestRollback(this.deps.pool, id, actor.userId, this.now());
      if (!asked) return { outcome: 'already', promotion: await this.reload(id) };
      await this.audit(actor, 'promotion.rollback.request', promotion.tenantName, 'succeeded', {
        promotion: id,
      });
      return { outcome: 'rollback_requested', promotion: await this.load(asked) };
    }
    return this.startRollback(actor, promotion, hooks);
  }

  /** An approver's yes to a rollback someone else asked for; it runs once enough approvers agree. */
  async approveRollback(actor: Actor, id: string, hooks: RunHooks = {}): Promise<DecisionOutcome> {
    const promotion = await this.find(id);
    if (!promotion) return { outcome: 'not_found' };
    if (!promotion.rollbackRequestedBy || !isRollbackable(promotion.status))
      return { outcome: 'already', promotion };
    const refused = await this.refusedFor('approveRollback', actor, promotion);
    if (refused) return refused;
    if (this.rollbackRequestExpired(promotion)) {
      await dropRollbackRequest(this.deps.pool, id);
      return { outcome: 'expired', promotion: await this.reload(id) };
    }
    // Checked before the approval that would start it: a rollback over someone's later change is refused.
    const changed = await this.changedSince(promotion);
    if ('problem' in changed) return { outcome: 'failed', problem: changed.problem, promotion };
    if (changed.list.length > 0)
      return this.refuse(actor, 'promotion.rollback.approve', promotion, 'changed_since', changed.list);
    const dropped = await this.dropLapsedApprovals(actor, promotion, 'rollbackApprovals');
    const approved = await approveRollback(this.deps.pool, id, actor.userId, {
      required: this.requiredApprovalsFor(promotion),
      owner: this.processId,
      leaseMs: this.deps.settings.lease.leaseMs,
      now: this.now(),
    });
    if (!approved) return { outcome: 'already', promotion: await this.reload(id) };
    await this.audit(actor, 'promotion.rollback.approve', promotion.tenantName, 'succeeded', {
      promotion: id,
      approvals: approved.rollbackApprovals.length,
    });
    if (approved.status !== 'rolling_back') {
      const remaining = this.requiredApprovalsFor(promotion) - approved.rollbackApprovals.length;
      return { outcome: 'approved', promotion: await this.load(approved), remaining, ...dropped };
    }
    return this.rolledBack(promotion, await this.load(approved), hooks);
  }

  /** An approver's no to a rollback asked for (or its asker withdrawing it): nothing is written. */
  async rejectRollback(actor: Actor, id: string): Promise<DecisionOutcome> {
    const promotion = await this.find(id);
    if (!promotion) return { outcome: 'not_found' };
    if (!promotion.rollbackRequestedBy) return { outcome: 'already', promotion };
    const refused = await this.refusedFor('rejectRollback', actor, promotion);
    if (refused) return refused;
    const dropped = await dropRollbackRequest(this.deps.pool, id);
    if (!dropped) return { outcome: 'already', promotion: await this.reload(id) };
    await this.audit(actor, 'promotion.rollback.reject', promotion.tenantName, 'succeeded', {
      promotion: id,
    });
    return { outcome: 'done', promotion: await this.load(dropped) };
  }

  /**
   * Who may approve this promotion (and its rollback): the destination tenant's approvers, read at
   * every decision, so a list changed meanwhile applies to the next click.
   */
  async approversOf(promotion: Pick<Promotion, 'tenantId' | 'toTenantId'>): Promise<readonly string[]> {
    const tenantId = promotion.toTenantId ?? promotion.tenantId;
    return this.deps.approvers ? this.deps.approvers.of(tenantId) : this.deps.access.approverIds();
  }

  /** Whether Rollback is still offered for a promotion, and why not: its window passed, or it wrote nothing. */
  rollbackOffered(promotion: Promotion): Refusal | undefined {
    const ended = promotion.finishedAt?.getTime() ?? promotion.updatedAt.getTime();
    if (this.now().getTime() > ended + this.deps.settings.rollbackWindowMs) return 'too_late';
    // Something to undo: a write that was made, or may have been (started, outcome unknown).
    const wrote = promotion.steps.some(
      (step) => !readOnlySteps.includes(step.action) && step.status !== 'failed',
    );
    const undoable =
      promotion.plan.policy?.action === 'update' ||
      (promotion.plan.carried ?? []).some((carried) => carried.policy.action === 'update') ||
      promotion.plan.flows.some((flow) => flow.action === 'update') ||
      promotion.plan.variables.some((v) => v.action === 'create' || v.action === 'update');
    return wrote && undoable ? undefined : 'nothing_to_undo';
  }

  /** What this person can act on now (approve, or run their own), and what they asked for lately. */
  async forPerson(actor: Actor, limit = 10): Promise<{ actionable: Promotion[]; mine: Promotion[] }> {
    const pending = await promotionsInStatus(this.deps.pool, transitions.approve.from, 100);
    // Whether this person approves into each destination tenant, asked once per tenant.
    const approves = new Map<string, Promise<boolean>>();
    const approverFor = (p: (typeof pending)[number]) => {
      const tenantId = p.toTenantId ?? p.tenantId;
      let answer = approves.get(tenantId);
      if (!answer) {
        answer = this.approversOf(p).then((ids) => this.deps.access.isApprover(actor, ids));
        approves.set(tenantId, answer);
      }
      return answer;
    };
    const actionable: typeof pending = [];
    for (const p of pending) {
      if (actionable.length >= limit) break;
      if (p.expiresAt.getTime() <= this.now().getTime()) continue;
      const mayAct = p.protected
        ? p.requestedBy !== actor.userId &&
          !p.approvals.some((a) => a.userId === actor.userId) &&
          (await approverFor(p))
        : p.requestedBy === actor.userId;
      if (mayAct) actionable.push(p);
    }
    const mine = await recentPromotions(this.deps.pool, limit, actor.userId);
    return {
      actionable: await Promise.all(actionable.map((record) => this.load(record))),
      mine: await Promise.all(mine.map((record) => this.load(record))),
    };
  }

  async list(which: 'pending' | 'recent', limit = 20): Promise<Promotion[]> {
    const records =
      which === 'pending'
        ? await promotionsInStatus(this.deps.pool, openStatuses, limit)
        : await recentPromotions(this.deps.pool, limit);
    return Promise.all(records.map((record) => this.load(record)));
  }

  /**
   * Expires pending promotions whose time ran out, and marks as interrupted the runs whose process
   * stopped (their lease ran out). Safe on every replica at once: each is a conditional UPDATE.
   */
  async sweep(): Promise<void> {
    for (const record of await expirePromotions(this.deps.pool, this.now()))
      await this.notify(await this.load(record));
    await forgetOldDeliveries(this.deps.pool);
    await forgetStalePersonSlots(this.deps.pool);
    const stopped = await interruptStoppedRuns(
      this.deps.pool,
      'The process running it stopped before it finished. Check the steps below; nothing is re-run on its own.',
      this.now(),
    );
    for (const record of stopped) {
      this.deps.logger.warn(
        { promotion: record.id, status: record.status },
        'promotion interrupted: its process stopped',
      );
      await this.notify(await this.load(record));
    }
  }

  /** Runs a run this process has claimed, within a promotion's time. */
  private async started(
    running: Promotion,
    work: (running: Promotion) => Promise<Promotion>,
  ): Promise<DecisionOutcome> {
    return {
      outcome: 'done',
      promotion: await withCallContext({ timeoutMs: promotionWorkMs }, () => work(running)),
    };
  }

  /** Claims a rollback that needs no approvers (unprotected destination) and runs it. */
  private async startRollback(actor: Actor, promotion: Promotion, hooks: RunHooks): Promise<DecisionOutcome> {
    const claimed = await claimRun(this.deps.pool, promotion.id, {
      transition: transitions.rollback,
      owner: this.processId,
      leaseMs: this.deps.settings.lease.leaseMs,
      now: this.now(),
      rolledBackBy: actor.userId,
    });
    if (!claimed) return { outcome: 'already', promotion: await this.reload(promotion.id) };
    await this.audit(actor, 'promotion.rollback', promotion.tenantName, 'succeeded', {
      promotion: promotion.id,
    });
    return this.rolledBack(promotion, await this.load(claimed), hooks);
  }

  /** Runs a claimed rollback; `before` is the promotion as it stood, to return to if it is refused. */
  private async rolledBack(before: Promotion, running: Promotion, hooks: RunHooks): Promise<DecisionOutcome> {
    const { promotion, refused } = await withCallContext({ timeoutMs: promotionWorkMs }, () =>
      this.runner.rollback(running, this.processId, hooks, {
        status: before.status,
        outcome: before.outcome,
      }),
    );
    if (refused) return { outcome: 'refused', reason: 'changed_since', promotion, details: refused };
    return { outcome: 'done', promotion };
  }

  /** Reject and Cancel: one conditional move, audited. */
  private async end(
    actor: Actor,
    promotion: Promotion,
    decision: 'reject' | 'cancel',
  ): Promise<DecisionOutcome> {
    const expired = await this.expireIfDue(promotion);
    if (expired) return expired;
    const decided = await transitionPromotion(this.deps.pool, promotion.id, transitions[decision], {
      decidedBy: actor.userId,
    });
    if (!decided) return { outcome: 'already', promotion: await this.reload(promotion.id) };
    await this.audit(actor, `promotion.${decision}`, promotion.tenantName, 'succeeded', {
      promotion: promotion.id,
    });
    return { outcome: 'done', promotion: await this.load(decided) };
  }

  private async expireIfDue(promotion: Promotion): Promise<DecisionOutcome | undefined> {
    if (promotion.status !== 'pending' || promotion.expiresAt.getTime() > this.now().getTime())
      return undefined;
    const expired = await transitionPromotion(this.deps.pool, promotion.id, transitions.expire);
    return { outcome: expired ? 'expired' : 'already', promotion: await this.reload(promotion.id) };
  }

  private rollbackRequestExpired(promotion: Promotion): boolean {
    const asked = promotion.rollbackRequestedAt?.getTime();
    return asked !== undefined && asked + this.deps.settings.approvalTtlMs <= this.now().getTime();
  }

  private now(): Date {
    return this.deps.clock.now();
  }

  /** Whether the promotion's destination needs an approver now, as PingOne and the settings say today. */
  private async protectedNow(promotion: Promotion): Promise<{ protected: boolean } | { problem: Problem }> {
    const tenant = await this.deps.tenants.findById(promotion.tenantId);
    if (!tenant) return { protected: promotion.protected };
    try {
      const { environments } = await this.deps.environments.list(tenant);
      const destination = environments.find((environment) => environment.id === promotion.toEnvId);
      if (!destination) return { protected: true };
      return { protected: await this.deps.protection.isProtected(destination) };
    } catch (error) {
      const problem = problemOf(error);
      if (!problem) throw error;
      return {
        problem: {
          ...problem,
          message: `FlightIQ could not check whether ${promotion.toEnvName} is protected now, so nothing was done. ${problem.message}`,
        },
      };
    }
  }

  private async changedSince(promotion: Promotion): Promise<{ list: string[] } | { problem: Problem }> {
    try {
      return { list: await this.runner.changedSince(promotion) };
    } catch (error) {
      const problem = problemOf(error);
      if (!problem) throw error;
      return {
        problem: {
          ...problem,
          message: `FlightIQ could not check ${promotion.toEnvName} before rolling back, so nothing was done. ${problem.message}`,
        },
      };
    }
  }

  /**
   * When the approval being given would reach the count, re-checks everyone who approved before: an
   * approval given by someone who has since lost the approver role (or became a guest, or left) no
   * longer counts, so it is taken out before this one is added, and the removal is audited.
   */
  private async dropLapsedApprovals(
    actor: Actor,
    promotion: Promotion,
    which: 'approvals' | 'rollbackApprovals',
  ): Promise<{ dropped?: string[] }> {
    const earlier = promotion[which];
    if (earlier.length + 1 < this.requiredApprovalsFor(promotion)) return {};
    const lapsed: string[] = [];
    const approvers = await this.approversOf(promotion);
    for (const approval of earlier) {
      const still = await this.deps.access.isApprover(
        { userId: approval.userId, teamId: actor.teamId },
        approvers,
      );
      if (!still) lapsed.push(approval.userId);
    }
    if (lapsed.length === 0) return {};
    const dropped = await dropApprovals(this.deps.pool, promotion.id, lapsed, which);
    if (!dropped) return {};
    await this.audit(
      actor,
      which === 'approvals' ? 'promotion.approval_dropped' : 'promotion.rollback.approval_dropped',
      promotion.tenantName,
      'succeeded',
      { promotion: promotion.id, approvers: lapsed, reason: 'no longer an approver' },
    );
    return { dropped: lapsed };
  }

  /**
   * The refusal table's answer for this person at this click (state.ts), audited and returned as the
   * outcome; undefined when they may decide.
   */
  private async refusedFor(
    decision: Decision,
    actor: Actor,
    promotion: Promotion,
  ): Promise<DecisionOutcome | undefined> {
    const refusal = refusalOf(decision, await this.factsOf(actor, promotion));
    return refusal ? this.refuse(actor, decisionAuditActions[decision], promotion, refusal) : undefined;
  }

  /** What is true of the person deciding, as the workspace and the configuration say now. */
  private async factsOf(actor: Actor, promotion: Promotion): Promise<DeciderFacts> {
    const { access } = this.deps;
    // One after the other: the first fills the directory cache the others read.
    const approver = await access.isApprover(actor, await this.approversOf(promotion));
    const admin = await access.isAdmin(actor);
    const canPromote = await access.canPromote(actor);
    return {
      protected: promotion.protected,
      requester: promotion.requestedBy === actor.userId,
      rollbackAsker: promotion.rollbackRequestedBy === actor.userId,
      singleUser: this.ownedBySingleUser(promotion),
      approver,
      admin,
      canPromote,
      approved: promotion.approvals.some((approval) => approval.userId === actor.userId),
      approvedRollback: promotion.rollbackApprovals.some((approval) => approval.userId === actor.userId),
    };
  }

  private async refuse(
    actor: Actor,
    action: string,
    promotion: Promotion,
    reason: Refusal,
    details?: string[],
  ): Promise<DecisionOutcome> {
    await this.audit(actor, action, promotion.tenantName, 'refused', { promotion: promotion.id, reason });
    return { outcome: 'refused', reason, promotion, ...(details ? { details } : {}) };
  }

  private async reload(id: string): Promise<Promotion> {
    const record = await findPromotion(this.deps.pool, id);
    if (!record) throw new Error(`promotion ${id} disappeared`);
    return this.load(record);
  }

  private async load(record: PromotionRecord): Promise<Promotion> {
    const loaded = {
      ...record,
      plan: record.plan as PromotionPlan,
      result: (record.result as PromotionResult | null) ?? null,
      steps: await stepsOf(this.deps.pool, record.id),
      requiredApprovals: this.requiredApprovalsFor(record),
      rollbackUntil: null,
    };
    const ended = loaded.finishedAt ?? loaded.updatedAt;
    const offered = isRollbackable(loaded.status) && !this.rollbackOffered(loaded);
    return { ...loaded, rollbackUntil: offered ? new Date(ended.getTime() + this.rollbackWindowMs) : null };
  }

  private async notify(promotion: Promotion): Promise<void> {
    try {
      await this.deps.notifier?.changed(promotion);
    } catch (error) {
      this.deps.logger.warn(
        { err: error, promotion: promotion.id },
        'could not update the promotion message',
      );
    }
  }

  private async audit(
    actor: Actor,
    action: string,
    tenant: string | undefined,
    outcome: 'succeeded' | 'refused' | 'failed',
    details: Record<string, unknown>,
  ): Promise<void> {
    await recordAuditEvent(this.deps.pool, {
      actorId: actor.userId,
      teamId: actor.teamId,
      action,
      tenant,
      outcome,
      details,
    });
  }
}

function isPolicyChain(value: unknown): value is PolicyChain {
  return typeof value === 'object' && value !== null && 'applications' in value && 'environment' in value;
}

function isRollbackable(status: PromotionStatus): boolean {
  return (rollbackableStatuses as readonly PromotionStatus[]).includes(status);
}

function ref(environment: EnvironmentSummary): EnvironmentRef {
  return { id: environment.id, name: environment.name, type: environment.type };
}

export type { PromotionPlan };
