import { parseOptions } from '../../commands/command-options.js';
import { planOptionsFrom } from '../../core/promotion/plan/types.js';
import { diffOutcomeText } from '../render.js';
import { pickTenant, type Session } from '../session.js';
import { planProblemText } from './promote.js';

/** `diff <flow> --from <env> --to <env>`: what promoting the flow would change, planned as a promotion is. */

export async function diffCommand(args: string[], session: Session): Promise<void> {
  const { services, actor, say } = session;
  const options = parseOptions(args, { values: ['from', 'to', 'tenant'], flags: ['no-subflows', 'saved'] });
  const flow = options.positional.join(' ').trim();
  if (!flow || !options.values.from || !options.values.to || options.problems.length > 0) {
    say('Usage: diff <flow> --from <env> --to <env> [--tenant <t>] [--no-subflows] [--saved]');
    return;
  }
  const tenant = await pickTenant(session, options.values.tenant, options.values.from);
  if (!tenant) return;
  const outcome = await services.promotions.diff(actor, {
    tenant,
    flow,
    from: options.values.from,
    to: options.values.to,
    options: planOptionsFrom(options.flags),
  });
  if (outcome.outcome === 'diff') {
    say(
      diffOutcomeText(
        `What promoting ${outcome.flowName} from ${outcome.from.name} to ${outcome.to.name} would change`,
        outcome.plan,
      ),
    );
    return;
  }
  say(planProblemText(outcome));
}
