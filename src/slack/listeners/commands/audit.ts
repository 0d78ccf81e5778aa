import { slashCommand } from '../../../commands/subcommands.js';
import type { CoreServices } from '../../../core/services.js';
import { auditMessage } from '../../views/audit.js';
import { notice } from '../../views/notices.js';
import type { SubcommandHandler } from './flightiq.js';

export const auditAdminsOnlyText = 'Only FlightIQ admins can read the audit trail.';

/** `/flightiq audit [<count>]`: the latest audit events (admins only). */
export function auditSubcommand(services: CoreServices): SubcommandHandler {
  return async (request) => {
    const [word, ...extra] = request.args;
    const count = word === undefined ? 20 : Number(word);
    if (extra.length > 0 || !Number.isInteger(count) || count < 1) {
      await request.ack({
        response_type: 'ephemeral',
        ...notice(
          `Usage: \`${slashCommand} audit [<count>]\`, where <count> is a whole number from 1 to 50 (default 20).`,
        ),
      });
      return;
    }
    await request.ack();
    const actor = { userId: request.command.user_id, teamId: request.command.team_id };
    const result = await services.audit.latest(actor, count);
    await request.respond({
      response_type: 'ephemeral',
      ...(result.outcome === 'refused' ? notice(auditAdminsOnlyText) : auditMessage(result.events)),
    });
  };
}
