import { slashCommand } from '../../../commands/subcommands.js';
import type { Actor } from '../../../core/access.js';
import type { CoreServices } from '../../../core/services.js';
import { chooseRequestTenant, chooseTenant, type TenantChoice } from '../../../core/tenants/choice.js';
import type { Tenant } from '../../../core/tenants/service.js';
import { actorOf } from '../../actor.js';
import { escapedShort, escapeMrkdwn } from '../../views/mrkdwn.js';
import { notice } from '../../views/notices.js';
import type { SubcommandRequest } from './flightiq.js';

export const readersOnlyText =
  'You are not allowed to run FlightIQ read commands. Ask a FlightIQ admin to add you (or a user group you are in) to FLIGHTIQ_READERS.';

/**
 * What every read command (test, envs, list) does first, after its acknowledgement: check that the
 * caller may read, and find the tenant meant. Answers the user itself and resolves to null when the
 * command cannot go on.
 */
export async function readerAndTenant(
  request: SubcommandRequest,
  services: CoreServices,
  action: string,
  tenantName: string | undefined,
  /** A command naming a pair of environments (`mappings`): its `--from`, which may name the tenant. */
  from?: string,
): Promise<{ actor: Actor; tenant: Tenant } | null> {
  const actor = actorOf(request.command);
  const reply = (text: string) =>
    request.respond({ response_type: 'ephemeral', replace_original: true, ...notice(text) });
  if (!(await services.tenants.authorizeReader(actor, action, tenantName))) {
    await reply(readersOnlyText);
    return null;
  }
  const choice =
    from === undefined
      ? await chooseTenant(services.tenants, tenantName)
      : await chooseRequestTenant(services.tenants, { tenant: tenantName, from });
  if (choice.ok) return { actor, tenant: choice.tenant };
  await reply(tenantChoiceText(choice));
  return null;
}

/** Why no tenant could be chosen, and what to type instead. */
export function tenantChoiceText(choice: Extract<TenantChoice, { ok: false }>): string {
  const names = choice.names.map((name) => `\`${escapeMrkdwn(name)}\``).join(', ');
  if (choice.reason === 'none_configured') {
    return `No tenant is configured yet. A FlightIQ admin can add one with \`${slashCommand} tenant add\`.`;
  }
  if (choice.reason === 'name_needed') return `Which tenant? Name one with \`--tenant <name>\`: ${names}.`;
  return `There is no tenant named "${escapedShort(choice.asked ?? '', 100)}". Tenants: ${names || 'none yet'}.`;
}
