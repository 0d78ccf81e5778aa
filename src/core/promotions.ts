import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Logger } from '../logger.js';
import type { PingOneClient, WorkerCredentials } from '../pingone/client.js';
import { recordAuditEvent } from '../store/audit-events.js';
import {
  backupsOf,
  expirePromotions,
  findPromotion,
  finishStep,
  insertPromotion,
  type PromotionRecord,
  type PromotionStatus,
  type PromotionStep,
  promotionsInStatus,
  recentPromotions,
  saveBackup,
  saveVariableChange,
  setPromotionMessage,
  startStep,
  stepsOf,
  transitionPromotion,
  tryLockPromotion,
  unlockPromotion,
  variableChangesOf,
} from '../store/promotions.js';
import { forgetOldDeliveries } from '../store/slack-deliveries.js';
import type { AccessPolicy, Actor } from './access.js';
import { type Problem, problemOf } from './credential-check.js';
import type { CredentialMonitor } from './credential-monitor.js';
import { variableRequest } from './davinci-variables.js';
import { DestinationWriter, type Written } from './destination-writes.js';
import { type EnvironmentMatch, matchEnvironment } from './environment-match.js';
import type { EnvironmentDirectory, EnvironmentSummary } from './environments.js';
import { promotionWorkMs, withCallContext } from './pingone-work.js';
import {
  type ComputedPlan,
  type EnvironmentRef,
  type FlowDefinition,
  type FlowLookup,
  type PlannedVariable,
  type PlanOptions,
  type PromotionPlan,
  PromotionPlanner,
  rewrittenDefinition,
  variableKey,
} from './promotion-plan.js';
import type { Tenant, TenantService } from './tenants.js';

export interface Promotion extends Omit<PromotionRecord, 'plan' | 'result'> {
  plan: PromotionPlan;
  result: PromotionResult | null;
  steps: PromotionStep[];
}

export interface PromotionResult {
  flows: {
    name: string;
    action: 'created' | 'updated' | 'restored';
    destinationId: string;
    version: number | null;
    deployedVersion: number | null;
  }[];
  /** Variables written: created or updated by the promotion, removed or restored by its rollback. */
  variables?: {
    name: string;
    context: string;
    /** For flow variables: the flow they belong to. */
    flowName?: string;
    action: 'created' | 'updated' | 'removed' | 'restored';
    destinationId: string;
  }[];
  /** Flows a rollback leaves in place (they did not exist before the promotion). */
  leftInPlace?: string[];
}

export interface PromotionSettings {
  approvalTtlMs: number;
  /** Lower-cased environment names and IDs that need approval besides PRODUCTION ones. */
  protectedEnvironments: readonly string[];
  approvalChannel: string | undefined;
  /**
   * A single-user setup (the local console): the one person approves in place, no channel is needed,
   * and approving one's own request is allowed (and audited as such), since nobody else could.
   */
  singleUser?: boolean;
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
}

export type RequestOutcome =
  | { outcome: 'refused' }
  | {
      outcome: 'environment_not_matched';
      which: 'from' | 'to';
      match: Extract<EnvironmentMatch, { ok: false }>;
    }
  | { outcome: 'same_environment'; environment: EnvironmentSummary }
  | {
      outcome: 'flow_not_found';
      lookup: Extract<FlowLookup, { ok: false }>;
      asked: string;
      environment: EnvironmentSummary;
    }
  | { outcome: 'no_approval_channel'; environment: EnvironmentSummary }
  | { outcome: 'failed'; problem: Problem }
  | { outcome: 'planned'; promotion: Promotion };

export type Refusal = 'not_approver' | 'own_request' | 'not_requester' | 'not_allowed';

export type DecisionOutcome =
  | { outcome: 'not_found' }
  | { outcome: 'refused'; reason: Refusal; promotion: Promotion }
  /** Someone else (or an earlier click) already moved it on; nothing was done now. */
  | { outcome: 'already'; promotion: Promotion }
  | { outcome: 'expired'; promotion: Promotion }
  | { outcome: 'done'; promotion: Promotion };

