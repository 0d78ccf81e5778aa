import type pg from 'pg';
import type { Logger } from '../../logger.js';
import { currentCallContext } from '../../pingone/call-context.js';
import type { PingOneClient, WorkerCredentials } from '../../pingone/client.js';
import { davinciPaths } from '../../pingone/davinci.js';
import { PingOneError } from '../../pingone/errors.js';
import {
  backupsOf,
  finishRun,
  finishStep,
  type PromotionRecord,
  type PromotionStep,
  policyBackupsOf,
  releaseRun,
  renewLease,
  saveBackup,
  saveVariableChange,
  startStep,
  takeDestination,
  variableChangesOf,
  writerOf,
} from '../../store/promotions.js';
import type { Clock } from '../clock.js';
import { diffFlows, type FlowDiff } from '../davinci/flow-diff.js';
import {
  definitionFromResource,
  isSecret,
  sameShape,
  type VariableDefinition,
  variableRequest,
  variableResourceSchema,
} from '../davinci/variables.js';
import type { PolicyChainReader } from '../policies/chain.js';
import { bodyOf, type PolicyPlanOutcome, planPolicy } from '../policies/policy-plan.js';
import { problemOf } from '../problem.js';
import { stableJson } from '../stable-json.js';
import type { TenantService } from '../tenants/service.js';
import { workersOf } from '../tenants/sides.js';
import { DestinationWriter, type Written } from './destination-writes.js';
import { keepingSettings, rewrittenDefinition } from './plan/definition.js';
import type { PromotionPlanner } from './plan/planner.js';
import type { ProfileReader } from './plan/profile.js';
import {
  type ComputedPlan,
  type FlowDefinition,
  type PlannedVariable,
  type PolicyBody,
  type PromotionPlan,
  variableKey,
} from './plan/types.js';
import { type PolicyResult, sameRouting, writePolicy } from './policy-run.js';
import { type DeployedFlow, type ReachabilityVerdict, reachabilityOf } from './reachability.js';
import { type PromotionStatus, type StepAction, type TransitionName, transitions } from './state.js';
import { promotionAlias, rollbackAlias } from './version-alias.js';

/** A promotion as core shows it: the record, its plan and result as types, and its steps. */
export interface Promotion extends Omit<PromotionRecord, 'plan' | 'result'> {
  plan: PromotionPlan;
  result: PromotionResult | null;
  steps: PromotionStep[];
  /** Approvals it (and a rollback of it) needs: FLIGHTIQ_REQUIRED_APPROVALS, where it is protected. */
  requiredApprovals: number;
  /** Until when Rollback is offered; null when it is not (not ended, nothing to undo, window passed). */
  rollbackUntil: Date | null;
}

export interface PromotionResult {
  flows: {
    name: string;
    action: 'created' | 'updated' | 'restored' | 'reverted';
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
  /** Whether the destination's PingOne applications reach what the run deployed; absent in older runs. */
  reachability?: ReachabilityVerdict;
  /** What a flow policy promotion (or its rollback) did to the policy. */
  policy?: PolicyResult;
  /** The policies a flow promotion carried along (`--with-policies`), written after its flows. */
  policies?: PolicyResult[];
}

export interface RunHooks {
  /** Called once the run is claimed, before anything else: to show "running" at once. */
  started?: (promotion: Promotion) => Promise<void>;
  /** Told while the run waits for another promotion to finish writing into the same destination. */
  waiting?: (promotion: Promotion, note: string) => void;
}

/** How long a run's process may go without renewing its lease before it is taken for stopped. */
export interface LeaseSettings {
  leaseMs: number;
  renewMs: number;
}

/** The running process's hold on one promotion; `lost` once the lease was not renewed in time. */
interface Lease {
  owner: string;
  lost: boolean;
  stop(): void;
}

/** Thrown by a step when the run's lease was lost: another replica took it for stopped. */
class LeaseLost extends Error {
  override name = 'LeaseLost';
}

/** How often a run waiting for its destination asks again. */
const turnPollMs = 1_000;

/**
 * Running a claimed promotion and its rollback (docs/design.md, "Running a promotion exactly once"):
 * under a lease the process renews every few seconds, only while no other promotion writes into the
 * same destination, each write recorded as started and done. A run whose lease is taken away stops
 * before its next write.
 */
export class PromotionRunner {
  constructor(
    private readonly deps: {
      pool: pg.Pool;
      pingone: PingOneClient;
      tenants: TenantService;
      planner: PromotionPlanner;
      logger: Logger;
      /** Leases are renewed on a timer and compared in the database's time; the clock dates the end. */
      lease: LeaseSettings;
      clock: Clock;
      /** Reads the destination's flow policies after a run, for the reachability verdict. */
      policies?: Pick<PolicyChainReader, 'linksIn'>;
      /** The pair's mapping profile, read again with the plan: a changed entry changes the fingerprint. */
      profiles?: ProfileReader;
      load: (record: PromotionRecord) => Promise<Promotion>;
      reload: (id: string) => Promise<Promotion>;
    },
  ) {}

