import { parseOptions } from '../../commands/command-options.js';
import type { FlowVersionLine, FlowVersionsOutcome } from '../../core/davinci/flow-versions.js';
import { environmentMatchText, problemText } from '../render.js';
import { pickTenant, type Session } from '../session.js';

const usage = 'Usage: versions <flow> --env <env> [--tenant <t>]';

/** `versions <flow> --env <env>`: a flow's saved versions, newest first, and which FlightIQ wrote. */
export async function versionsCommand(args: string[], session: Session): Promise<void> {
  const { services, actor, say } = session;
  const options = parseOptions(args, { values: ['env', 'tenant'] });
  const flow = options.positional.join(' ').trim();
  if (!flow || !options.values.env || options.problems.length > 0) return say(usage);
  const tenant = await pickTenant(session, options.values.tenant);
  if (!tenant) return;
  say(versionsText(await services.versions.read(actor, tenant, flow, options.values.env)));
}

function versionsText(outcome: FlowVersionsOutcome): string {
  switch (outcome.outcome) {
    case 'versions': {
      const { flow, environment, versions } = outcome.history;
      return [
        `${flow.name} in ${environment.name} (${flow.id}): ${versions.length} version(s)`,
        ...versions.map(versionLine),
      ].join('\n');
    }
    case 'refused':
      return 'You may not run read commands.';
    case 'environment_not_matched':
      return environmentMatchText(outcome.match);
    case 'no_davinci':
      return `${outcome.environment.name} has no DaVinci, so it has no flows.`;
    case 'flow_not_found':
      return `${outcome.environment.name} has no flow named "${outcome.asked}". ${outcome.lookup.candidates.slice(0, 20).join(', ')}`;
    case 'failed':
      return problemText(outcome.problem);
  }
}

function versionLine(line: FlowVersionLine): string {
  const parts = [
    `  v${line.version}${line.live ? ' (deployed)' : ''}${line.current && !line.live ? ' (latest saved)' : ''}`,
    line.alias ? `"${line.alias}"` : '',
    line.savedAt ? `saved ${line.savedAt.toISOString()}` : '',
    line.deployedAt ? `deployed ${line.deployedAt.toISOString()}` : '',
    line.writtenBy ? writtenText(line.writtenBy) : '',
  ];
  return parts.filter(Boolean).join(' · ');
}

function writtenText(by: NonNullable<FlowVersionLine['writtenBy']>): string {
  const id = by.promotionId.slice(0, 8);
  if (by.action === 'restore') return `put back by FlightIQ, rollback of promotion ${id}`;
  if (by.action === 'revert') return `reverted by FlightIQ, promotion ${id}`;
  return `written by FlightIQ, promotion ${id} from ${by.fromEnvName}`;
}
