import { approverArguments } from '../../../commands/approver-arguments.js';
import { slashCommand } from '../../../commands/subcommands.js';
import type { CoreServices } from '../../../core/services.js';
import type { Tenant } from '../../../core/tenants/service.js';
import { actorOf } from '../../actor.js';
import { deadTriggerText, openModal, openThenFill } from '../../modal-opening.js';
import { escapedShort, escapeMrkdwn } from '../../views/mrkdwn.js';
import { adminOnlyText, notice } from '../../views/notices.js';
import { approversAdminOnlyText, tenantApproversMessage } from '../../views/tenant-approvers.js';
import { noticeModal, tenantFormModal } from '../../views/tenant-form.js';
import { tenantListMessage } from '../../views/tenant-list.js';
import { confirmRemoveMessage } from '../../views/tenant-remove.js';
import type { SubcommandHandler } from './flightiq.js';
import { readersOnlyText } from './read-preamble.js';

const usage = `Usage: \`${slashCommand} tenant add\`, \`${slashCommand} tenant edit <tenant>\`, \`${slashCommand} tenant remove <tenant>\`, \`${slashCommand} tenant approvers <tenant>\` or \`${slashCommand} tenant list\`.`;
const approversUsage = `Usage: \`${slashCommand} tenant approvers <tenant>\` shows them; \`… = @person @group\` names them; \`… = default\` goes back to FLIGHTIQ_APPROVERS.`;

/** `/flightiq tenant add | edit <tenant> | remove <tenant> | approvers <tenant> [= …] | list` */
export function tenantSubcommand({ tenants, tenantApprovers }: CoreServices): SubcommandHandler {
  return async (request) => {
    const [action = '', ...rest] = request.args;
    const name = rest.join(' ');
    const actor = actorOf(request.command);
    const reply = (text: string) =>
      request.respond({ response_type: 'ephemeral', replace_original: false, ...notice(text) });

    switch (action.toLowerCase()) {
      case 'list': {
        await request.ack();
        // Client and environment IDs are for readers, not for any guest who can type the command.
        if (!(await tenants.authorizeReader(actor, 'tenant.list')))
          return void (await reply(readersOnlyText));
        await request.respond({ response_type: 'ephemeral', ...tenantListMessage(await tenants.list()) });
        return;
      }
      case 'add': {
        // The trigger ID dies 3 s after the command: acknowledge, check, and open the form at once.
        await request.ack();
        if (!(await tenants.authorizeAdmin(actor, 'tenant.add'))) return void (await reply(adminOnlyText));
        if (!(await openModal(request.client, request.command.trigger_id, tenantFormModal()))) {
          await reply(deadTriggerText);
        }
        return;
      }
      case 'edit':
      case 'remove': {
        if (!name) {
          await request.ack({ response_type: 'ephemeral', ...notice(`Which tenant? ${usage}`) });
          return;
        }
        await request.ack();
        const auditAction = action.toLowerCase() === 'edit' ? 'tenant.edit' : 'tenant.remove';
        // The admin check is a cached directory read; the tenant is a database read, which may be slow,
        // so the form is opened (as "Loading…") before it and filled in after.
        if (!(await tenants.authorizeAdmin(actor, auditAction, name)))
          return void (await reply(adminOnlyText));
        if (auditAction === 'tenant.edit') {
          const opened = await openThenFill(
            request.client,
            request.command.trigger_id,
            'Edit tenant',
            async () => {
              const tenant = await tenants.findByName(name);
              return tenant
                ? tenantFormModal(tenant)
                : noticeModal('Unknown tenant', await unknownTenantText(name, await tenants.list()));
            },
          );
          if (!opened) await reply(deadTriggerText);
          return;
        }
        const tenant = await tenants.findByName(name);
        if (!tenant) return void (await reply(await unknownTenantText(name, await tenants.list())));
        await request.respond({ response_type: 'ephemeral', ...confirmRemoveMessage(tenant) });
        return;
      }
      case 'approvers': {
        const asked = approverArguments(rest);
        if (!asked.ok) {
          await request.ack(
            { response_type: 'ephemeral', ...notice(`${asked.problems.join('. ')}. ${approversUsage}`) },
            { final: true },
          );
          return;
        }
        await request.ack();
        const outcome =
          asked.change === undefined
            ? await tenantApprovers.show(actor, asked.tenant)
            : await tenantApprovers.set(actor, asked.tenant, asked.change);
        await request.respond({
          response_type: 'ephemeral',
          replace_original: false,
          ...tenantApproversMessage(
            outcome,
            asked.change === undefined ? readersOnlyText : approversAdminOnlyText,
          ),
        });
        return;
      }
      default:
        await request.ack({ response_type: 'ephemeral', ...notice(usage) });
    }
  };
}

async function unknownTenantText(name: string, all: Tenant[]): Promise<string> {
  const known = all.map((tenant) => `\`${escapeMrkdwn(tenant.name)}\``).join(', ');
  return `There is no tenant named "${escapedShort(name, 100)}". ${all.length > 0 ? `Tenants: ${known}.` : 'No tenants exist yet.'}`;
}
