import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import { auditUsage, parseAuditRequest } from '../commands/audit-options.js';
import { splitWords } from '../commands/command-line.js';
import { parseOptions } from '../commands/command-options.js';
import { subcommandCatalog } from '../commands/subcommands.js';
import { tenantArgument } from '../commands/tenant-argument.js';
import type { Actor } from '../core/access.js';
import { maxAuditShown } from '../core/audit-trail.js';
import { waitText, withCallContext } from '../core/pingone-work.js';
import { problemOf } from '../core/problem.js';
import type { CoreServices } from '../core/services.js';
import type { Logger } from '../logger.js';
import { decisionCommand, promotionCalled } from './commands/decisions.js';
import { diffCommand } from './commands/diff.js';
import { listCommand } from './commands/list.js';
import { mappingsCommand } from './commands/mappings.js';
import { promoteCommand } from './commands/promote.js';
import { revertCommand } from './commands/revert.js';
import { tenantCommand } from './commands/tenant.js';
import { versionsCommand } from './commands/versions.js';
import { Interrupted, type Prompter } from './prompter.js';
import {
  auditText,
  checkReportText,
  environmentsText,
  problemText,
  promotionsText,
  promotionText,
} from './render.js';
import { pickTenant, type Session } from './session.js';

/**
 * The one person at the terminal: admin, reader, operator and approver of a single-user setup, named in
 * the audit trail by the machine's user name.
 */
export const consoleUser = `local:${localUserName()}`;

function localUserName(): string {
  try {
    return userInfo().username || 'unknown';
  } catch {
    return process.env.USER ?? 'unknown';
  }
}

/**
 * The local console: the same sub-commands as `/flightiq`, typed at `flightiq> `, run against the same
 * core and database, with answers as text and the tenant form asked field by field (the secret
 * without echo). A second front end on core: command logic lives there, not here. A command that
 * fails in a way nobody foresaw is answered in one line with a reference to the log entry that has
 * the cause, and the console goes on.
 */
export async function runConsole(services: CoreServices, prompter: Prompter, logger: Logger): Promise<void> {
  const actor: Actor = { userId: consoleUser };
  const say = (text: string) => prompter.write(`${text}\n`);
  say('FlightIQ console. Type "help" for the commands, "quit" to leave.');
  for (;;) {
    let line: string | null;
    try {
      line = await prompter.ask('flightiq> ');
    } catch (error) {
      if (error instanceof Interrupted) continue;
      throw error;
    }
    if (line === null) break;
    const [name = '', ...args] = splitWords(line.replace(/^\/?flightiq\s+/, ''));
    const command = name.toLowerCase();
    if (command === '') continue;
    if (command === 'quit' || command === 'exit') break;
    try {
      // No overall deadline at a terminal (a promotion approved in place runs within it); waits are said.
      await withCallContext({ onWait: (wait) => say(`(${waitText(wait)})`) }, () =>
        run(command, args, { services, prompter, actor, say }),
      );
    } catch (error) {
      if (error instanceof Interrupted) {
        // Anything the command had written is done and kept; what it was still asking is dropped.
        say(`Stopped "${command}" at your Ctrl-C; nothing more was done. "quit" (or Ctrl-D) leaves.`);
        continue;
      }
      const problem = problemOf(error);
      if (problem) {
        say(problemText(problem));
        continue;
      }
      const reference = randomBytes(4).toString('hex');
      logger.error({ err: error, reference, command }, `console command "${command}" failed`);
      say(`Sorry, FlightIQ failed to do that (reference ${reference}); the log has the cause.`);
    }
  }
  say('Bye.');
}