export interface ExecutionHooks {
  /** Called once the promotion is claimed, before the first write: to show "running" at once. */
  started?: (promotion: Promotion) => Promise<void>;
}

/**
 * Promotions, DESIGN §6: plan → (approval) → execute → result, each step persisted. Every move of a
 * promotion is one conditional UPDATE, and whoever executes holds a session advisory lock on it for
 * the whole run, so a promotion runs once whatever the clicks, retries or replicas, and a run whose
 * process died is recognised (its lock is gone) and shown as interrupted, never re-run.
 */
export class PromotionService {
  private readonly planner: PromotionPlanner;

  constructor(
    private readonly deps: {
      pool: pg.Pool;
      pingone: PingOneClient;
      tenants: TenantService;
      environments: EnvironmentDirectory;
      access: AccessPolicy;
      settings: PromotionSettings;
      logger: Logger;
      notifier?: PromotionNotifier;
      monitor?: Pick<CredentialMonitor, 'observe'>;
    },
  ) {
    this.planner = new PromotionPlanner(deps.pingone);
  }

  set notifier(notifier: PromotionNotifier) {
    this.deps.notifier = notifier;
  }

  get approvalChannel(): string | undefined {
    return this.deps.settings.approvalChannel;
  }

  async request(actor: Actor, request: PromotionRequest): Promise<RequestOutcome> {
    if (!(await this.deps.access.canPromote(actor))) {
      await this.audit(actor, 'promotion.request', request.tenant.name, 'refused', {
        flow: request.flow,
        reason: 'not an operator',
      });
      return { outcome: 'refused' };
    }
    const credentials = this.deps.tenants.credentialsOf(request.tenant);
    try {
      const { environments } = await this.deps.environments.list(request.tenant);
      const from = matchEnvironment(environments, request.from);
      if (!from.ok) return { outcome: 'environment_not_matched', which: 'from', match: from };
      const to = matchEnvironment(environments, request.to);
      if (!to.ok) return { outcome: 'environment_not_matched', which: 'to', match: to };
      if (from.environment.id === to.environment.id)
        return { outcome: 'same_environment', environment: to.environment };
      const isProtected = this.isProtected(to.environment);
      if (isProtected && !this.deps.settings.approvalChannel && !this.deps.settings.singleUser) {
        return { outcome: 'no_approval_channel', environment: to.environment };
      }
      const source = ref(from.environment);
      const lookup = await this.planner.findFlow(credentials, source, request.flow);
      if (!lookup.ok)
        return { outcome: 'flow_not_found', lookup, asked: request.flow, environment: from.environment };
      const computed = await this.planner.plan(
        credentials,
        source,
        ref(to.environment),
        lookup.flow.id,
        request.options,
        lookup.flows,
      );
      const record = await insertPromotion(this.deps.pool, {
        id: randomUUID(),
        tenantId: request.tenant.id,
        tenantName: request.tenant.name,
        requestedBy: actor.userId,
        teamId: actor.teamId ?? null,
        flowName: lookup.flow.name,
        fromEnvId: from.environment.id,
        fromEnvName: from.environment.name,
        toEnvId: to.environment.id,
        toEnvName: to.environment.name,
        options: request.options,
        protected: isProtected,
        plan: computed.plan,
        fingerprint: computed.plan.fingerprint,
        status: computed.plan.blockers.length > 0 ? 'blocked' : 'pending',
        expiresAt: new Date(Date.now() + this.deps.settings.approvalTtlMs),
      });
      await this.audit(actor, 'promotion.request', request.tenant.name, 'succeeded', {
        promotion: record.id,
        flow: record.flowName,
        from: record.fromEnvName,
        to: record.toEnvName,
        blockers: computed.plan.blockers.length,
      });
      return { outcome: 'planned', promotion: await this.load(record) };
    } catch (error) {
      const problem = problemOf(error);
      if (!problem) throw error;
      await this.deps.monitor?.observe(request.tenant, problem);
      return { outcome: 'failed', problem };
    }
  }

