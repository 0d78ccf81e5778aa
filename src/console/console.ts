import { writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { splitWords } from '../commands/command-line.js';
import { parseOptions } from '../commands/command-options.js';
import { subcommandCatalog } from '../commands/subcommands.js';
import type { Actor } from '../core/access.js';
import { artifactKindNamed, artifactKindNames, kindNoun } from '../core/artifact-kinds.js';
import { waitText, withCallContext } from '../core/pingone-work.js';
import { problemOf } from '../core/problem.js';
import type { RequestOutcome } from '../core/promotions.js';
import type { CoreServices } from '../core/services.js';
import { chooseTenant } from '../core/tenant-choice.js';
import { authMethodNames, regionNames, type TenantField } from '../core/tenant-input.js';
import type { Tenant } from '../core/tenants.js';
import type { Prompter } from './prompter.js';
import {
  auditText,
  checkReportText,
  diffOutcomeText,
  environmentMatchText,
  environmentsText,
  listText,
  problemText,
  promotionsText,
  promotionText,
  tenantsText,
} from './render.js';

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

const listShown = 100;

/**
 * The local console: the same sub-commands as `/flightiq`, typed at `flightiq> `, run against the same
 * core and database, with answers as text and the tenant form asked field by field (the secret
 * without echo). A second front end on core: command logic lives there, not here.
 */
export async function runConsole(services: CoreServices, prompter: Prompter): Promise<void> {
  const actor: Actor = { userId: consoleUser };
  const say = (text: string) => prompter.write(`${text}\n`);
  say('FlightIQ console. Type "help" for the commands, "quit" to leave.');
  for (;;) {
    const line = await prompter.ask('flightiq> ');
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
      const problem = problemOf(error);
      if (!problem) throw error;
      say(problemText(problem));
    }
  }
  say('Bye.');
}

interface Session {
  services: CoreServices;
  prompter: Prompter;
  actor: Actor;
  say: (text: string) => void;
}

