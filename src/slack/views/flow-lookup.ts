import type { EnvironmentSummary } from '../../core/environments.js';
import type { FlowLookup } from '../../core/promotion/plan/types.js';
import { escapedShort, escapeMrkdwn, shorten } from './mrkdwn.js';
import { notice } from './notices.js';

/** A flow asked for by name that an environment has none of, or more than one of: what to type instead. */
export function flowNotFoundMessage(outcome: {
  lookup: Extract<FlowLookup, { ok: false }>;
  asked: string;
  environment: EnvironmentSummary;
}) {
  const shown = outcome.lookup.candidates.slice(0, 20).map((name) => `• ${escapedShort(name, 120)}`);
  const intro =
    outcome.lookup.reason === 'ambiguous'
      ? `*${escapeMrkdwn(outcome.environment.name)}* has more than one flow named "${escapedShort(outcome.asked, 100)}"; name it by ID:`
      : `*${escapeMrkdwn(outcome.environment.name)}* has no flow named "${escapedShort(outcome.asked, 100)}".${shown.length > 0 ? ' Flows there:' : ''}`;
  return notice(shorten([intro, ...shown].join('\n'), 3000));
}
