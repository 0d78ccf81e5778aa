import type pg from 'pg';
import { z } from 'zod';
import type { Logger } from '../../logger.js';
import type { PingOneClient, WorkerCredentials } from '../../pingone/client.js';
import {
  davinciPaths,
  type FlowSummary,
  flowListQuery,
  flowPolicyResourceSchema,
  flowSummarySchema,
} from '../../pingone/davinci.js';
import { PingOneError } from '../../pingone/errors.js';
import {
  environmentsWrittenTo,
  type FlowWrite,
  lastFlowWrites,
  lastPolicyWrites,
  type PolicyWrite,
} from '../../store/promotions.js';
import {
  claimAlertPosting,
  claimCertificateWarning,
  claimDriftAlert,
  claimDriftScan,
  claimExpiryScan,
  dropCertificateWarning,
  dropDriftAlert,
  type HealthChange,
  listTenantHealth,
  recordObservation,
  releaseExpiryScan,
  setAlertMessage,
  type TenantHealth,
} from '../../store/tenant-health.js';
import { type Clock, dayMs } from '../clock.js';
import type { EnvironmentDirectory } from '../environments.js';
import { withCallContext } from '../pingone-work.js';
import { bodyOf } from '../policies/policy-plan.js';
import { type Problem, problemOf } from '../problem.js';
import type { PolicyBody } from '../promotion/plan/types.js';
import type { Tenant, TenantService } from '../tenants/service.js';
import {
  type AuditRead,
  authorOf,
  type DriftAuthor,
  type DriftChange,
  type RoutingChange,
  readAudit,
  readFlowChange,
  routingChanges,
} from './drift-details.js';

/** What the alert channel is told about a tenant. */
export interface CredentialAlert {
  tenantId: string;
  tenantName: string;
  state: 'failing' | 'healthy';
  /** The cause, with what to check; absent once healthy. */
  problem?: Problem;
  failingSince: Date | null;
  lastCheckedAt: Date;
  /** On recovery: what the failure was. */
  resolvedCause?: string | null;
}

export type { TenantHealth };

export interface CertificateWarning {
  /** A certificate, or a signing or encryption key (its usage says which). */
  kind: 'certificate' | 'key';
  usageType?: string | undefined;
  tenantName: string;
  environmentName: string;
  name: string;
  subject: string | undefined;
  expiresAt: Date;
  /** When it was found, by core's clock: the days left are counted from here. */
  checkedAt: Date;
}

export interface AlertMessageRef {
  channel: string;
  ts: string;
}

/** The alert channel, as core sees it; the Slack layer implements it. Each call may fail (channel missing, app not in it). */
export interface AlertNotifier {
  post(alert: CredentialAlert): Promise<AlertMessageRef>;
  update(ref: AlertMessageRef, alert: CredentialAlert): Promise<void>;
  /** Posts the recovery in the alert's thread and marks the alert resolved. */
  recovered(ref: AlertMessageRef, alert: CredentialAlert): Promise<void>;
  certificate(warning: CertificateWarning): Promise<void>;
  drift(warning: DriftWarning): Promise<void>;
  policyDrift(warning: PolicyDriftWarning): Promise<void>;
}

/** A flow policy FlightIQ wrote into a protected environment, routing differently (or gone) since. */
export interface PolicyDriftWarning {
  tenantName: string;
  environmentName: string;
  /** The DaVinci application it belongs to. */
  application: string;
  policyName: string;
  promotionId: string;
  sourceEnvironmentName: string;
  deleted: boolean;
  /** How it routes differently from what FlightIQ left; empty once deleted. */
  changes: RoutingChange[];
  changedBy: DriftAuthor;
  changedAt?: Date;
  checkedAt: Date;
}