  async attachMessage(id: string, channelId: string, ts: string): Promise<void> {
    await setPromotionMessage(this.deps.pool, id, channelId, ts);
  }

  async find(id: string): Promise<Promotion | null> {
    const record = await findPromotion(this.deps.pool, id);
    return record ? this.load(record) : null;
  }

  /** Approve (protected destinations): an approver other than the requester; then it runs. */
  async approve(actor: Actor, id: string, hooks: ExecutionHooks = {}): Promise<DecisionOutcome> {
    return this.decide(
      actor,
      id,
      'approve',
      async (promotion) => {
        if (!promotion.protected) return 'not_allowed';
        if (promotion.requestedBy === actor.userId && !this.deps.settings.singleUser) return 'own_request';
        return (await this.deps.access.isApprover(actor)) ? undefined : 'not_approver';
      },
      hooks,
    );
  }

  /** Run (unprotected destinations): only the requester. */
  async run(actor: Actor, id: string, hooks: ExecutionHooks = {}): Promise<DecisionOutcome> {
    return this.decide(
      actor,
      id,
      'run',
      async (promotion) => {
        if (promotion.protected) return 'not_allowed';
        if (promotion.requestedBy !== actor.userId) return 'not_requester';
        return (await this.deps.access.canPromote(actor)) ? undefined : 'not_allowed';
      },
      hooks,
    );
  }

  async reject(actor: Actor, id: string): Promise<DecisionOutcome> {
    return this.decide(actor, id, 'reject', async (promotion) => {
      if (!promotion.protected) return 'not_allowed';
      // The requester may withdraw (Cancel); rejecting is an approver's decision on someone else's request.
      if (promotion.requestedBy === actor.userId) return 'own_request';
      return (await this.deps.access.isApprover(actor)) ? undefined : 'not_approver';
    });
  }

  async cancel(actor: Actor, id: string): Promise<DecisionOutcome> {
    return this.decide(actor, id, 'cancel', async (promotion) =>
      promotion.requestedBy === actor.userId ? undefined : 'not_requester',
    );
  }

  /** Restores the backups of a run (and deploys them). Approvers only for protected destinations. */
  async rollback(actor: Actor, id: string, hooks: ExecutionHooks = {}): Promise<DecisionOutcome> {
    const record = await findPromotion(this.deps.pool, id);
    if (!record) return { outcome: 'not_found' };
    const promotion = await this.load(record);
    const allowed = promotion.protected
      ? await this.deps.access.isApprover(actor)
      : promotion.requestedBy === actor.userId ||
        (await this.deps.access.isApprover(actor)) ||
        (await this.deps.access.isAdmin(actor));
    if (!allowed) {
      await this.audit(actor, 'promotion.rollback', record.tenantName, 'refused', { promotion: id });
      return {
        outcome: 'refused',
        reason: promotion.protected ? 'not_approver' : 'not_requester',
        promotion,
      };
    }
    return this.withLock(id, async () => {
      const claimed = await transitionPromotion(
        this.deps.pool,
        id,
        ['succeeded', 'failed', 'interrupted'],
        'rolling_back',
        {
          rolledBackBy: actor.userId,
        },
      );
      if (!claimed) return { outcome: 'already', promotion: await this.reload(id) };
      await this.audit(actor, 'promotion.rollback', record.tenantName, 'succeeded', { promotion: id });
      const running = await this.load(claimed);
      await hooks.started?.(running);
      return {
        outcome: 'done',
        promotion: await withCallContext({ timeoutMs: promotionWorkMs }, () => this.restore(running)),
      };
    });
  }

