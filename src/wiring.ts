import type { Config } from './config.js';
import { AccessPolicy, type WorkspaceDirectory } from './core/access.js';
import { AuditTrail } from './core/audit-trail.js';
import { type Clock, systemClock } from './core/clock.js';
import { CredentialCheck } from './core/credentials/check.js';
import { type AlertNotifier, CredentialMonitor } from './core/credentials/monitor.js';
import { FlowVersionReader } from './core/davinci/flow-versions.js';
import { EnvironmentDirectory } from './core/environments.js';
import { DatabaseSlots } from './core/fair-use.js';
import { ArtifactListing } from './core/listing/artifact-listing.js';
import { MappingService } from './core/mappings/service.js';
import { PolicyChainReader } from './core/policies/chain.js';
import { PromotionPlanner } from './core/promotion/plan/planner.js';
import { ProtectionPolicy } from './core/promotion/protection.js';
import { type PromotionNotifier, PromotionService } from './core/promotion/service.js';
import type { CoreServices } from './core/services.js';
import { TenantApprovers } from './core/tenants/approvers.js';
import { TenantService } from './core/tenants/service.js';
import type { KeyRing } from './crypto/key-ring.js';
import type { Database } from './db/database.js';
import type { Logger } from './logger.js';
import { PingOneClient } from './pingone/client.js';

/**
 * Builds core once for any front end: Slack passes its workspace directory and notifiers; the local
 * console passes none and a single local user who holds every role.
 */
export function createCoreServices(parts: {
  config: Config;
  database: Database;
  keys: KeyRing;
  logger: Logger;
  directory: WorkspaceDirectory;
  teamId: string;
  alerts: AlertNotifier;
  promotionNotifier?: PromotionNotifier;
  /** The one person of a local console: admin, reader, operator and approver. */
  singleUser?: string;
  /** The time every decision of core is taken by; tests pass one they can move. */
  clock?: Clock;
}): CoreServices {
  const { config, database, logger, singleUser } = parts;
  const clock = parts.clock ?? systemClock;
  const access = new AccessPolicy({
    admins: singleUser ? [singleUser] : config.admins,
    readers: config.readers,
    operators: singleUser ? [singleUser] : config.promotions.operators,
    approvers: singleUser ? [singleUser] : config.promotions.approvers,
    directory: parts.directory,
    teamId: parts.teamId,
  });
  const pingone = new PingOneClient({ overrides: config.pingone, logger });
  const tenants = new TenantService({
    pool: database.pool,
    keys: parts.keys,
    access,
    logger,
    credentialsChanged: (tenantId) => pingone.tokens.forgetTenant(tenantId),
  });
  const environments = new EnvironmentDirectory({ pingone, tenants });
  const monitor = new CredentialMonitor({
    pool: database.pool,
    pingone,
    tenants,
    environments,
    logger,
    alerts: parts.alerts,
    alertChannel: singleUser ? undefined : config.alerts.channel,
    certificateWarningDays: config.alerts.certificateWarningDays,
    clock,
    driftAlerts: config.alerts.driftAlerts,
  });
  const policies = new PolicyChainReader({ pingone, tenants, environments, monitor });
  const mappings = new MappingService({
    pool: database.pool,
    pingone,
    tenants,
    environments,
    access,
    clock,
    monitor,
  });
  const tenantApprovers = new TenantApprovers({ pool: database.pool, tenants, access, clock });
  return {
    clock,
    access,
    tenants,
    tenantApprovers,
    checks: new CredentialCheck({ pool: database.pool, pingone, tenants, logger, monitor }),
    environments,
    monitor,
    audit: new AuditTrail({ pool: database.pool, access, clock }),
    commandSlots: new DatabaseSlots({ pool: database.pool, perPerson: config.commandsPerPerson, logger }),
    listing: new ArtifactListing({
      pool: database.pool,
      pingone,
      tenants,
      environments,
      access,
      monitor,
      clock,
    }),
    policies,
    mappings,
    versions: new FlowVersionReader({
      pool: database.pool,
      pingone,
      tenants,
      environments,
      planner: new PromotionPlanner(pingone),
      monitor,
    }),
    promotions: new PromotionService({
      pool: database.pool,
      pingone,
      tenants,
      environments,
      access,
      protection: new ProtectionPolicy({
        pool: database.pool,
        listed: config.promotions.protectedEnvironments,
      }),
      logger,
      settings: { ...config.promotions, singleUser },
      ...(parts.promotionNotifier ? { notifier: parts.promotionNotifier } : {}),
      monitor,
      policies,
      profiles: mappings,
      // One person alone approves everything in single-user mode, whatever a tenant's list says.
      ...(singleUser ? {} : { approvers: tenantApprovers }),
      clock,
    }),
  };
}