/** A flow FlightIQ wrote into a protected environment, changed (or deleted) outside FlightIQ since. */
export interface DriftWarning {
  tenantName: string;
  environmentName: string;
  flowName: string;
  /** The version FlightIQ's last write left it at, by which promotion, promoted from where. */
  writtenVersion: number;
  promotionId: string;
  sourceEnvironmentName: string;
  /** Its version now; null when the flow is gone. */
  currentVersion: number | null;
  /** Who changed it, from PingOne's audit; "someone", with why, when the audit does not say. */
  changedBy: DriftAuthor;
  /** When: the audit's time of the change, else the flow's own `updatedAt`; absent when neither says. */
  changedAt?: Date;
  /** What changed from the version FlightIQ left to the flow now, or why that is not shown; absent once deleted. */
  change?: DriftChange;
  /** When the comparison ran, by core's clock: "how long ago" is counted from here. */
  checkedAt: Date;
}

/** A flow policy routing differently from what FlightIQ left (held null: gone), claimed for its alert. */
interface DriftedPolicy {
  write: PolicyWrite;
  held: PolicyBody | null;
  changes: RoutingChange[];
  key: Parameters<typeof dropDriftAlert>[1];
}

/** A flow whose version is not the one FlightIQ left, claimed for its alert. */
interface DriftedFlow {
  write: FlowWrite;
  /** The flow as listed now; absent once deleted. */
  flow: FlowSummary | undefined;
  now: number | null;
  key: Parameters<typeof dropDriftAlert>[1];
}

/** Flows compared per environment and scan (two version reads each): more than this is a migration, not a hotfix. */
const maxDriftDiffs = 10;

function dateOf(text: string | undefined): Date | undefined {
  const at = text ? new Date(text) : undefined;
  return at && !Number.isNaN(at.getTime()) ? at : undefined;
}

/** A background check must not wait long on PingOne: the next one comes in minutes. */
const checkWorkMs = 60_000;

/** Causes that mean the stored credentials themselves do not work (not a missing role somewhere). */
const credentialCauses = new Set<Problem['code']>([
  'client_authentication_failed',
  'grant_not_enabled',
  'environment_not_found',
  'token_rejected',
  'secret_unavailable',
]);

const certificateSchema = z.looseObject({
  id: z.string(),
  name: z.string().optional(),
  subjectDN: z.string().optional(),
  expiresAt: z.string().optional(),
  usageType: z.string().optional(),
});

/**
 * Certificates and keys share PingOne's certificate shape, and both expire (docs/pingone-facts.md,
 * "Certificates and keys").
 */
const expiringKinds = [
  { kind: 'certificate', collection: 'certificates' },
  { kind: 'key', collection: 'keys' },
] as const;

const maxEnvironmentsForCertificates = 20;
/** How often each tenant's certificates and keys are read for expiry: they change over days, not minutes. */
export const expiryScanMs = 6 * 60 * 60 * 1000;
/** How often protected environments are compared with what FlightIQ wrote: an edit there matters within the hour. */
export const driftScanMs = 60 * 60 * 1000;

/**
 * Whether each tenant's stored credentials work, and the alert channel told once per failure, updated
 * while it lasts, and told of the recovery (docs/design.md, "Credential alerts"). Checks come from the
 * scheduled job and from commands; each is recorded under a row lock, so only one of two simultaneous
 * checks sees the transition, and posting an alert is claimed by one caller.
 */
export class CredentialMonitor {
  constructor(
    private readonly deps: {
      pool: pg.Pool;
      pingone: PingOneClient;
      tenants: TenantService;
      environments: EnvironmentDirectory;
      logger: Logger;
      alerts: AlertNotifier;
      alertChannel: string | undefined;
      certificateWarningDays: number;
      clock: Clock;
      /** FLIGHTIQ_DRIFT_ALERTS: compare protected environments with what FlightIQ wrote, and tell. */
      driftAlerts?: boolean;
    },
  ) {}

  /** Each tenant's health as last seen (tenants never checked are absent). */
  async health(): Promise<Map<string, TenantHealth>> {
    return new Map((await listTenantHealth(this.deps.pool)).map((health) => [health.tenantId, health]));
  }

