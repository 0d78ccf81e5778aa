import { auditUsage, parseAuditRequest } from '../../../commands/audit-options.js';
import { slashCommand } from '../../../commands/subcommands.js';
import { maxAuditShown } from '../../../core/audit-trail.js';
import type { CoreServices } from '../../../core/services.js';
import { actorOf } from '../../actor.js';
import { auditMessage } from '../../views/audit.js';
import { notice } from '../../views/notices.js';
import type { SubcommandHandler } from './flightiq.js';

export const auditAdminsOnlyText = 'Only FlightIQ admins can read the audit trail.';

/** `/flightiq audit [<count>] [filters]`: the latest audit events (admins only). */
export function auditSubcommand(services: CoreServices): SubcommandHandler {
  return async (request) => {
    const parsed = parseAuditRequest(request.args, { defaultCount: 20, maxCount: maxAuditShown });
    if (!parsed.ok) {
      await request.ack({
        response_type: 'ephemeral',
        ...notice(`${parsed.problem} Usage: \`${slashCommand} ${auditUsage}\``),
      });
      return;
    }
    await request.ack();
    const actor = actorOf(request.command);
    const { count, filter } = parsed.request;
    const result = await services.audit.latest(actor, count, filter);
    await request.respond({
      response_type: 'ephemeral',
      ...(result.outcome === 'refused' ? notice(auditAdminsOnlyText) : auditMessage(result.events, filter)),
    });
  };
}
