import { slashCommand } from '../../commands/subcommands.js';
import type { ApproversOutcome } from '../../core/tenants/approvers.js';
import { escapedShort, escapeMrkdwn, mention, slackDate } from './mrkdwn.js';
import { type Notice, notice } from './notices.js';

/** What `/flightiq tenant approvers` answers; `refused` is what a refusal says (readers' or admins'). */
export function tenantApproversMessage(outcome: ApproversOutcome, refused: string): Notice {
  switch (outcome.outcome) {
    case 'refused':
      return notice(refused);
    case 'not_found':
      return notice(
        `There is no tenant named "${escapedShort(outcome.asked, 100)}". ${outcome.tenants.length > 0 ? `Tenants: ${outcome.tenants.map((name) => `\`${escapeMrkdwn(name)}\``).join(', ')}.` : 'No tenants exist yet.'}`,
      );
    default: {
      const name = escapeMrkdwn(outcome.tenant.name);
      const people = (ids: readonly string[]) => (ids.length > 0 ? ids.map(mention).join(', ') : 'nobody');
      const lead = outcome.outcome === 'changed' ? ':white_check_mark: Saved. ' : '';
      const who = outcome.own
        ? `Promotions and rollbacks into *${name}*'s protected environments are approved by its own approvers: ${people(outcome.own.ids)} (set by <@${outcome.own.setBy}> ${slackDate(outcome.own.setAt)}).`
        : `*${name}* has no approvers of its own: promotions and rollbacks into its protected environments are approved by FLIGHTIQ_APPROVERS: ${people(outcome.fallback)}.`;
      const how = outcome.own
        ? `\`${slashCommand} tenant approvers ${name} = default\` goes back to FLIGHTIQ_APPROVERS.`
        : `An admin names its own with \`${slashCommand} tenant approvers ${name} = @person @group\`.`;
      return notice(`${lead}${who} ${how}`);
    }
  }
}

export const approversAdminOnlyText =
  "Only FlightIQ admins can change a tenant's approvers. Ask a FlightIQ admin (or a workspace admin, when no FlightIQ admins are configured).";