  /**
   * The scheduled check, with the fewest PingOne calls it needs: one newly minted token proves the
   * stored credentials work. Every few hours (`expiryScanMs`), also the certificates and keys of the
   * environments the worker reaches, for expiry warnings.
   */
  async checkTenant(tenantId: string): Promise<void> {
    const tenant = await this.deps.tenants.findById(tenantId);
    if (!tenant) return;
    const credentials = this.deps.tenants.credentialsOf(tenant);
    let problem: Problem | undefined;
    try {
      await withCallContext({ timeoutMs: checkWorkMs }, () => this.deps.pingone.freshToken(credentials));
    } catch (error) {
      problem = problemOf(error);
      if (!problem) throw error;
    }
    await this.observe(tenant, problem);
    if (problem || !this.deps.alertChannel) return;
    if (await claimExpiryScan(this.deps.pool, tenant.id, expiryScanMs, this.deps.clock.now())) {
      await withCallContext({ timeoutMs: checkWorkMs }, () => this.warnAboutCertificates(tenant));
    }
    if (
      this.deps.driftAlerts &&
      (await claimDriftScan(this.deps.pool, tenant.id, driftScanMs, this.deps.clock.now()))
    ) {
      await withCallContext({ timeoutMs: checkWorkMs }, () => this.warnAboutDrift(tenant));
    }
  }

  /**
   * Each protected environment FlightIQ has written flows into is compared with what it wrote: one
   * flow list per environment, its versions against the version FlightIQ's last write left. A flow
   * changed (or deleted) since gets one message; the next promotion would overwrite that change. The
   * message names who changed it and when (one read of PingOne's audit per environment, only when
   * something drifted) and what changed; neither read can stop it.
   */
  private async warnAboutDrift(tenant: Tenant): Promise<void> {
    const credentials = this.deps.tenants.credentialsOf(tenant);
    for (const environment of await environmentsWrittenTo(this.deps.pool, tenant.id)) {
      if (!environment.protected) continue;
      const { drifted, flowNames } = await this.claimDriftedFlows(tenant, environment, credentials);
      const policies = await this.claimDriftedPolicies(tenant, environment, credentials, flowNames);
      if (drifted.length === 0 && policies.length === 0) continue;
      const checkedAt = this.deps.clock.now();
      const writes = [...drifted.map(({ write }) => write), ...policies.map(({ write }) => write)];
      const since = new Date(Math.min(...writes.map((write) => write.writtenAt.getTime())));
      const audit = await readAudit(this.deps.pingone, credentials, environment.id, since, checkedAt);
      for (const policy of policies) {
        await this.tellPolicyDrift(tenant, environment, credentials, policy, { audit, checkedAt });
      }
      for (const [index, drift] of drifted.entries()) {
        const warning = await this.driftWarning(tenant, environment, credentials, drift, {
          audit,
          checkedAt,
          compare: index < maxDriftDiffs,
        });
        try {
          await this.deps.alerts.drift(warning);
        } catch (error) {
          await dropDriftAlert(this.deps.pool, drift.key);
          this.deps.logger.error(
            { err: error, tenant: tenant.name },
            'could not post a drift warning; it is tried again at the next comparison',
          );
        }
      }
    }
  }