  /** Runs a promotion claimed by `owner` to its end: plan again, back up, write, deploy. */
  async execute(promotion: Promotion, owner: string, hooks: RunHooks): Promise<Promotion> {
    return this.held(promotion, owner, 'running', hooks, (lease) => this.write(promotion, lease));
  }

  /**
   * Rolls back a promotion claimed by `owner` for it: what it wrote, put back, once. `before` is how it
   * stood when claimed, to return to if the destination turns out to have changed since (then nothing
   * is written, and `refused` says why).
   */
  async rollback(
    promotion: Promotion,
    owner: string,
    hooks: RunHooks,
    before: { status: PromotionStatus; outcome: string | null },
  ): Promise<{ promotion: Promotion; refused?: string[] }> {
    let refused: string[] | undefined;
    const done = await this.held(promotion, owner, 'rolling_back', hooks, async (lease) => {
      const scope = await this.rollbackScope(promotion).catch((error: unknown) => ({
        problems: [`FlightIQ could not check the destination first: ${messageOf(error)}`],
        flows: new Set<string>(),
      }));
      if (scope.problems.length === 0) return this.restore(promotion, lease, scope.flows);
      refused = scope.problems;
      await releaseRun(this.deps.pool, promotion.id, owner, before.status, before.outcome);
      return this.deps.reload(promotion.id);
    });
    return refused ? { promotion: done, refused } : { promotion: done };
  }

  /**
   * What has changed in the destination since the promotion wrote it, so that rolling back would lose
   * someone's later change (or cannot put a variable back): empty when it is safe to roll back.
   */
  async changedSince(promotion: Promotion): Promise<string[]> {
    return (await this.rollbackScope(promotion)).problems;
  }

  /**
   * What a rollback would put back, and what stops it. Only flows this run wrote are restored: an
   * update done, or started with its outcome unknown (then the destination's version tells: the
   * backup's version means it was never made, the next one means it was made and nothing came after).
   * A flow whose update failed, or that the run never reached, is left alone: its backup is older than
   * whatever the destination holds now, and putting it back would overwrite someone's later change.
   */
  private async rollbackScope(promotion: Promotion): Promise<{ problems: string[]; flows: Set<string> }> {
    const credentials = await this.workersOf(promotion);
    if (!credentials) return { problems: ['The tenant was removed.'], flows: new Set() };
    const where = promotion.toEnvName;
    const problems: string[] = [];
    const flows = new Set<string>();
    const backups = new Map((await backupsOf(this.deps.pool, promotion.id)).map((b) => [b.flowId, b]));
    const written = new Map<string, { name: string; version: number | null; outcome: 'done' | 'unknown' }>();
    for (const step of promotion.steps) {
      if (!['update', 'revert'].includes(step.action) || !step.destinationId || step.status === 'failed')
        continue;
      written.set(step.destinationId, {
        name: step.subject,
        version: step.version,
        outcome: step.status === 'done' ? 'done' : 'unknown',
      });
    }
    for (const [flowId, flow] of written) {
      const current = (await this.deps.pingone.get(
        credentials,
        davinciPaths.flow(promotion.toEnvId, flowId),
      )) as { currentVersion?: number };
      const now = current.currentVersion;
      const backedUp = backups.get(flowId)?.version;
      // What the run's write made the flow: known when the step finished, else the version after the backup's.
      const wrote = flow.outcome === 'done' ? flow.version : backedUp === undefined ? null : backedUp + 1;
      if (flow.outcome === 'unknown' && now !== undefined && backedUp !== undefined && now === backedUp) {
        continue; // The write whose answer never came was not made: nothing of this run to undo there.
      }
      if (wrote === null || now === undefined) {
        problems.push(`FlightIQ cannot tell which version of ${where}'s ${flow.name} this promotion wrote.`);
      } else if (now !== wrote) {
        const lost = now === wrote + 1 ? `version ${now}` : `versions ${wrote + 1}–${now}`;
        problems.push(
          `${where}'s ${flow.name} is at version ${now}; this promotion wrote version ${wrote}; rolling back would lose ${lost}.`,
        );
      } else if (backups.has(flowId)) flows.add(flowId);
    }
    for (const change of await variableChangesOf(this.deps.pool, promotion.id)) {
      const label = `${where}'s variable ${change.name}`;
      let current: VariableDefinition | undefined;
      try {
        const read = variableResourceSchema.safeParse(
          await this.deps.pingone.get(
            credentials,
            davinciPaths.variable(promotion.toEnvId, change.variableId),
          ),
        );
        if (read.success) current = definitionFromResource(read.data);
      } catch (error) {
        if (!(error instanceof PingOneError && error.code === 'not_found')) throw error;
      }
      const after = change.after ? variableFromRequest(change.variableId, change.after) : undefined;
      if (!current) {
        if (change.change === 'updated')
          problems.push(`${label} was deleted since this promotion changed it.`);
      } else if (after && !sameVariable(current, after)) {
        problems.push(
          `${label} was changed since this promotion ${change.change === 'created' ? 'created' : 'changed'} it.`,
        );
      }
    }
    // A policy it replaced is put back only while it still routes as the promotion left it.
    const wrote = new Map(policyResults(promotion.result).map((policy) => [policy.policyId, policy.body]));
    for (const backup of await policyBackupsOf(this.deps.pool, promotion.id)) {
      const writer = new DestinationWriter(this.deps.pingone, credentials, promotion.toEnvId);
      const now = bodyOf(await writer.readPolicy(backup.applicationId, backup.policyId));
      const left = wrote.get(backup.policyId) ?? promotion.plan.policy?.body;
      if (left && !sameRouting(now, left))
        problems.push(
          `${where}'s flow policy "${backup.policyName}" was changed since this promotion updated it.`,
        );
    }
    return { problems, flows };
  }