/** What Slack does with buttons (and a Download CSV button), the console does with commands. */
const consoleCommands: readonly { usage: string; summary: string }[] = [
  {
    usage: 'show <id>',
    summary: 'A promotion whole, as its card shows it: the plan, what changes, its state.',
  },
  {
    usage: 'approve <id>',
    summary:
      'Approve a promotion into a protected environment (Approve), or a rollback asked for (Approve rollback).',
  },
  {
    usage: 'reject <id>',
    summary:
      'Reject a promotion waiting for an approver (Reject), or a rollback asked for (Reject rollback).',
  },
  { usage: 'run <id>', summary: 'Run your promotion into an unprotected environment (Run).' },
  { usage: 'cancel <id>', summary: 'Withdraw your promotion before it runs; nothing is written (Cancel).' },
  {
    usage: 'rollback <id>',
    summary: 'Undo what a promotion wrote, while its rollback is offered (Rollback).',
  },
  {
    usage: 'list <kind> --env <env> [--tenant <t>] [filter words] --csv <file>',
    summary: 'Also write the whole list, every column, to a CSV file (Download CSV).',
  },
];

/** Each usage on a line of its own and its summary indented under it: long usages cannot push it out of line. */
export function helpText(): string {
  const entry = ({ usage, summary }: { usage: string; summary: string }) => `  ${usage}\n      ${summary}`;
  return [
    ...subcommandCatalog.map(entry),
    '',
    'Buttons in Slack, commands here:',
    ...consoleCommands.map(entry),
    `  <id> is a promotion's ID as "promotions recent" shows it; its first 8 characters are enough.`,
    '',
    entry({ usage: 'quit', summary: 'Leave the console (or: exit).' }),
  ].join('\n');
}

async function run(command: string, args: string[], session: Session): Promise<void> {
  const { services, actor, say } = session;
  switch (command) {
    case 'help':
      say(helpText());
      return;
    case 'tenant':
      return tenantCommand(args, session);
    case 'test': {
      const named = tenantArgument(args);
      if (!named.ok) {
        say(`${named.problem} Usage: test [<tenant>] or test --tenant <tenant>`);
        return;
      }
      const tenant = await pickTenant(session, named.name);
      if (!tenant) return;
      const checked = await services.checks.run(actor, tenant);
      say(checked.outcome === 'checked' ? checkReportText(checked.report) : 'You may not run read commands.');
      return;
    }
    case 'envs': {
      const options = parseOptions(args, { values: ['tenant'] });
      const tenant = await pickTenant(session, options.values.tenant);
      if (!tenant) return;
      const { environments } = await services.environments.list(tenant);
      say(environmentsText(tenant.name, environments));
      return;
    }
    case 'list':
      return listCommand(args, session);
    case 'promote':
      return promoteCommand(args, session);
    case 'diff':
      return diffCommand(args, session);
    case 'versions':
      return versionsCommand(args, session);
    case 'mappings':
      return mappingsCommand(args, session);
    case 'revert':
      return revertCommand(args, session);
    case 'promotions': {
      const which = args[0] === 'recent' ? 'recent' : 'pending';
      say(promotionsText(await services.promotions.list(which)));
      return;
    }
    case 'show': {
      const promotion = args.length > 0 ? await promotionCalled(args.join(' ').trim(), session) : null;
      if (args.length === 0) say(`Usage: show <id>, with the ID "promotions recent" shows.`);
      if (promotion) say(promotionText(promotion));
      return;
    }
    case 'approve':
    case 'reject':
    case 'run':
    case 'cancel':
    case 'rollback':
      return decisionCommand(command, args, session);
    case 'audit': {
      const parsed = parseAuditRequest(args, { defaultCount: 20, maxCount: maxAuditShown });
      if (!parsed.ok) {
        say(`${parsed.problem} Usage: ${auditUsage}`);
        return;
      }
      const result = await services.audit.latest(actor, parsed.request.count, parsed.request.filter);
      say(
        result.outcome === 'events'
          ? auditText(result.events, Object.keys(parsed.request.filter).length > 0)
          : 'Only admins can read the audit trail.',
      );
      return;
    }
    default:
      say(`"${command}" is not a FlightIQ command. Type "help".`);
  }
}