  /**
   * The flows of one environment whose version is not the one FlightIQ's last write left, each claimed
   * for its one alert (the claim is what makes two replicas' scans post it once).
   */
  private async claimDriftedFlows(
    tenant: Tenant,
    environment: { id: string; name: string },
    credentials: WorkerCredentials,
  ): Promise<{ drifted: DriftedFlow[]; flowNames: Map<string, string> }> {
    const writes = await lastFlowWrites(this.deps.pool, tenant.id, environment.id);
    let flows: z.infer<typeof flowSummarySchema>[];
    try {
      ({ items: flows } = await this.deps.pingone.collect(
        credentials,
        davinciPaths.collection(environment.id, flowListQuery),
        'flows',
        flowSummarySchema,
      ));
    } catch (error) {
      this.deps.logger.info(
        { err: error, tenant: tenant.name, environment: environment.name },
        'drift not checked: flows unreadable',
      );
      return { drifted: [], flowNames: new Map() };
    }
    const byId = new Map(flows.map((flow) => [flow.id, flow]));
    const flowNames = new Map(flows.map((flow) => [flow.id, flow.name]));
    const drifted: DriftedFlow[] = [];
    for (const write of writes.values()) {
      const flow = byId.get(write.flowId);
      const now = flow ? (flow.currentVersion ?? null) : null;
      if (now === write.version || (flow && now === null)) continue;
      const key = {
        tenantId: tenant.id,
        environmentId: environment.id,
        flowId: write.flowId,
        writtenVersion: write.version,
      };
      const claim = { ...key, currentVersion: now, promotionId: write.promotionId };
      if (await claimDriftAlert(this.deps.pool, claim)) drifted.push({ write, flow, now, key });
    }
    return { drifted, flowNames };
  }

  /**
   * The flow policies FlightIQ wrote into one environment that route differently now (or are gone),
   * each claimed for its one alert. A policy has no versions: its claim is per promotion that wrote it,
   * so it is told once, and again only after FlightIQ writes it anew and it drifts again.
   */
  private async claimDriftedPolicies(
    tenant: Tenant,
    environment: { id: string; name: string },
    credentials: WorkerCredentials,
    flowNames: ReadonlyMap<string, string>,
  ): Promise<DriftedPolicy[]> {
    const drifted: DriftedPolicy[] = [];
    for (const write of await lastPolicyWrites(this.deps.pool, tenant.id, environment.id)) {
      const held = await this.policyNow(tenant, environment, credentials, write);
      if (held === undefined) continue;
      const changes = held ? routingChanges(write.body as PolicyBody, held, flowNames) : [];
      if (held && changes.length === 0) continue;
      const key = {
        tenantId: tenant.id,
        environmentId: environment.id,
        flowId: `policy:${write.policyId}:${write.promotionId}`,
        writtenVersion: 0,
      };
      const claim = { ...key, currentVersion: null, promotionId: write.promotionId };
      if (await claimDriftAlert(this.deps.pool, claim)) drifted.push({ write, held, changes, key });
    }
    return drifted;
  }

  /** The policy as PingOne holds it now: null when it is gone, undefined when it could not be read. */
  private async policyNow(
    tenant: Tenant,
    environment: { id: string; name: string },
    credentials: WorkerCredentials,
    write: PolicyWrite,
  ): Promise<PolicyBody | null | undefined> {
    try {
      const read = flowPolicyResourceSchema.safeParse(
        await this.deps.pingone.get(
          credentials,
          davinciPaths.flowPolicy(environment.id, write.applicationId, write.policyId),
        ),
      );
      return read.success ? bodyOf(read.data) : undefined;
    } catch (error) {
      if (error instanceof PingOneError && error.code === 'not_found') return null;
      this.deps.logger.info(
        { err: error, tenant: tenant.name, environment: environment.name },
        'policy drift not checked: policy unreadable',
      );
      return undefined;
    }
  }

  private async tellPolicyDrift(
    tenant: Tenant,
    environment: { id: string; name: string },
    credentials: WorkerCredentials,
    { write, held, changes, key }: DriftedPolicy,
    scan: { audit: AuditRead; checkedAt: Date },
  ): Promise<void> {
    const changedBy = authorOf(
      scan.audit,
      { id: write.policyId, name: held?.name ?? write.name, kind: 'policy' },
      write.writtenAt,
      credentials.clientId,
    );
    try {
      await this.deps.alerts.policyDrift({
        tenantName: tenant.name,
        environmentName: environment.name,
        application: write.application,
        policyName: held?.name ?? write.name,
        promotionId: write.promotionId,
        sourceEnvironmentName: write.fromEnvName,
        deleted: held === null,
        changes,
        changedBy,
        ...(changedBy.kind === 'someone' ? {} : { changedAt: changedBy.at }),
        checkedAt: scan.checkedAt,
      });
    } catch (error) {
      await dropDriftAlert(this.deps.pool, key);
      this.deps.logger.error(
        { err: error, tenant: tenant.name },
        'could not post a policy drift warning; it is tried again at the next comparison',
      );
    }
  }