  /** What this person can act on now (approve, or run their own), and what they asked for lately. */
  async forPerson(actor: Actor, limit = 10): Promise<{ actionable: Promotion[]; mine: Promotion[] }> {
    const approver = await this.deps.access.isApprover(actor);
    const pending = await promotionsInStatus(this.deps.pool, ['pending'], 100);
    const actionable = pending
      .filter((p) => p.expiresAt.getTime() > Date.now())
      .filter((p) =>
        p.protected ? approver && p.requestedBy !== actor.userId : p.requestedBy === actor.userId,
      )
      .slice(0, limit);
    const mine = await recentPromotions(this.deps.pool, limit, actor.userId);
    return {
      actionable: await Promise.all(actionable.map((record) => this.load(record))),
      mine: await Promise.all(mine.map((record) => this.load(record))),
    };
  }

  async list(which: 'pending' | 'recent', limit = 20): Promise<Promotion[]> {
    const records =
      which === 'pending'
        ? await promotionsInStatus(this.deps.pool, ['pending', 'blocked', 'running', 'rolling_back'], limit)
        : await recentPromotions(this.deps.pool, limit);
    return Promise.all(records.map((record) => this.load(record)));
  }

  /**
   * Expires pending promotions whose time ran out, and marks as interrupted the runs nobody holds any
   * more (their process died). `live` is false for the embedded database, whose connections share one
   * session and so cannot see each other's locks: there only a start-up sweep is meaningful.
   */
  async sweep({ interrupted = true } = {}): Promise<void> {
    for (const record of await expirePromotions(this.deps.pool)) await this.notify(await this.load(record));
    await forgetOldDeliveries(this.deps.pool);
    if (!interrupted) return;
    for (const record of await promotionsInStatus(this.deps.pool, ['running', 'rolling_back'], 100)) {
      await this.withLock(record.id, async (client) => {
        const to: PromotionStatus = record.status === 'running' ? 'interrupted' : 'rollback_failed';
        const marked = await transitionPromotion(client, record.id, [record.status], to, {
          outcome:
            'The process running it stopped before it finished. Check the steps below; nothing is re-run on its own.',
        });
        if (marked) {
          this.deps.logger.warn(
            { promotion: record.id, status: to },
            'promotion interrupted: its process stopped',
          );
          await this.notify(await this.load(marked));
        }
        return { outcome: 'not_found' };
      });
    }
  }

  private isProtected(environment: EnvironmentSummary): boolean {
    const listed = this.deps.settings.protectedEnvironments;
    return (
      environment.type === 'PRODUCTION' ||
      listed.includes(environment.id.toLowerCase()) ||
      listed.includes(environment.name.toLowerCase())
    );
  }

  private async decide(
    actor: Actor,
    id: string,
    decision: 'approve' | 'run' | 'reject' | 'cancel',
    refusal: (promotion: Promotion) => Promise<Refusal | undefined>,
    hooks: ExecutionHooks = {},
  ): Promise<DecisionOutcome> {
    const record = await findPromotion(this.deps.pool, id);
    if (!record) return { outcome: 'not_found' };
    const promotion = await this.load(record);
    const refused = await refusal(promotion);
    const action = `promotion.${decision}`;
    if (refused) {
      await this.audit(actor, action, record.tenantName, 'refused', { promotion: id, reason: refused });
      return { outcome: 'refused', reason: refused, promotion };
    }
    if (record.status === 'pending' && record.expiresAt.getTime() <= Date.now()) {
      const expired = await transitionPromotion(this.deps.pool, id, ['pending'], 'expired');
      return { outcome: expired ? 'expired' : 'already', promotion: await this.reload(id) };
    }
    if (decision === 'reject' || decision === 'cancel') {
      const to = decision === 'reject' ? 'rejected' : 'cancelled';
      const from: PromotionStatus[] = decision === 'cancel' ? ['pending', 'blocked'] : ['pending'];
      const decided = await transitionPromotion(this.deps.pool, id, from, to, { decidedBy: actor.userId });
      if (!decided) return { outcome: 'already', promotion: await this.reload(id) };
      await this.audit(actor, action, record.tenantName, 'succeeded', { promotion: id });
      return { outcome: 'done', promotion: await this.load(decided) };
    }
    return this.withLock(id, async () => {
      const claimed = await transitionPromotion(
        this.deps.pool,
        id,
        ['pending'],
        'running',
        { decidedBy: actor.userId },
        { unexpiredOnly: true },
      );
      if (!claimed) return { outcome: 'already', promotion: await this.reload(id) };
      await this.audit(actor, action, record.tenantName, 'succeeded', { promotion: id });
      const running = await this.load(claimed);
      await hooks.started?.(running);
      return {
        outcome: 'done',
        promotion: await withCallContext({ timeoutMs: promotionWorkMs }, () => this.execute(running)),
      };
    });
  }

