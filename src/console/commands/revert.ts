import { parseOptions } from '../../commands/command-options.js';
import { usageOf } from '../../commands/subcommands.js';
import { readReason } from '../../core/promotion/reason.js';
import { pickTenant, type Session } from '../session.js';
import { offerToSettle } from './promote.js';

/** `revert <flow> --env <env> --to <version>`: planned, approved and run like a promotion. */
export async function revertCommand(args: string[], session: Session): Promise<void> {
  const { services, actor, say } = session;
  const options = parseOptions(args, { values: ['env', 'to', 'tenant'], phrases: ['reason'] });
  const flow = options.positional.join(' ').trim();
  const reason = readReason(options.values.reason);
  const version = /^v?(\d{1,9})$/i.exec(options.values.to?.trim() ?? '')?.[1];
  if (!flow || !options.values.env || !version || options.problems.length > 0 || !reason.ok) {
    say(`Usage: ${usageOf('revert')}`);
    return;
  }
  const tenant = await pickTenant(session, options.values.tenant);
  if (!tenant) return;
  const outcome = await services.promotions.request(actor, {
    tenant,
    flow,
    from: options.values.env,
    to: options.values.env,
    options: { asNew: false, withSubflows: false, revertTo: Number(version) },
    reason: reason.reason,
  });
  await offerToSettle(outcome, session);
}