  /** What the alert says of one drifted flow: who and when from the audit read, and what changed. */
  private async driftWarning(
    tenant: Tenant,
    environment: { id: string; name: string },
    credentials: WorkerCredentials,
    { write, flow, now }: DriftedFlow,
    scan: { audit: AuditRead; checkedAt: Date; compare: boolean },
  ): Promise<DriftWarning> {
    const flowName = flow?.name ?? write.flowName;
    const changedBy = authorOf(
      scan.audit,
      { id: write.flowId, name: flowName, kind: 'flow' },
      write.writtenAt,
      credentials.clientId,
    );
    const changedAt = changedBy.kind === 'someone' ? dateOf(flow?.updatedAt) : changedBy.at;
    let change: DriftChange | undefined;
    if (now !== null && scan.compare) {
      change = await readFlowChange(this.deps, credentials, environment.id, {
        id: write.flowId,
        name: flowName,
        written: write.version,
        now,
      });
    } else if (now !== null) {
      change = { unread: 'too many flows drifted at once to compare them all' };
    }
    return {
      tenantName: tenant.name,
      environmentName: environment.name,
      flowName,
      writtenVersion: write.version,
      promotionId: write.promotionId,
      sourceEnvironmentName: write.fromEnvName,
      currentVersion: now,
      changedBy,
      ...(changedAt ? { changedAt } : {}),
      ...(change ? { change } : {}),
      checkedAt: scan.checkedAt,
    };
  }

  /**
   * A command saw this: a problem with the credentials themselves, or a token that worked (undefined).
   * Recorded only while the tenant is still at the version whose credentials were used.
   */
  async observe(tenant: Tenant, problem: Problem | undefined): Promise<void> {
    if (problem && !credentialCauses.has(problem.code)) return;
    const change = await recordObservation(
      this.deps.pool,
      tenant,
      problem
        ? { healthy: false, causeCode: problem.code, causeMessage: problem.message }
        : { healthy: true },
    );
    if (change.change === 'stale') {
      this.deps.logger.info(
        { tenant: tenant.name },
        'tenant edited during a check: its result is not recorded',
      );
      return;
    }
    await this.tell(tenant, change, problem);
  }

  private async tell(
    tenant: Tenant,
    change: Exclude<HealthChange, { change: 'stale' }>,
    problem: Problem | undefined,
  ): Promise<void> {
    const alert = toAlert(tenant, change.health, problem);
    const log = this.deps.logger.child({ tenant: tenant.name, change: change.change });
    if (change.change === 'none') return;
    if (change.change === 'recovered') {
      const { previous } = change;
      log.info('tenant credentials work again');
      if (!previous.alertChannel || !previous.alertTs) return;
      await this.safely(log, 'post the recovery', () =>
        this.deps.alerts.recovered(
          { channel: previous.alertChannel ?? '', ts: previous.alertTs ?? '' },
          { ...alert, failingSince: previous.failingSince, resolvedCause: previous.causeMessage },
        ),
      );
      return;
    }
    if (change.change === 'started_failing')
      log.warn({ cause: problem?.code }, 'tenant credentials stopped working');
    const { health } = change;
    if (health.alertChannel && health.alertTs) {
      await this.safely(log, 'update the alert', () =>
        this.deps.alerts.update({ channel: health.alertChannel ?? '', ts: health.alertTs ?? '' }, alert),
      );
      return;
    }
    if (!this.deps.alertChannel) {
      log.error(
        { cause: problem?.code },
        'FLIGHTIQ_ALERT_CHANNEL is not set: the credential alert for this tenant is not posted (the failure is kept and the alert posts once the channel is set)',
      );
      return;
    }
    if (!(await claimAlertPosting(this.deps.pool, tenant.id))) return;
    try {
      const ref = await this.deps.alerts.post(alert);
      await setAlertMessage(this.deps.pool, tenant.id, ref.channel, ref.ts);
    } catch (error) {
      await setAlertMessage(this.deps.pool, tenant.id, null, null);
      log.error(
        { err: error, channel: this.deps.alertChannel },
        'could not post the credential alert (is the app a member of FLIGHTIQ_ALERT_CHANNEL?); the failure is kept and the alert is posted at the next check',
      );
    }
  }