  /**
   * Runs `work` holding the promotion's advisory lock on a connection of its own, which `work` uses for
   * its claim. When another session holds the lock, or `work` claims nothing (null), the promotion is
   * reported as it stands, read after the connection is released: never hold one connection while
   * waiting for a second, or a burst of clicks empties the pool.
   */
  private async withLock(
    id: string,
    work: (client: pg.PoolClient) => Promise<DecisionOutcome | null>,
  ): Promise<DecisionOutcome> {
    const client = await this.deps.pool.connect();
    let outcome: DecisionOutcome | null = null;
    try {
      if (await tryLockPromotion(client, id)) {
        try {
          outcome = await work(client);
        } finally {
          await unlockPromotion(client, id);
        }
      }
    } finally {
      client.release();
    }
    return outcome ?? { outcome: 'already', promotion: await this.reload(id) };
  }

  private async execute(promotion: Promotion): Promise<Promotion> {
    const tenant = await this.deps.tenants.findById(promotion.tenantId);
    if (!tenant) return this.finish(promotion, 'failed', 'The tenant was removed after the request.', null);
    const credentials = this.deps.tenants.credentialsOf(tenant);
    const main = promotion.plan.flows.find((flow) => flow.role === 'main');
    let fresh: ComputedPlan;
    try {
      fresh = await this.planner.plan(
        credentials,
        promotion.plan.from,
        promotion.plan.to,
        main?.sourceId ?? '',
        promotion.options,
      );
    } catch (error) {
      return this.finish(promotion, 'failed', `Could not check the plan again: ${messageOf(error)}`, null);
    }
    if (fresh.plan.fingerprint !== promotion.fingerprint) {
      return this.finish(
        promotion,
        'failed',
        'The source or the destination changed since this plan was made; nothing was written. Request the promotion again.',
        null,
      );
    }

    const { pool } = this.deps;
    const writer = new DestinationWriter(this.deps.pingone, credentials, promotion.toEnvId);
    const result: PromotionResult = { flows: [], variables: [] };
    const variables = result.variables ?? [];
    const step = <T>(
      action: string,
      subject: string,
      destinationId: string | null,
      write: () => Promise<Written<T>>,
    ) => this.step(promotion.id, { action, subject, destinationId }, write);
    try {
      // Backups first: nothing is written unless every flow it overwrites can be put back.
      for (const entry of fresh.plan.flows.filter((flow) => flow.action === 'update' && flow.destinationId)) {
        const flowId = entry.destinationId ?? '';
        const version = entry.destinationVersions?.current ?? 1;
        await step('backup', entry.destinationName, flowId, async () => {
          const definition = await writer.backup(flowId, version, entry.destinationName);
          await saveBackup(pool, promotion.id, { flowId, flowName: definition.name, version, definition });
          return { value: { version }, readBack: false };
        });
      }

      // Variables of the environment the flows need, before the flows that read them.
      for (const planned of toWrite(fresh.plan.variables, (v) => v.context !== 'flow')) {
        const source = fresh.variables.get(variableKey(planned))?.source;
        if (!source) continue;
        const { value } = await step('create variable', variableLabel(planned), null, () =>
          writer.createVariable(variableRequest(source)),
        );
        await saveVariableChange(pool, promotion.id, {
          variableId: value.id,
          name: planned.name,
          context: planned.context,
          flowId: null,
          change: 'created',
          before: null,
        });
        variables.push({
          name: planned.name,
          context: planned.context,
          action: 'created',
          destinationId: value.id,
        });
      }

      const flows = new Map<string, { id: string; name: string }>();
      for (const entry of fresh.plan.flows) {
        if (entry.destinationId)
          flows.set(entry.sourceId, { id: entry.destinationId, name: entry.destinationName });
      }
      const existing = new Set([...flows.values()].map((flow) => flow.id));
      const written: { name: string; id: string; action: 'created' | 'updated'; version: number | null }[] =
        [];
      for (const entry of fresh.plan.flows) {
        if (entry.action === 'unchanged') continue;
        const source = fresh.definitions.get(entry.sourceId);
        if (!source) throw new Error(`no definition for ${entry.name}`);
        const body = {
          ...rewrittenDefinition(source, { flows, ...fresh.maps }),
          name: entry.destinationName,
        };
        const creating = entry.action === 'create';
        const { value } = await step(
          creating ? 'create' : 'update',
          entry.destinationName,
          entry.destinationId,
          async () => {
            if (creating) return writer.createFlow(body, existing);
            const replaced = await writer.replaceFlow(entry.destinationId ?? '', body);
            return { ...replaced, value: { id: entry.destinationId ?? '', ...replaced.value } };
          },
        );
        flows.set(entry.sourceId, { id: value.id, name: entry.destinationName });
        written.push({
          name: entry.destinationName,
          id: value.id,
          action: creating ? 'created' : 'updated',
          version: value.version,
        });
      }

      // Flow variables belong to the destination's flow, so they follow it.
      for (const planned of toWrite(fresh.plan.variables, (v) => v.context === 'flow')) {
        const pair = fresh.variables.get(variableKey(planned));
        const flow = planned.flow ? flows.get(planned.flow.sourceId) : undefined;
        if (!pair?.source || !flow) continue;
        if (planned.action === 'create') {
          const { value } = await step('create variable', variableLabel(planned), null, () =>
            writer.createVariable(
              variableRequest(pair.source as NonNullable<typeof pair.source>, { flowId: flow.id }),
            ),
          );
          await saveVariableChange(pool, promotion.id, {
            variableId: value.id,
            name: planned.name,
            context: 'flow',
            flowId: flow.id,
            change: 'created',
            before: null,
          });
          variables.push({
            name: planned.name,
            context: 'flow',
            flowName: flow.name,
            action: 'created',
            destinationId: value.id,
          });
        } else if (pair.destination?.id) {
          const before = pair.destination;
          const variableId = before.id ?? '';
          // Values are per environment: the destination keeps its own.
          await step('update variable', variableLabel(planned), variableId, () =>
            writer.replaceVariable(
              variableId,
              variableRequest(pair.source as NonNullable<typeof pair.source>, {
                flowId: flow.id,
                value: before.value,
              }),
            ),
          );
          await saveVariableChange(pool, promotion.id, {
            variableId,
            name: planned.name,
            context: 'flow',
            flowId: flow.id,
            change: 'updated',
            before: variableRequest(before, { flowId: flow.id }),
          });
          variables.push({
            name: planned.name,
            context: 'flow',
            flowName: flow.name,
            action: 'updated',
            destinationId: variableId,
          });
        }
      }

      for (const flow of written) {
        const deployed = await this.deploy(writer, promotion.id, flow);
        result.flows.push({
          name: flow.name,
          action: flow.action,
          destinationId: flow.id,
          version: flow.version,
          deployedVersion: deployed.version,
        });
      }
    } catch (error) {
      return this.finish(promotion, 'failed', `Stopped: ${messageOf(error)}`, result);
    }
    const changed = result.flows.length + variables.length;
    const parts = [
      result.flows.length > 0 ? `${result.flows.length} flow(s) written and deployed` : '',
      variables.length > 0 ? `${variables.length} variable(s) created or updated` : '',
    ].filter(Boolean);
    return this.finish(
      promotion,
      'succeeded',
      changed === 0 ? 'Nothing to change: the destination already matches.' : `${parts.join('; ')}.`,
      result,
    );
  }

