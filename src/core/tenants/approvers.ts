import type pg from 'pg';
import { recordAuditEvent } from '../../store/audit-events.js';
import { inTransaction } from '../../store/queryable.js';
import {
  replaceTenantApprovers,
  type TenantApproverList,
  tenantApproverList,
} from '../../store/tenant-approvers.js';
import type { AccessPolicy, Actor } from '../access.js';
import type { Clock } from '../clock.js';
import type { Tenant, TenantService } from './service.js';

/**
 * Approvers of the destination (docs/promotions.md, "Approvers of the destination"): a tenant may name
 * its own approvers, who then alone decide on promotions (and rollbacks) into its protected
 * environments; a tenant without its own list has FLIGHTIQ_APPROVERS. Production kept in an
 * organization of its own is approved by the people who answer for it, not by whoever approves
 * development's. Readers may see a tenant's list; only admins change it, each change audited with the
 * list before and after.
 */

/** Most approvers, users and user groups together, one tenant names. */
export const maxTenantApprovers = 100;

export interface TenantApproversView {
  tenant: Tenant;
  /** The tenant's own list; null when it has FLIGHTIQ_APPROVERS. */
  own: TenantApproverList | null;
  /** FLIGHTIQ_APPROVERS, which a tenant without its own list has. */
  fallback: readonly string[];
}

export type ApproversOutcome =
  | { outcome: 'refused' }
  | { outcome: 'not_found'; asked: string; tenants: string[] }
  | ({ outcome: 'approvers' } & TenantApproversView)
  | ({ outcome: 'changed'; before: string[] | null } & TenantApproversView);

export class TenantApprovers {
  constructor(
    private readonly deps: {
      pool: pg.Pool;
      tenants: TenantService;
      access: AccessPolicy;
      clock: Clock;
    },
  ) {}

  /** Who may approve into this tenant's protected environments: its own list, else FLIGHTIQ_APPROVERS. */
  async of(tenantId: string): Promise<readonly string[]> {
    return (await tenantApproverList(this.deps.pool, tenantId))?.ids ?? this.deps.access.approverIds();
  }

  /** `/flightiq tenant approvers <tenant>`: for readers. */
  async show(actor: Actor, name: string): Promise<ApproversOutcome> {
    if (!(await this.deps.tenants.authorizeReader(actor, 'tenant.approvers', name)))
      return { outcome: 'refused' };
    const tenant = await this.deps.tenants.findByName(name);
    if (!tenant) return this.notFound(name);
    return { outcome: 'approvers', ...(await this.viewOf(tenant)) };
  }

  /**
   * `/flightiq tenant approvers <tenant> = <people and groups>`, or `= default` (`ids` null) to go back
   * to FLIGHTIQ_APPROVERS: admins only. Approvals already given are checked against the new list when
   * the next one is counted, like approvals of someone who lost the role.
   */
  async set(actor: Actor, name: string, ids: readonly string[] | null): Promise<ApproversOutcome> {
    if (!(await this.deps.tenants.authorizeAdmin(actor, 'tenant.approvers', name)))
      return { outcome: 'refused' };
    const tenant = await this.deps.tenants.findByName(name);
    if (!tenant) return this.notFound(name);
    const next = ids === null ? null : [...new Set(ids)].slice(0, maxTenantApprovers);
    const before = await inTransaction(this.deps.pool, async (client) => {
      const replaced = await replaceTenantApprovers(
        client,
        tenant.id,
        next && { ids: next, setBy: actor.userId, setAt: this.deps.clock.now() },
      );
      await recordAuditEvent(client, {
        actorId: actor.userId,
        teamId: actor.teamId,
        action: 'tenant.approvers',
        tenant: tenant.name,
        outcome: 'succeeded',
        details: { before: replaced, after: next },
      });
      return replaced;
    });
    return { outcome: 'changed', before, ...(await this.viewOf(tenant)) };
  }

  private async viewOf(tenant: Tenant): Promise<TenantApproversView> {
    return {
      tenant,
      own: await tenantApproverList(this.deps.pool, tenant.id),
      fallback: this.deps.access.approverIds(),
    };
  }

  private async notFound(asked: string): Promise<ApproversOutcome> {
    return {
      outcome: 'not_found',
      asked,
      tenants: (await this.deps.tenants.list()).map((tenant) => tenant.name),
    };
  }
}