async function run(command: string, args: string[], session: Session): Promise<void> {
  const { services, actor, say } = session;
  switch (command) {
    case 'help':
      say(
        [...subcommandCatalog.map((sub) => `  ${sub.usage.padEnd(40)} ${sub.summary}`), '  quit'].join('\n'),
      );
      return;
    case 'tenant':
      return tenantCommand(args, session);
    case 'test': {
      const tenant = await pickTenant(session, args.join(' ').trim() || undefined);
      if (tenant) say(checkReportText(await services.checks.run(actor, tenant)));
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
    case 'promotions': {
      const which = args[0] === 'recent' ? 'recent' : 'pending';
      say(promotionsText(await services.promotions.list(which)));
      return;
    }
    case 'audit': {
      const result = await services.audit.latest(actor, Number(args[0] ?? 20) || 20);
      say(result.outcome === 'events' ? auditText(result.events) : 'Only admins can read the audit trail.');
      return;
    }
    default:
      say(`"${command}" is not a FlightIQ command. Type "help".`);
  }
}

async function pickTenant({ services, say }: Session, name: string | undefined): Promise<Tenant | null> {
  const choice = await chooseTenant(services.tenants, name);
  if (choice.ok) return choice.tenant;
  if (choice.reason === 'none_configured') say('No tenant yet. Add one with: tenant add');
  else if (choice.reason === 'name_needed')
    say(`Which tenant? Add --tenant <name>. Tenants: ${choice.names.join(', ')}`);
  else say(`There is no tenant named "${choice.asked}". Tenants: ${choice.names.join(', ') || 'none yet'}`);
  return null;
}

async function listCommand(args: string[], session: Session): Promise<void> {
  const { services, actor, say } = session;
  const options = parseOptions(args, { values: ['env', 'tenant', 'csv'] });
  const [kindWord, ...filterWords] = options.positional;
  const kind = kindWord ? artifactKindNamed(kindWord) : undefined;
  if (!kind || !options.values.env || options.problems.length > 0) {
    say(
      `${options.problems.join('; ')}${options.problems.length ? '. ' : ''}Usage: list <kind> --env <env> [--tenant <t>] [filter words] [--csv <file>]; kinds: ${artifactKindNames.join(', ')}`,
    );
    return;
  }
  const tenant = await pickTenant(session, options.values.tenant);
  if (!tenant) return;
  const outcome = await services.listing.list({
    actor,
    tenant,
    kind,
    environment: options.values.env,
    filterWords,
    pageSize: listShown,
  });
  switch (outcome.outcome) {
    case 'environment_not_matched':
      say(environmentMatchText(outcome.match));
      return;
    case 'no_davinci':
      say(`${outcome.environment.name} has no DaVinci, so it has no ${kindNoun(kind)}.`);
      return;
    case 'failed':
      say(problemText(outcome.problem));
      return;
    case 'listed':
      say(listText(outcome.page, outcome.page.rows));
      if (options.values.csv) {
        const csv = await services.listing.csv(actor, outcome.page.snapshot.id);
        if (csv.outcome === 'csv') {
          await writeFile(options.values.csv, csv.content, { mode: 0o600 });
          say(`Wrote ${outcome.page.snapshot.total} rows to ${options.values.csv}.`);
        }
      }
  }
}

async function diffCommand(args: string[], session: Session): Promise<void> {
  const { services, actor, say } = session;
  const options = parseOptions(args, { values: ['from', 'to', 'tenant'], flags: ['no-subflows'] });
  const flow = options.positional.join(' ').trim();
  if (!flow || !options.values.from || !options.values.to || options.problems.length > 0) {
    say('Usage: diff <flow> --from <env> --to <env> [--tenant <t>] [--no-subflows]');
    return;
  }
  const tenant = await pickTenant(session, options.values.tenant);
  if (!tenant) return;
  const outcome = await services.promotions.diff(actor, {
    tenant,
    flow,
    from: options.values.from,
    to: options.values.to,
    options: { asNew: false, withSubflows: !options.flags.has('no-subflows') },
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

async function promoteCommand(args: string[], session: Session): Promise<void> {
  const { services, actor, say, prompter } = session;
  const options = parseOptions(args, { values: ['from', 'to', 'tenant'], flags: ['as-new', 'no-subflows'] });
  const flow = options.positional.join(' ').trim();
  if (!flow || !options.values.from || !options.values.to || options.problems.length > 0) {
    say('Usage: promote <flow> --from <env> --to <env> [--tenant <t>] [--as-new] [--no-subflows]');
    return;
  }
  const tenant = await pickTenant(session, options.values.tenant);
  if (!tenant) return;
  const outcome = await services.promotions.request(actor, {
    tenant,
    flow,
    from: options.values.from,
    to: options.values.to,
    options: { asNew: options.flags.has('as-new'), withSubflows: !options.flags.has('no-subflows') },
  });
  if (outcome.outcome !== 'planned') {
    say(planProblemText(outcome));
    return;
  }
  const { promotion } = outcome;
  say(promotionText(promotion));
  if (promotion.status !== 'pending') return;
  const verb = promotion.protected ? 'Approve and run it' : 'Run it';
  const answer = (await prompter.ask(`${verb} now? [y/N] `))?.trim().toLowerCase();
  if (answer !== 'y' && answer !== 'yes') {
    await services.promotions.cancel(actor, promotion.id);
    say('Cancelled; nothing was written.');
    return;
  }
  let decided = promotion.protected
    ? await services.promotions.approve(actor, promotion.id)
    : await services.promotions.run(actor, promotion.id);
  if (decided.outcome === 'now_protected') {
    say(`${promotion.toEnvName} is protected now; as its only approver here, you approve it in place.`);
    decided = await services.promotions.approve(actor, promotion.id);
  }
  if (decided.outcome === 'not_found') say('That promotion no longer exists.');
  else if (decided.outcome === 'failed') say(problemText(decided.problem));
  else say(promotionText(decided.promotion));
}

const fieldPrompts: Record<Exclude<TenantField, 'clientSecret' | 'region' | 'authMethod'>, string> = {
  name: 'Tenant name',
  environmentId: 'Environment ID of the worker app (UUID)',
  clientId: 'Client ID (UUID)',
};

async function tenantCommand(args: string[], session: Session): Promise<void> {
  const { services, actor, say, prompter } = session;
  const [action = '', ...rest] = args;
  switch (action.toLowerCase()) {
    case 'list':
      say(tenantsText(await services.tenants.list()));
      return;
    case 'add':
    case 'edit': {
      const current = action === 'edit' ? await services.tenants.findByName(rest.join(' ')) : null;
      if (action === 'edit' && !current) {
        say(`There is no tenant named "${rest.join(' ')}".`);
        return;
      }
      const raw: Partial<Record<TenantField, string>> = {};
      let fields: TenantField[] = [
        'name',
        'region',
        'environmentId',
        'clientId',
        'clientSecret',
        'authMethod',
      ];
      for (;;) {
        for (const field of fields) {
          const answer = await askField(prompter, field, current);
          if (answer === null) return;
          raw[field] = answer;
        }
        const result = current
          ? await services.tenants.edit(actor, current.id, current.version, raw)
          : await services.tenants.add(actor, raw);
        if (result.outcome === 'saved') {
          say(
            `Saved tenant ${result.tenant.name} (secret ${result.tenant.secretFingerprint}). Test it with: test ${result.tenant.name}`,
          );
          return;
        }
        if (result.outcome !== 'invalid') {
          say(`Not saved: ${result.outcome.replace(/_/g, ' ')}.`);
          return;
        }
        for (const [field, message] of Object.entries(result.errors)) say(`  ${field}: ${message}`);
        fields = Object.keys(result.errors) as TenantField[];
      }
    }
    case 'remove': {
      const tenant = await services.tenants.findByName(rest.join(' '));
      if (!tenant) {
        say(`There is no tenant named "${rest.join(' ')}".`);
        return;
      }
      const sure = (await prompter.ask(`Remove ${tenant.name} and its stored credentials? [y/N] `))
        ?.trim()
        .toLowerCase();
      if (sure !== 'y' && sure !== 'yes') {
        say('Nothing removed.');
        return;
      }
      const removed = await services.tenants.remove(actor, tenant.id);
      say(
        removed.outcome === 'removed'
          ? `Removed ${tenant.name}.`
          : `Not removed: ${removed.outcome.replace(/_/g, ' ')}.`,
      );
      return;
    }
    default:
      say('Usage: tenant add | edit <tenant> | remove <tenant> | list');
  }
}

async function askField(
  prompter: Prompter,
  field: TenantField,
  current: Tenant | null,
): Promise<string | null> {
  const keep = (value: string | undefined) => (value ? ` [${value}]` : '');
  const withDefault = async (question: string, value: string | undefined) => {
    const answer = await prompter.ask(`${question}${keep(value)}: `);
    return answer === null ? null : answer.trim() || value || '';
  };
  switch (field) {
    case 'clientSecret':
      return prompter.askHidden(
        current
          ? `Client secret (input hidden; Enter keeps the stored one, ${current.secretFingerprint}): `
          : 'Client secret (input hidden): ',
      );
    case 'region': {
      const codes = Object.keys(regionNames);
      return withDefault(
        `Region (${codes.map((code) => `${code} = ${regionNames[code as keyof typeof regionNames]}`).join(', ')})`,
        current?.region,
      );
    }
    case 'authMethod': {
      const answer = await withDefault(
        `Token endpoint auth method (basic = ${authMethodNames.client_secret_basic}, post = ${authMethodNames.client_secret_post})`,
        current ? (current.authMethod === 'client_secret_post' ? 'post' : 'basic') : 'basic',
      );
      if (answer === null) return null;
      return answer === 'post' ? 'client_secret_post' : answer === 'basic' ? 'client_secret_basic' : answer;
    }
    default:
      return withDefault(fieldPrompts[field], current?.[field]);
  }
}

/** Why a promotion (or a diff) has no plan, in a line. */
function planProblemText(outcome: Exclude<RequestOutcome, { outcome: 'planned' }>): string {
  switch (outcome.outcome) {
    case 'environment_not_matched':
      return `--${outcome.which}: ${environmentMatchText(outcome.match)}`;
    case 'flow_not_found':
      return `${outcome.environment.name} has no flow named "${outcome.asked}". ${outcome.lookup.candidates.slice(0, 20).join(', ')}`;
    case 'failed':
      return problemText(outcome.problem);
    default:
      return `Cannot plan it: ${outcome.outcome.replace(/_/g, ' ')}.`;
  }
}