  /**
   * Undoes what a promotion wrote: flows back to their backups (and deployed), variables it changed
   * back to what they were, variables it created removed. Flows it created stay, with their variables.
   */
  private async restore(promotion: Promotion): Promise<Promotion> {
    const tenant = await this.deps.tenants.findById(promotion.tenantId);
    const backups = await backupsOf(this.deps.pool, promotion.id);
    const createdFlows = (promotion.result?.flows ?? []).filter((flow) => flow.action === 'created');
    const result: PromotionResult = {
      flows: [],
      variables: [],
      leftInPlace: createdFlows.map((flow) => flow.name),
    };
    const variables = result.variables ?? [];
    if (!tenant)
      return this.finish(
        promotion,
        'rollback_failed',
        'The tenant was removed; nothing was restored.',
        result,
      );
    const credentials = this.deps.tenants.credentialsOf(tenant);
    const writer = new DestinationWriter(this.deps.pingone, credentials, promotion.toEnvId);
    const keptWith = new Set(createdFlows.map((flow) => flow.destinationId));
    const flowNames = new Map([
      ...promotion.plan.flows.flatMap((flow) =>
        flow.destinationId ? [[flow.destinationId, flow.destinationName] as const] : [],
      ),
      ...(promotion.result?.flows ?? []).map((flow) => [flow.destinationId, flow.name] as const),
    ]);
    try {
      for (const backup of backups) {
        const { value } = await this.step(
          promotion.id,
          { action: 'restore', subject: backup.flowName, destinationId: backup.flowId },
          () => writer.replaceFlow(backup.flowId, backup.definition as FlowDefinition),
        );
        const deployed = await this.deploy(writer, promotion.id, {
          id: backup.flowId,
          name: backup.flowName,
        });
        result.flows.push({
          name: backup.flowName,
          action: 'restored',
          destinationId: backup.flowId,
          version: value.version,
          deployedVersion: deployed.version,
        });
      }
      for (const change of (await variableChangesOf(this.deps.pool, promotion.id)).reverse()) {
        if (change.flowId && keptWith.has(change.flowId)) continue;
        const flowName = change.flowId ? flowNames.get(change.flowId) : undefined;
        const subject = `${change.name} (${change.context === 'flow' ? `flow variable of ${flowName ?? 'its flow'}` : change.context})`;
        if (change.change === 'created') {
          await this.step(
            promotion.id,
            { action: 'remove variable', subject, destinationId: change.variableId },
            () => writer.deleteVariable(change.variableId),
          );
        } else if (change.before) {
          const before = change.before;
          await this.step(
            promotion.id,
            { action: 'restore variable', subject, destinationId: change.variableId },
            () => writer.replaceVariable(change.variableId, before),
          );
        }
        variables.push({
          name: change.name,
          context: change.context,
          ...(flowName ? { flowName } : {}),
          action: change.change === 'created' ? 'removed' : 'restored',
          destinationId: change.variableId,
        });
      }
    } catch (error) {
      return this.finish(promotion, 'rollback_failed', `Rollback stopped: ${messageOf(error)}`, result);
    }
    const parts = [
      `${result.flows.length} flow(s) restored to their backed-up version and deployed`,
      variables.length > 0 ? `${variables.length} variable(s) removed or restored` : '',
    ].filter(Boolean);
    return this.finish(promotion, 'rolled_back', `${parts.join('; ')}.`, result);
  }