  /** Holds the lease while waiting for the destination and while `work` runs; always ends the run. */
  private async held(
    promotion: Promotion,
    owner: string,
    status: 'running' | 'rolling_back',
    hooks: RunHooks,
    work: (lease: Lease) => Promise<Promotion>,
  ): Promise<Promotion> {
    const lease = this.heartbeat(promotion.id, owner);
    const failed = status === 'running' ? 'fail' : 'rollbackFail';
    try {
      await hooks.started?.(promotion);
      if (!(await this.turn(promotion, lease, hooks))) {
        if (lease.lost) return this.deps.reload(promotion.id);
        return this.finish(
          promotion,
          lease,
          failed,
          `Another promotion kept writing into ${promotion.toEnvName} for as long as this one could wait; nothing was written. Try again later.`,
          null,
        );
      }
      return await work(lease);
    } catch (error) {
      if (error instanceof LeaseLost) return this.deps.reload(promotion.id);
      throw error;
    } finally {
      lease.stop();
    }
  }

  /** Renews the lease every few seconds until stopped; marks it lost the first time renewing fails. */
  private heartbeat(id: string, owner: string): Lease {
    const { leaseMs, renewMs } = this.deps.lease;
    const lease: Lease = { owner, lost: false, stop: () => clearInterval(timer) };
    const timer = setInterval(() => {
      renewLease(this.deps.pool, id, owner, leaseMs)
        .then((held) => {
          if (!held && !lease.lost) {
            lease.lost = true;
            this.deps.logger.warn(
              { promotion: id },
              'promotion lease lost: another replica took its run for stopped',
            );
          }
        })
        .catch((error: unknown) =>
          this.deps.logger.warn({ err: error, promotion: id }, 'could not renew the promotion lease'),
        );
    }, renewMs);
    timer.unref();
    return lease;
  }

  /**
   * Waits until this run may write into its destination: no other promotion writes there, and none
   * that was claimed earlier is still waiting. Tells the hooks once, saying who it waits for.
   */
  private async turn(promotion: Promotion, lease: Lease, hooks: RunHooks): Promise<boolean> {
    let told = false;
    for (;;) {
      if (lease.lost) return false;
      if (await takeDestination(this.deps.pool, promotion.id, lease.owner)) return true;
      if (Date.now() + turnPollMs > currentCallContext().deadline) return false;
      if (!told) {
        told = true;
        const writer = await writerOf(this.deps.pool, promotion.toEnvId);
        const who = writer
          ? `the promotion of ${writer.flowName} from ${writer.fromEnvName} is writing into ${promotion.toEnvName} now`
          : `another promotion into ${promotion.toEnvName} was approved first`;
        hooks.waiting?.(promotion, `Waiting for its turn: ${who}. This one starts when it ends.`);
      }
      await new Promise((done) => setTimeout(done, turnPollMs));
    }
  }

