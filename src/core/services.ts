import type { AccessPolicy } from './access.js';
import type { AuditTrail } from './audit-trail.js';
import type { Clock } from './clock.js';
import type { CredentialCheck } from './credentials/check.js';
import type { CredentialMonitor } from './credentials/monitor.js';
import type { FlowVersionReader } from './davinci/flow-versions.js';
import type { EnvironmentDirectory } from './environments.js';
import type { PersonSlots } from './fair-use.js';
import type { ArtifactListing } from './listing/artifact-listing.js';
import type { MappingService } from './mappings/service.js';
import type { PolicyChainReader } from './policies/chain.js';
import type { PromotionService } from './promotion/service.js';
import type { TenantApprovers } from './tenants/approvers.js';
import type { TenantService } from './tenants/service.js';

/** What the product can do, as front ends (Slack today, a console later) see it. */
export interface CoreServices {
  /** The time core decides by; front ends show times relative to it. */
  clock: Clock;
  access: AccessPolicy;
  tenants: TenantService;
  /** Who approves into each tenant's protected environments. */
  tenantApprovers: TenantApprovers;
  checks: CredentialCheck;
  environments: EnvironmentDirectory;
  monitor: CredentialMonitor;
  listing: ArtifactListing;
  promotions: PromotionService;
  /** Mapping profiles: which destination object stands for a source one that names do not find. */
  mappings: MappingService;
  /** DaVinci applications, their flow policies and the PingOne applications that use them. */
  policies: PolicyChainReader;
  /** A flow's saved versions, and which FlightIQ wrote. */
  versions: FlowVersionReader;
  audit: AuditTrail;
  /** Commands and clicks that call PingOne, per person at once, across replicas. */
  commandSlots: PersonSlots;
}