  /** Deploys a destination flow (its current version becomes the published one), as a recorded step. */
  private async deploy(
    writer: DestinationWriter,
    promotionId: string,
    flow: { id: string; name: string },
  ): Promise<{ version: number | null }> {
    const { value } = await this.step(
      promotionId,
      { action: 'deploy', subject: flow.name, destinationId: flow.id },
      () => writer.deploy(flow.id),
    );
    return value;
  }

  /**
   * Records a write as started before sending it and done (or failed) after, so a crash shows where it
   * stopped; a write PingOne answered too late but read back as made is done, and says so.
   */
  private async step<T>(
    promotionId: string,
    step: { action: string; subject: string; destinationId?: string | null },
    write: () => Promise<Written<T>>,
  ): Promise<Written<T>> {
    const stepId = await startStep(this.deps.pool, promotionId, step);
    try {
      const outcome = await write();
      const value = (outcome.value ?? {}) as { id?: unknown; version?: unknown };
      await finishStep(this.deps.pool, stepId, {
        status: 'done',
        destinationId: typeof value.id === 'string' ? value.id : null,
        version: typeof value.version === 'number' ? value.version : null,
        ...(outcome.readBack
          ? { detail: 'PingOne answered too late; reading back showed the change was made' }
          : {}),
      });
      return outcome;
    } catch (error) {
      this.deps.logger.error(
        { err: error, promotion: promotionId, step: step.action },
        'promotion step failed',
      );
      await finishStep(this.deps.pool, stepId, { status: 'failed', detail: messageOf(error).slice(0, 500) });
      throw error;
    }
  }