  /**
   * The credentials a promotion's run calls PingOne with (tenants/sides.ts): its tenant's worker,
   * and its destination tenant's for the destination; undefined when either tenant was removed.
   */
  private async workersOf(promotion: Promotion): Promise<WorkerCredentials | undefined> {
    const source = await this.deps.tenants.findById(promotion.tenantId);
    const destination = promotion.toTenantId
      ? await this.deps.tenants.findById(promotion.toTenantId)
      : source;
    if (!source || !destination) return undefined;
    return workersOf(this.deps.tenants, source, { tenant: destination, environmentId: promotion.toEnvId });
  }

  private async write(promotion: Promotion, lease: Lease): Promise<Promotion> {
    const credentials = await this.workersOf(promotion);
    if (!credentials)
      return this.finish(promotion, lease, 'fail', 'The tenant was removed after the request.', null);
    if (promotion.options.policy)
      return this.writePolicy(promotion, lease, credentials, promotion.options.policy);
    const main = promotion.plan.flows.find((flow) => flow.role === 'main');
    let fresh: ComputedPlan;
    try {
      fresh = await this.deps.planner.plan(
        credentials,
        promotion.plan.from,
        promotion.plan.to,
        main?.sourceId ?? '',
        promotion.options,
        {
          profile: await this.deps.profiles?.entriesFor(
            { tenantId: promotion.tenantId, environmentId: promotion.plan.from.id },
            { tenantId: promotion.toTenantId ?? promotion.tenantId, environmentId: promotion.plan.to.id },
          ),
        },
      );
    } catch (error) {
      return this.finish(
        promotion,
        lease,
        'fail',
        `Could not check the plan again: ${messageOf(error)}`,
        null,
      );
    }
    if (fresh.plan.fingerprint !== promotion.fingerprint) {
      return this.finish(
        promotion,
        lease,
        'fail',
        'The source or the destination changed since this plan was made; nothing was written. Request the promotion again.',
        null,
      );
    }
    const carried = promotion.plan.carried ?? [];
    const incoming = new Map(fresh.plan.flows.map((flow) => [flow.sourceId, flow.destinationName]));
    try {
      for (const policy of carried) {
        const again = await planPolicy(
          this.deps.pingone,
          credentials,
          promotion.plan.from,
          promotion.plan.to,
          policy.asked,
          incoming,
        );
        if (again.outcome !== 'planned' || again.plan.fingerprint !== policy.fingerprint)
          return this.finish(
            promotion,
            lease,
            'fail',
            `The flow policy "${policy.policy.name}" changed since this plan was made, in ${promotion.fromEnvName} or ${promotion.toEnvName}; nothing was written. Request the promotion again.`,
            null,
          );
      }
    } catch (error) {
      return this.finish(
        promotion,
        lease,
        'fail',
        `Could not check the plan again: ${messageOf(error)}`,
        null,
      );
    }

    const { pool } = this.deps;
    const writer = new DestinationWriter(this.deps.pingone, credentials, promotion.toEnvId);
    const result: PromotionResult = { flows: [], variables: [] };
    const variables = result.variables ?? [];
    // What users of the destination should now run: the flows written and deployed, and those the
    // plan found unchanged (their deployed version is what the promotion relies on).
    const deployedFlows: DeployedFlow[] = fresh.plan.flows
      .filter((entry) => entry.action === 'unchanged' && entry.destinationId)
      .map((entry) => ({
        id: entry.destinationId ?? '',
        name: entry.destinationName,
        role: entry.role,
        deployedVersion: entry.destinationVersions?.published ?? null,
      }));
    const step = <T>(
      action: StepAction,
      subject: string,
      destinationId: string | null,
      write: () => Promise<Written<T>>,
    ) => this.step(promotion.id, lease, { action, subject, destinationId }, write);
    try {
      // Backups first: nothing is written unless every flow it overwrites can be put back.
      for (const entry of fresh.plan.flows.filter((flow) => flow.action === 'update' && flow.destinationId)) {
        const flowId = entry.destinationId ?? '';
        // The deployed version is what runs: a draft the destination never deployed is not restored.
        const version = entry.destinationVersions?.published ?? entry.destinationVersions?.current ?? 1;
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
        const body = variableRequest(source);
        const { value } = await step('create variable', variableLabel(planned), null, () =>
          writer.createVariable(body),
        );
        await saveVariableChange(pool, promotion.id, {
          variableId: value.id,
          name: planned.name,
          context: planned.context,
          flowId: null,
          change: 'created',
          before: null,
          after: body,
        });
        variables.push({
          name: planned.name,
          context: planned.context,
          action: 'created',
          destinationId: value.id,
        });
      }

      const flows = new Map<string, { id: string; name: string }>(fresh.linkedFlows);
      // Pinned subflow versions: the destination's, and those of the subflows this run writes.
      const versions = new Map(fresh.maps.versions ?? []);
      for (const entry of fresh.plan.flows) {
        if (entry.destinationId)
          flows.set(entry.sourceId, { id: entry.destinationId, name: entry.destinationName });
      }
      const existing = new Set([...flows.values()].map((flow) => flow.id));
      const written: {
        name: string;
        id: string;
        action: 'created' | 'updated' | 'reverted';
        version: number | null;
        body: FlowDefinition;
        sourceId: string;
      }[] = [];
      for (const entry of fresh.plan.flows) {
        if (entry.action === 'unchanged') continue;
        const source = fresh.definitions.get(entry.sourceId);
        if (!source) throw new Error(`no definition for ${entry.name}`);
        const revertTo = promotion.options.revertTo;
        if (revertTo !== undefined) {
          // PingOne copies its own version: what the flow must hold after is that version as read.
          const flowId = entry.destinationId ?? '';
          const before = entry.destinationVersions?.current ?? null;
          const { value } = await step('revert', entry.destinationName, flowId, () =>
            writer.revert(flowId, revertTo, before, source),
          );
          written.push({
            name: entry.destinationName,
            id: flowId,
            action: 'reverted',
            version: value.version,
            body: source,
            sourceId: entry.sourceId,
          });
          continue;
        }
        const body = {
          ...keepingSettings(
            rewrittenDefinition(source, { flows, ...fresh.maps, versions }),
            fresh.destinations.get(entry.sourceId),
          ),
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
            return { ...replaced, value: { id: entry.destinationId ?? '', dropped: [], ...replaced.value } };
          },
        );
        let version = value.version;
        if (value.dropped.length > 0) {
          // PingOne's create kept less than it was given: the same definition again, as an update.
          const { value: again } = await step('update', entry.destinationName, value.id, () =>
            writer.replaceFlow(value.id, body),
          );
          version = again.version;
        }
        flows.set(entry.sourceId, { id: value.id, name: entry.destinationName });
        if (version !== null) versions.set(value.id, version);
        written.push({
          name: entry.destinationName,
          id: value.id,
          action: creating ? 'created' : 'updated',
          version,
          body,
          sourceId: entry.sourceId,
        });
      }

      // Flow variables belong to the destination's flow, so they follow it.
      for (const planned of toWrite(fresh.plan.variables, (v) => v.context === 'flow')) {
        const pair = fresh.variables.get(variableKey(planned));
        const flow = planned.flow ? flows.get(planned.flow.sourceId) : undefined;
        const source = pair?.source;
        if (!source || !flow) continue;
        if (planned.action === 'create') {
          const body = variableRequest(source, { flowId: flow.id });
          const { value } = await step('create variable', variableLabel(planned), null, () =>
            writer.createVariable(body),
          );
          await saveVariableChange(pool, promotion.id, {
            variableId: value.id,
            name: planned.name,
            context: 'flow',
            flowId: flow.id,
            change: 'created',
            before: null,
            after: body,
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
          const body = variableRequest(source, { flowId: flow.id, value: before.value });
          await step('update variable', variableLabel(planned), variableId, () =>
            writer.replaceVariable(variableId, body),
          );
          await saveVariableChange(pool, promotion.id, {
            variableId,
            name: planned.name,
            context: 'flow',
            flowId: flow.id,
            change: 'updated',
            before: variableRequest(before, { flowId: flow.id }),
            after: body,
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

      // Nothing is deployed until every written flow is read back and holds what was sent: a PingOne
      // that kept less (or changed something) stops the run while the live versions are untouched.
      const enabledNow = new Map<string, boolean | undefined>();
      for (const flow of written) {
        await step('verify', flow.name, flow.id, async () => {
          const held = await writer.readFlow(flow.id);
          const diff = diffFlows(held.definition, flow.body, flow.name);
          if (diff.verdict === 'changed') {
            throw new PingOneError(
              'unexpected_response',
              `PingOne holds ${flow.name} differently from what FlightIQ wrote (${provenDifference(diff)}), so nothing was deployed. The written version is saved in ${promotion.toEnvName}, not live.`,
            );
          }
          enabledNow.set(flow.id, held.enabled);
          return { value: { version: held.version }, readBack: false };
        });
      }
      for (const flow of written) {
        const deployed = await this.deploy(writer, promotion.id, lease, flow);
        // A flow disabled in the source stays disabled: deploying must not make it reachable.
        const wanted = fresh.enabled.get(flow.sourceId);
        if (wanted !== undefined && enabledNow.get(flow.id) !== wanted) {
          await step(wanted ? 'enable' : 'disable', flow.name, flow.id, () =>
            writer.setEnabled(flow.id, wanted),
          );
        }
        result.flows.push({
          name: flow.name,
          action: flow.action,
          destinationId: flow.id,
          version: flow.version,
          deployedVersion: deployed.version,
        });
        const planned = fresh.plan.flows.find((entry) => entry.sourceId === flow.sourceId);
        deployedFlows.push({
          id: flow.id,
          name: flow.name,
          role: planned?.role ?? 'subflow',
          deployedVersion: deployed.version,
        });
        const alias = promotionAlias(
          {
            id: promotion.id,
            fromEnvName: promotion.fromEnvName,
            approvers: promotion.approvals.map((approval) => approval.userId),
            ranBy: promotion.decidedBy,
            revertTo: promotion.options.revertTo,
          },
          planned?.sourceVersion ?? null,
        );
        await this.nameVersion(writer, promotion.id, lease, flow, flow.version, alias);
      }
      // The policies carried along go last: the flows they send users to are deployed by now, so a
      // version pinned to one of them is the one this run deployed.
      for (const policy of carried) {
        const now = await planPolicy(
          this.deps.pingone,
          credentials,
          promotion.plan.from,
          promotion.plan.to,
          policy.asked,
        );
        const planned = now.outcome === 'planned' ? now.plan.policy : undefined;
        if (now.outcome !== 'planned' || !planned || now.plan.blockers.length > 0)
          throw new PingOneError(
            'unexpected_response',
            `The flow policy "${policy.policy.name}" cannot be written: ${now.outcome === 'planned' ? now.plan.blockers.join(' ') : `its ${now.what} is gone from ${promotion.fromEnvName}.`}`,
          );
        const written = await writePolicy(
          {
            pool,
            writer,
            promotionId: promotion.id,
            step: (action, subject, destinationId, write) => step(action, subject, destinationId, write),
          },
          planned,
          now.current ? bodyOf(now.current) : null,
        );
        result.policies = [...(result.policies ?? []), written];
      }
    } catch (error) {
      if (error instanceof LeaseLost) throw error;
      return this.finish(promotion, lease, 'fail', `Stopped: ${messageOf(error)}`, result);
    }
    if (result.flows.length > 0) {
      const verdict = await this.verdict(credentials, promotion, deployedFlows);
      if (verdict) result.reachability = verdict;
    }
    const changed = result.flows.length + variables.length;
    const parts = [
      result.flows.length > 0 ? `${result.flows.length} flow(s) written and deployed` : '',
      variables.length > 0 ? `${variables.length} variable(s) created or updated` : '',
    ].filter(Boolean);
    return this.finish(
      promotion,
      lease,
      'succeed',
      changed === 0 ? 'Nothing to change: the destination already matches.' : `${parts.join('; ')}.`,
      result,
    );
  }

  /** A flow policy promotion's run: planned again, then written (core/promotion/policy-run.ts). */
  private async writePolicy(
    promotion: Promotion,
    lease: Lease,
    credentials: WorkerCredentials,
    asked: { application: string; policy: string },
  ): Promise<Promotion> {
    let planned: PolicyPlanOutcome;
    try {
      planned = await planPolicy(
        this.deps.pingone,
        credentials,
        promotion.plan.from,
        promotion.plan.to,
        asked,
      );
    } catch (error) {
      return this.finish(
        promotion,
        lease,
        'fail',
        `Could not check the plan again: ${messageOf(error)}`,
        null,
      );
    }
    const policy = planned.outcome === 'planned' ? planned.plan.policy : undefined;
    if (planned.outcome !== 'planned' || !policy || planned.plan.fingerprint !== promotion.fingerprint) {
      return this.finish(
        promotion,
        lease,
        'fail',
        'The source or the destination changed since this plan was made; nothing was written. Request the promotion again.',
        null,
      );
    }
    const writer = new DestinationWriter(this.deps.pingone, credentials, promotion.toEnvId);
    const result: PromotionResult = { flows: [] };
    try {
      result.policy = await writePolicy(
        {
          pool: this.deps.pool,
          writer,
          promotionId: promotion.id,
          step: (action, subject, destinationId, write) =>
            this.step(promotion.id, lease, { action, subject, destinationId }, write),
        },
        policy,
        planned.current ? bodyOf(planned.current) : null,
      );
    } catch (error) {
      if (error instanceof LeaseLost) throw error;
      return this.finish(promotion, lease, 'fail', `Stopped: ${messageOf(error)}`, result);
    }
    const done = result.policy;
    const outcome =
      done.action === 'unchanged'
        ? `Nothing to change: ${promotion.toEnvName}'s flow policy already matches.`
        : `Flow policy "${done.name}" ${done.action} in ${promotion.toEnvName}${done.applicationCreated ? `, in the DaVinci application "${done.application}" created for it` : ''}.`;
    return this.finish(promotion, lease, 'succeed', outcome, result);
  }

  /**
   * Who reaches what the run deployed, read after it: informational, so a chain PingOne will not show
   * is said in the verdict and never fails a promotion whose writes are done.
   */
  private async verdict(
    credentials: WorkerCredentials,
    promotion: Promotion,
    flows: DeployedFlow[],
  ): Promise<ReachabilityVerdict | undefined> {
    const reader = this.deps.policies;
    if (!reader) return undefined;
    try {
      return reachabilityOf(flows, await reader.linksIn(credentials, promotion.toEnvId), promotion.toEnvName);
    } catch (error) {
      const problem = problemOf(error);
      if (!problem) throw error;
      this.deps.logger.warn({ promotion: promotion.id, code: problem.code }, 'reachability not checked');
      return {
        environment: promotion.toEnvName,
        applications: [],
        notes: [],
        unchecked: `FlightIQ could not read ${promotion.toEnvName}'s flow policies: ${problem.message}`,
      };
    }
  }

  /**
   * Undoes what a promotion wrote: flows back to their backups (and deployed), variables it changed
   * back to what they were, variables it created removed. Flows it created stay, with their variables.
   */
  private async restore(
    promotion: Promotion,
    lease: Lease,
    written: ReadonlySet<string>,
  ): Promise<Promotion> {
    const credentials = await this.workersOf(promotion);
    const backups = (await backupsOf(this.deps.pool, promotion.id)).filter((backup) =>
      written.has(backup.flowId),
    );
    const createdFlows = (promotion.result?.flows ?? []).filter((flow) => flow.action === 'created');
    const result: PromotionResult = {
      flows: [],
      variables: [],
      leftInPlace: [
        ...createdFlows.map((flow) => flow.name),
        ...policyResults(promotion.result).flatMap(createdByPolicy),
      ],
    };
    const variables = result.variables ?? [];
    if (!credentials) {
      return this.finish(
        promotion,
        lease,
        'rollbackFail',
        'The tenant was removed; nothing was restored.',
        result,
      );
    }
    const writer = new DestinationWriter(this.deps.pingone, credentials, promotion.toEnvId);
    const keptWith = new Set(createdFlows.map((flow) => flow.destinationId));
    const flowNames = new Map([
      ...promotion.plan.flows.flatMap((flow) =>
        flow.destinationId ? [[flow.destinationId, flow.destinationName] as const] : [],
      ),
      ...(promotion.result?.flows ?? []).map((flow) => [flow.destinationId, flow.name] as const),
    ]);
    try {
      for (const backup of await policyBackupsOf(this.deps.pool, promotion.id)) {
        await this.step(
          promotion.id,
          lease,
          { action: 'restore policy', subject: backup.policyName, destinationId: backup.policyId },
          () => writer.replacePolicy(backup.applicationId, backup.policyId, backup.body as PolicyBody),
        );
        const before = policyResults(promotion.result).find((policy) => policy.policyId === backup.policyId);
        if (before && promotion.result?.policy) result.policy = { ...before, action: 'restored' };
        else if (before) result.policies = [...(result.policies ?? []), { ...before, action: 'restored' }];
      }
      for (const backup of backups) {
        const { value } = await this.step(
          promotion.id,
          lease,
          { action: 'restore', subject: backup.flowName, destinationId: backup.flowId },
          () => writer.replaceFlow(backup.flowId, backup.definition as FlowDefinition),
        );
        const deployed = await this.deploy(writer, promotion.id, lease, {
          id: backup.flowId,
          name: backup.flowName,
        });
        const alias = rollbackAlias({
          id: promotion.id,
          askedBy: promotion.rollbackRequestedBy,
          by: promotion.rolledBackBy,
        });
        await this.nameVersion(
          writer,
          promotion.id,
          lease,
          { id: backup.flowId, name: backup.flowName },
          value.version,
          alias,
        );
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
            lease,
            { action: 'remove variable', subject, destinationId: change.variableId },
            () => writer.deleteVariable(change.variableId),
          );
        } else if (change.before) {
          const before = change.before;
          await this.step(
            promotion.id,
            lease,
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
      if (error instanceof LeaseLost) throw error;
      return this.finish(promotion, lease, 'rollbackFail', `Rollback stopped: ${messageOf(error)}`, result);
    }
    const parts = [
      result.flows.length > 0
        ? `${result.flows.length} flow(s) restored to their backed-up version and deployed`
        : '',
      variables.length > 0 ? `${variables.length} variable(s) removed or restored` : '',
    ].filter(Boolean);
    const outcome =
      parts.length > 0
        ? `${parts.join('; ')}.`
        : 'Nothing to put back: the run wrote no flow or variable that a rollback restores (it stopped before them).';
    return this.finish(promotion, lease, 'rolledBack', outcome, result);
  }

  /** Deploys a destination flow (its current version becomes the published one), as a recorded step. */
  private async deploy(
    writer: DestinationWriter,
    promotionId: string,
    lease: Lease,
    flow: { id: string; name: string },
  ): Promise<{ version: number | null }> {
    const { value } = await this.step(
      promotionId,
      lease,
      { action: 'deploy', subject: flow.name, destinationId: flow.id },
      () => writer.deploy(flow.id, flow.name),
    );
    return value;
  }

  /**
   * Gives a written version its alias, as a recorded step. Only a label: a PingOne that refuses it
   * leaves the step failed with its reason on the card, and the run goes on.
   */
  private async nameVersion(
    writer: DestinationWriter,
    promotionId: string,
    lease: Lease,
    flow: { id: string; name: string },
    version: number | null,
    alias: string,
  ): Promise<void> {
    if (version === null) return;
    try {
      await this.step(
        promotionId,
        lease,
        { action: 'alias', subject: flow.name, destinationId: flow.id },
        () => writer.setAlias(flow.id, version, alias),
      );
    } catch (error) {
      if (error instanceof LeaseLost || !problemOf(error)) throw error;
    }
  }

  /**
   * Records a write as started before sending it and done (or failed) after, so a crash shows where it
   * stopped; a write PingOne answered too late but read back as made is done, and says so. Nothing is
   * sent once the lease is lost.
   */
  private async step<T>(
    promotionId: string,
    lease: Lease,
    step: { action: StepAction; subject: string; destinationId?: string | null },
    write: () => Promise<Written<T>>,
  ): Promise<Written<T>> {
    const stepId = lease.lost ? null : await startStep(this.deps.pool, promotionId, lease.owner, step);
    if (stepId === null) throw new LeaseLost(`promotion ${promotionId} is no longer this process's to run`);
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
    lease: Lease,
    end: Extract<TransitionName, 'succeed' | 'fail' | 'rolledBack' | 'rollbackFail'>,
    outcome: string,
    result: PromotionResult | null,
  ): Promise<Promotion> {
    const status = transitions[end].to;
    const finished = await finishRun(this.deps.pool, promotion.id, lease.owner, transitions[end], {
      outcome,
      at: this.deps.clock.now(),
      ...(result ? { result } : {}),
    });
    if (!finished)
      this.deps.logger.warn({ promotion: promotion.id, status }, 'promotion was taken over while it ran');
    return this.deps.reload(promotion.id);
  }
}

/** Every policy a run wrote: a policy promotion's one, or those a flow promotion carried. */
function policyResults(result: PromotionResult | null): PolicyResult[] {
  return [...(result?.policy ? [result.policy] : []), ...(result?.policies ?? [])];
}

/** What a policy promotion created, which its rollback leaves (as it leaves created flows). */
function createdByPolicy(policy: PolicyResult): string[] {
  return [
    ...(policy.applicationCreated ? [`DaVinci application "${policy.application}"`] : []),
    ...(policy.action === 'created' ? [`flow policy "${policy.name}"`] : []),
  ];
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

function variableFromRequest(id: string, request: Record<string, unknown>): VariableDefinition | undefined {
  const parsed = variableResourceSchema.safeParse({ ...request, id });
  return parsed.success ? definitionFromResource(parsed.data) : undefined;
}

/** Same type, limits and (where PingOne shows it) value: a secret's value reads back masked. */
function sameVariable(current: VariableDefinition, written: VariableDefinition): boolean {
  if (!sameShape(current, written)) return false;
  return isSecret(written) || stableJson(current.value ?? null) === stableJson(written.value ?? null);
}

/** What to tell people about a failure: PingOne's cause, or (for our own bugs) only that it is logged. */
export function messageOf(error: unknown): string {
  return problemOf(error)?.message ?? 'an unexpected error in FlightIQ (the log has the details)';
}

/** What a read-back found changed, in a few words: the first node and flow changes. */
function provenDifference(diff: FlowDiff): string {
  const parts = [
    ...diff.flowChanges.map((change) => change.path),
    ...diff.nodes.changed.map(
      (node) => `${node.label}: ${node.changes.map((change) => change.path).join(', ')}`,
    ),
    ...diff.nodes.added.map((node) => `${node.label} added`),
    ...diff.nodes.removed.map((node) => `${node.label} missing`),
  ];
  const shown = parts.slice(0, 3).join('; ');
  return parts.length > 3 ? `${shown}; and ${parts.length - 3} more` : shown || 'its links';
}