  private async warnAboutCertificates(tenant: Tenant): Promise<void> {
    if (!this.deps.alertChannel) return;
    const credentials = this.deps.tenants.credentialsOf(tenant);
    const checkedAt = this.deps.clock.now();
    const window = this.deps.certificateWarningDays * dayMs;
    let environments: Awaited<ReturnType<EnvironmentDirectory['list']>>['environments'];
    try {
      ({ environments } = await this.deps.environments.list(tenant));
    } catch (error) {
      this.deps.logger.info(
        { err: error, tenant: tenant.name },
        'certificates not checked: environments unreadable',
      );
      return;
    }
    for (const environment of environments.slice(0, maxEnvironmentsForCertificates)) {
      for (const { kind, collection } of expiringKinds) {
        let certificates: z.infer<typeof certificateSchema>[];
        try {
          ({ items: certificates } = await this.deps.pingone.collect(
            credentials,
            `/environments/${environment.id}/${collection}`,
            collection,
            certificateSchema,
          ));
        } catch {
          continue; // No role to read them there: nothing to warn about.
        }
        for (const certificate of certificates) {
          const expiresAt = certificate.expiresAt ? new Date(certificate.expiresAt) : undefined;
          if (!expiresAt || Number.isNaN(expiresAt.getTime())) continue;
          // Within the window ahead; long-expired ones are old news, not a warning.
          if (Math.abs(expiresAt.getTime() - checkedAt.getTime()) > window) continue;
          const name = certificate.name ?? certificate.subjectDN ?? certificate.id;
          const key = {
            tenantId: tenant.id,
            certificateId: certificate.id,
            expiresAt,
            environmentId: environment.id,
            name,
          };
          if (!(await claimCertificateWarning(this.deps.pool, key))) continue;
          try {
            await this.deps.alerts.certificate({
              kind,
              usageType: certificate.usageType,
              tenantName: tenant.name,
              environmentName: environment.name,
              name,
              subject: certificate.subjectDN,
              expiresAt,
              checkedAt,
            });
          } catch (error) {
            await dropCertificateWarning(this.deps.pool, tenant.id, certificate.id, expiresAt);
            // Not in six hours: the next check scans again, and posts what is still unsaid.
            await releaseExpiryScan(this.deps.pool, tenant.id);
            this.deps.logger.error(
              { err: error, tenant: tenant.name },
              `could not post a ${kind} expiry warning; it is tried again at the next check`,
            );
          }
        }
      }
    }
  }

  private async safely(log: Logger, what: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      log.error({ err: error }, `could not ${what} in FLIGHTIQ_ALERT_CHANNEL`);
    }
  }
}

function toAlert(tenant: Tenant, health: TenantHealth, problem: Problem | undefined): CredentialAlert {
  return {
    tenantId: tenant.id,
    tenantName: tenant.name,
    state: health.state,
    ...(problem ? { problem } : {}),
    failingSince: health.failingSince,
    lastCheckedAt: health.lastCheckedAt,
  };
}
