import type { Actor } from '../core/access.js';
import type { CoreServices } from '../core/services.js';
import { chooseRequestTenant, chooseTenant, type TenantChoice } from '../core/tenants/choice.js';
import type { Tenant } from '../core/tenants/service.js';
import type { Prompter } from './prompter.js';

/** One person's console session, and what every command asks of it: a tenant by name, a yes or no. */

export interface Session {
  services: CoreServices;
  prompter: Prompter;
  actor: Actor;
  say: (text: string) => void;
}

export async function pickTenant(
  { services, say }: Session,
  name: string | undefined,
  /** `--from` of a promotion or diff, which may name the source's tenant (`Dev:Staging`). */
  from?: string,
): Promise<Tenant | null> {
  const choice: TenantChoice =
    from === undefined
      ? await chooseTenant(services.tenants, name)
      : await chooseRequestTenant(services.tenants, { tenant: name, from });
  if (choice.ok) return choice.tenant;
  if (choice.reason === 'none_configured') say('No tenant yet. Add one with: tenant add');
  else if (choice.reason === 'name_needed')
    say(`Which tenant? Add --tenant <name>. Tenants: ${choice.names.join(', ')}`);
  else say(`There is no tenant named "${choice.asked}". Tenants: ${choice.names.join(', ') || 'none yet'}`);
  return null;
}

/** y/yes or n/no; Enter (or anything else) takes the default; null once the input has ended. */
export async function askYesNo(
  prompter: Prompter,
  question: string,
  byDefault: boolean,
): Promise<boolean | null> {
  const answer = await prompter.ask(question);
  if (answer === null) return null;
  const word = answer.trim().toLowerCase();
  if (word === 'y' || word === 'yes') return true;
  if (word === 'n' || word === 'no') return false;
  return byDefault;
}