  private async finish(
    promotion: Promotion,
    status: 'succeeded' | 'failed' | 'rolled_back' | 'rollback_failed',
    outcome: string,
    result: PromotionResult | null,
  ): Promise<Promotion> {
    const from: PromotionStatus = status === 'succeeded' || status === 'failed' ? 'running' : 'rolling_back';
    const changes = result ? { outcome, result } : { outcome };
    const finished = await transitionPromotion(this.deps.pool, promotion.id, [from], status, changes);
    if (!finished)
      this.deps.logger.warn({ promotion: promotion.id, status }, 'promotion moved on while it ran');
    return this.reload(promotion.id);
  }

  private async reload(id: string): Promise<Promotion> {
    const record = await findPromotion(this.deps.pool, id);
    if (!record) throw new Error(`promotion ${id} disappeared`);
    return this.load(record);
  }

  private async load(record: PromotionRecord): Promise<Promotion> {
    return {
      ...record,
      plan: record.plan as PromotionPlan,
      result: (record.result as PromotionResult | null) ?? null,
      steps: await stepsOf(this.deps.pool, record.id),
    };
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
    tenant: string,
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

/** The variables a plan writes (created or updated), of the contexts `which` picks. */
function toWrite(
  variables: PlannedVariable[],
  which: (variable: PlannedVariable) => boolean,
): PlannedVariable[] {
  return variables.filter((v) => which(v) && (v.action === 'create' || v.action === 'update'));
}

function variableLabel(variable: PlannedVariable): string {
  return variable.context === 'flow'
    ? `${variable.name} (flow variable of ${variable.flow?.name ?? 'its flow'})`
    : `${variable.name} (${variable.context})`;
}

function ref(environment: EnvironmentSummary): EnvironmentRef {
  return { id: environment.id, name: environment.name, type: environment.type };
}

/** What to tell people about a failure: PingOne's cause, or (for our own bugs) only that it is logged. */
function messageOf(error: unknown): string {
  return problemOf(error)?.message ?? 'an unexpected error in FlightIQ (the log has the details)';
}

export type { PromotionPlan, PromotionStatus, PromotionStep, WorkerCredentials };
