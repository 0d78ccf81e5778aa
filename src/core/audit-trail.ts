import { stringify } from 'csv-stringify/sync';
import type pg from 'pg';
import {
  type AuditEvent,
  type AuditFilter,
  latestAuditEvents,
  recordAuditEvent,
} from '../store/audit-events.js';
import type { AccessPolicy, Actor } from './access.js';
import type { Clock } from './clock.js';

export { refusalsSummaryAction } from '../store/audit-events.js';
// Front ends show events and filters as core hands them over; they never read the store themselves.
export type { AuditEvent, AuditFilter };

/** Most events shown in one answer, and most written to one CSV. */
export const maxAuditShown = 50;
const maxAuditCsv = 10_000;

/** `/flightiq audit`: the audit trail, for admins only (it names who did what to which tenant). */
export class AuditTrail {
  constructor(private readonly deps: { pool: pg.Pool; access: AccessPolicy; clock: Clock }) {}

  async latest(
    actor: Actor,
    count: number,
    filter: AuditFilter = {},
  ): Promise<{ outcome: 'refused' } | { outcome: 'events'; events: AuditEvent[] }> {
    if (!(await this.allowed(actor, 'audit.read'))) return { outcome: 'refused' };
    const limit = Math.min(Math.max(1, Math.floor(count)), maxAuditShown);
    return { outcome: 'events', events: await latestAuditEvents(this.deps.pool, limit, filter) };
  }

  async csv(
    actor: Actor,
    filter: AuditFilter = {},
  ): Promise<{ outcome: 'refused' } | { outcome: 'csv'; filename: string; content: string; rows: number }> {
    if (!(await this.allowed(actor, 'audit.export'))) return { outcome: 'refused' };
    const events = await latestAuditEvents(this.deps.pool, maxAuditCsv, filter);
    const content = stringify(
      events.map((event) => [
        event.occurredAt.toISOString(),
        event.actorId,
        event.teamId ?? '',
        event.action,
        event.tenant ?? '',
        event.outcome,
        JSON.stringify(event.details ?? {}),
      ]),
      {
        header: true,
        columns: ['Time', 'Slack user', 'Team', 'Action', 'Tenant', 'Outcome', 'Details'],
        escape_formulas: true,
      },
    );
    return {
      outcome: 'csv',
      filename: `flightiq-audit-${this.deps.clock.now().toISOString().slice(0, 10)}.csv`,
      content,
      rows: events.length,
    };
  }

  private async allowed(actor: Actor, action: string): Promise<boolean> {
    if (await this.deps.access.isAdmin(actor)) return true;
    await recordAuditEvent(this.deps.pool, {
      actorId: actor.userId,
      teamId: actor.teamId,
      action,
      outcome: 'refused',
      details: { reason: 'not an admin' },
    });
    return false;
  }
}
