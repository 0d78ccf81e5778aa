import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { auditUsage, parseAuditRequest } from '../commands/audit-options.js';
import { splitWords } from '../commands/command-line.js';
import { parseOptions } from '../commands/command-options.js';
import { subcommandCatalog, usageOf } from '../commands/subcommands.js';
import { tenantArgument } from '../commands/tenant-argument.js';
import type { Actor } from '../core/access.js';
import { maxAuditShown } from '../core/audit-trail.js';
import { artifactKindNamed, artifactKindNames, kindNoun } from '../core/listing/artifact-kinds.js';
import { waitText, withCallContext } from '../core/pingone-work.js';
import { type Problem, problemOf } from '../core/problem.js';
import { planOptionsFrom } from '../core/promotion/plan/types.js';
import { readReason } from '../core/promotion/reason.js';
import type { DecisionOutcome, Promotion, RequestOutcome } from '../core/promotion/service.js';
import { openDecisions } from '../core/promotion/state.js';
import { alreadyText, approvalCountedText, refusalText } from '../core/promotion/texts.js';
import type { CoreServices } from '../core/services.js';
import { chooseTenant } from '../core/tenants/choice.js';
import {
  authMethodNames,
  type RawTenantInput,
  regionNames,
  type TenantField,
} from '../core/tenants/input.js';
import { nameTakenText, removalBusyText, removedText, type Tenant } from '../core/tenants/service.js';
import type { Logger } from '../logger.js';
import { Interrupted, type Prompter } from './prompter.js';
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
  shortId,
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

interface Session {
  services: CoreServices;
  prompter: Prompter;
  actor: Actor;
  say: (text: string) => void;
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

type Decision = 'approve' | 'reject' | 'run' | 'cancel' | 'rollback';

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
          const file = options.values.csv;
          const failed = await writeFile(file, csv.content, { mode: 0o600 }).then(
            () => undefined,
            (error: unknown) => writeFailureText(error),
          );
          say(
            failed
              ? `Could not write ${file}: ${failed}`
              : `Wrote ${outcome.page.snapshot.total} rows to ${file}.`,
          );
        }
      }
  }
}

/** Why a file could not be written, in words (the reason is thrown again if it is not about the file). */
function writeFailureText(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'the directory does not exist.';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied.';
    case 'EISDIR':
      return 'that is a directory; give a file name.';
    case 'ENOTDIR':
      return 'a part of the path is not a directory.';
    case 'EROFS':
      return 'the file system is read-only.';
    case 'ENOSPC':
      return 'the disk is full.';
    default:
      throw error;
  }
}

async function diffCommand(args: string[], session: Session): Promise<void> {
  const { services, actor, say } = session;
  const options = parseOptions(args, { values: ['from', 'to', 'tenant'], flags: ['no-subflows', 'saved'] });
  const flow = options.positional.join(' ').trim();
  if (!flow || !options.values.from || !options.values.to || options.problems.length > 0) {
    say('Usage: diff <flow> --from <env> --to <env> [--tenant <t>] [--no-subflows] [--saved]');
    return;
  }
  const tenant = await pickTenant(session, options.values.tenant);
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

async function promoteCommand(args: string[], session: Session): Promise<void> {
  const { services, actor, say, prompter } = session;
  const options = parseOptions(args, {
    values: ['from', 'to', 'tenant'],
    flags: ['as-new', 'no-subflows', 'saved'],
    phrases: ['reason'],
  });
  const flow = options.positional.join(' ').trim();
  const reason = readReason(options.values.reason);
  if (!flow || !options.values.from || !options.values.to || options.problems.length > 0 || !reason.ok) {
    say(
      [...options.problems, ...(reason.ok ? [] : [reason.problem.replace(/`/g, '')])]
        .map((problem) => `${problem}.`)
        .concat(`Usage: ${usageOf('promote')}`)
        .join(' '),
    );
    return;
  }
  const tenant = await pickTenant(session, options.values.tenant);
  if (!tenant) return;
  const outcome = await services.promotions.request(actor, {
    tenant,
    flow,
    from: options.values.from,
    to: options.values.to,
    options: planOptionsFrom(options.flags),
    reason: reason.reason,
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
    // No is "not now", as the card said it waits: the request stays, as in Slack, until it is decided,
    // cancelled or expires.
    const id = shortId(promotion.id);
    say(
      `Nothing written; it waits${promotion.protected ? ' for an approver' : ''}. ${promotion.protected ? 'Approve' : 'Run'} it later with: ${promotion.protected ? 'approve' : 'run'} ${id}, or withdraw it with: cancel ${id}`,
    );
    return;
  }
  await settle(
    promotion.protected
      ? await services.promotions.approve(actor, promotion.id)
      : await services.promotions.run(actor, promotion.id),
    promotion,
    session,
  );
}

/**
 * approve, reject, run, cancel, rollback <id>: what Slack's buttons on a promotion do, by the same
 * rules of core. A rollback asked for is approved and rejected with approve and reject.
 */
async function decisionCommand(decision: Decision, args: string[], session: Session): Promise<void> {
  const { services, actor, say } = session;
  const asked = args.join(' ').trim();
  if (!asked) {
    say(
      `Usage: ${decision} <id>, with the ID "promotions recent" shows (its first 8 characters are enough).`,
    );
    return;
  }
  const promotion = await promotionCalled(asked, session);
  if (!promotion) return;
  const promotions = services.promotions;
  const open = openDecisions(promotion);
  // A rollback asked for is decided with approve and reject, as Slack's Approve/Reject rollback buttons.
  const rollbackAsked = open.includes('approveRollback');
  // Slack shows a decision's buttons only while one can be made; a command can be typed any time, and
  // is answered as a late click is, before a rule about who decides could suggest it is still open.
  // Rollback always goes to core, which says why it is not offered (its window passed, nothing to undo).
  if (decision !== 'rollback' && !open.some((other) => other !== 'rollback')) {
    say(alreadyText(promotion));
    return;
  }
  // A card is seen before its button is clicked: here the plan is shown before a write is agreed to.
  if ((decision === 'approve' || decision === 'run') && !rollbackAsked) {
    say(promotionText(promotion));
    const sure = await askYesNo(
      session.prompter,
      `${decision === 'approve' ? 'Approve' : 'Run'} it now? [y/N] `,
      false,
    );
    if (!sure) {
      say('Nothing done.');
      return;
    }
  }
  // A rollback writes into the destination, production often: asked once more, as Slack's button does.
  // Only while Rollback is on offer (the card's button): otherwise core's answer says why not.
  if ((decision === 'rollback' && promotion.rollbackUntil) || (decision === 'approve' && rollbackAsked)) {
    const sure = await askYesNo(
      session.prompter,
      `Roll back ${promotion.flowName} in ${promotion.toEnvName}? It puts back what this promotion wrote there. [y/N] `,
      false,
    );
    if (!sure) {
      say('Nothing done.');
      return;
    }
  }
  let outcome: DecisionOutcome;
  switch (decision) {
    case 'approve':
      outcome = rollbackAsked
        ? await promotions.approveRollback(actor, promotion.id)
        : await promotions.approve(actor, promotion.id);
      break;
    case 'reject':
      outcome = rollbackAsked
        ? await promotions.rejectRollback(actor, promotion.id)
        : await promotions.reject(actor, promotion.id);
      break;
    case 'run':
      outcome = await promotions.run(actor, promotion.id);
      break;
    case 'cancel':
      outcome = await promotions.cancel(actor, promotion.id);
      break;
    case 'rollback':
      outcome = await promotions.rollback(actor, promotion.id);
      // The only approver here approves a rollback into a protected environment in place (core
      // runs it at once in a single-user setup), as a promotion is approved in place: said, not hidden.
      if (
        outcome.outcome === 'done' &&
        promotion.protected &&
        outcome.promotion.status !== promotion.status
      ) {
        say(
          `${promotion.toEnvName} is protected: a rollback there needs an approver; as its only approver here, you approve it in place.`,
        );
      }
      break;
  }
  if (rollbackAsked && decision === 'reject' && outcome.outcome === 'done') {
    say('Rollback request rejected; nothing was written.');
  }
  await settle(outcome, promotion, session, decision);
}

/** A promotion by its ID, or by the start of it (8 characters at least), as `promotions` shows them. */
async function promotionCalled(asked: string, { services, say }: Session): Promise<Promotion | null> {
  const id = asked.toLowerCase();
  if (!/^[0-9a-f-]+$/.test(id)) {
    say(`"${asked}" is not a promotion ID. See the IDs with: promotions recent`);
    return null;
  }
  if (id.replace(/-/g, '').length < 8) {
    say(`Type at least 8 characters of the promotion ID ("${asked}" is too short to tell promotions apart).`);
    return null;
  }
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)) {
    const found = await services.promotions.find(id);
    if (!found) say(`There is no promotion with the ID ${asked}. See the IDs with: promotions recent`);
    return found;
  }
  const known = new Map<string, Promotion>();
  for (const which of ['pending', 'recent'] as const) {
    for (const promotion of await services.promotions.list(which, promotionsSearched)) {
      known.set(promotion.id, promotion);
    }
  }
  const matching = [...known.values()].filter((promotion) => promotion.id.startsWith(id));
  if (matching.length === 0) {
    say(`No promotion has an ID starting with ${asked}. See the IDs with: promotions recent`);
    return null;
  }
  if (matching.length > 1) {
    say(
      [
        `${asked} is the start of ${matching.length} promotions' IDs; type more of the one you mean:`,
        ...matching.map(
          (p) =>
            `  ${p.id}  ${p.flowName}: ${p.fromEnvName} -> ${p.toEnvName}  ${p.status.replace('_', ' ')}`,
        ),
      ].join('\n'),
    );
    return null;
  }
  return matching[0] ?? null;
}

/** How many of the latest promotions a short ID is looked for among (a full ID finds any). */
const promotionsSearched = 200;

/**
 * Says what a decision came to, as Slack's answers to a button do. In this single-user setup a
 * promotion (or rollback) found to need an approver is approved in place by the one person here, and
 * the console says so.
 */
async function settle(
  first: DecisionOutcome,
  asked: Promotion,
  session: Session,
  decision?: Decision,
): Promise<void> {
  const { services, actor, say } = session;
  let outcome = first;
  for (let inPlace = 0; inPlace < 2; inPlace++) {
    if (outcome.outcome === 'now_protected') {
      say(`${asked.toEnvName} is protected now; as its only approver here, you approve it in place.`);
      outcome = await services.promotions.approve(actor, asked.id);
    } else if (outcome.outcome === 'rollback_requested') {
      say(
        `${asked.toEnvName} is protected: a rollback there needs an approver; as its only approver here, you approve it in place.`,
      );
      outcome = await services.promotions.approveRollback(actor, asked.id);
    } else break;
  }
  const id = shortId(asked.id);
  switch (outcome.outcome) {
    case 'not_found':
      say('That promotion no longer exists.');
      return;
    case 'refused': {
      say(refusalText(outcome.reason, outcome.details));
      const { promotion } = outcome;
      if (decision === 'reject' && outcome.reason === 'own_request')
        say(`To withdraw your own request instead: cancel ${id}`);
      else if (
        decision === 'approve' &&
        outcome.reason === 'not_allowed' &&
        !promotion.protected &&
        promotion.status === 'pending'
      )
        say(`It goes to an environment that is not protected, so it needs no approver: run ${id}`);
      else if (
        decision === 'run' &&
        outcome.reason === 'not_allowed' &&
        promotion.protected &&
        promotion.status === 'pending'
      )
        say(`It goes to a protected environment, so an approver runs it: approve ${id}`);
      return;
    }
    case 'already':
      say(alreadyText(outcome.promotion));
      return;
    case 'failed':
      say(problemText(outcome.problem));
      return;
    case 'approved':
      say(promotionText(outcome.promotion, { withPlan: false }));
      say(approvalCountedText(outcome.remaining, outcome.dropped));
      return;
    case 'now_protected':
    case 'rollback_requested':
      say(promotionText(outcome.promotion, { withPlan: false }));
      return;
    case 'expired':
    case 'done':
      say(promotionText(outcome.promotion, { withPlan: false }));
  }
}

/** The fields as the Slack form labels them: errors name a field by what the person was asked. */
function fieldLabel(field: TenantField, current: Tenant | null): string {
  return {
    name: 'Tenant name',
    region: 'Region',
    environmentId: 'Environment ID of the worker app',
    clientId: 'Client ID',
    clientSecret: current ? 'New client secret' : 'Client secret',
    authMethod: 'Token endpoint authentication method',
  }[field];
}

const tenantFields: readonly TenantField[] = [
  'name',
  'region',
  'environmentId',
  'clientId',
  'clientSecret',
  'authMethod',
];

async function tenantCommand(args: string[], session: Session): Promise<void> {
  const { services, actor, say, prompter } = session;
  const [action = '', ...rest] = args;
  switch (action.toLowerCase()) {
    case 'list':
      say(tenantsText(await services.tenants.list()));
      return;
    case 'add':
    case 'edit':
      return tenantForm(action.toLowerCase() === 'edit' ? rest.join(' ') : undefined, session);
    case 'remove': {
      const tenant = await services.tenants.findByName(rest.join(' '));
      if (!tenant) {
        say(`There is no tenant named "${rest.join(' ')}".`);
        return;
      }
      const sure = await askYesNo(
        prompter,
        `Remove ${tenant.name} and its stored credentials? [y/N] `,
        false,
      );
      if (!sure) {
        say('Nothing removed.');
        return;
      }
      const removed = await services.tenants.remove(actor, tenant.id);
      say(
        removed.outcome === 'removed'
          ? removedText(tenant.name, removed.promotionsKept)
          : removed.outcome === 'busy'
            ? removalBusyText(tenant.name, removed.promotions)
            : removed.outcome === 'refused'
              ? `Not removed: ${adminOnlyText}`
              : `Not removed: ${tenant.name} was removed meanwhile.`,
      );
      return;
    }
    default:
      say('Usage: tenant add | edit <tenant> | remove <tenant> | list');
  }
}

const adminOnlyText = 'only FlightIQ admins can add, edit or remove tenants.';

/**
 * `tenant add` and `tenant edit <name>`: the Slack form, field by field. Like the form, the fields are
 * checked first (each error under its label, that field asked again), then by default the credentials
 * must mint a worker token before they are saved; credentials that cannot are saved only when the
 * person says so after seeing why.
 */
async function tenantForm(editing: string | undefined, session: Session): Promise<void> {
  const { services, actor, say, prompter } = session;
  const current = editing === undefined ? null : await services.tenants.findByName(editing);
  if (editing !== undefined && !current) {
    say(`There is no tenant named "${editing}".`);
    return;
  }
  const target = current ? { mode: 'edit' as const, tenantId: current.id } : { mode: 'add' as const };
  const action = current ? 'tenant.edit' : 'tenant.add';
  const raw: RawTenantInput = {};
  let fields = tenantFields;
  let testFirst: boolean | undefined;
  for (;;) {
    for (const field of fields) {
      const answer = await askField(prompter, field, current);
      if (answer === null) return;
      raw[field] = answer;
    }
    const prepared = await services.tenants.prepare(actor, raw, target);
    if (prepared.outcome === 'refused') {
      say(`Not saved: ${adminOnlyText}`);
      return;
    }
    const errors =
      prepared.outcome === 'invalid'
        ? prepared.errors
        : (await services.tenants.nameTaken(prepared.input.name, current?.id, nameCheckMs))
          ? { name: nameTakenText(prepared.input.name) }
          : {};
    if (prepared.outcome === 'invalid' || Object.keys(errors).length > 0) {
      fields = sayFieldErrors(errors, current, say);
      continue;
    }
    testFirst ??=
      (await askYesNo(prompter, 'Test the credentials by minting a token first? [Y/n] ', true)) ?? undefined;
    if (testFirst === undefined) return;
    let tested: { ok: true; mintedInMs: number } | { ok: false; problem: Problem } | undefined;
    if (testFirst) {
      say('Minting a worker token with these credentials…');
      tested = await services.checks.tryToMint(prepared.credentials);
      if (!tested.ok) {
        say(problemText(tested.problem));
        const anyway = await askYesNo(prompter, 'Save anyway? [y/N] ', false);
        if (!anyway) {
          await services.tenants.auditRefusal(
            actor,
            action,
            prepared.input.name,
            `credential test failed: ${tested.problem.code}`,
          );
          say(
            `Nothing was saved. Fix the credentials and run "tenant ${current ? `edit ${current.name}` : 'add'}" again.`,
          );
          return;
        }
      }
    }
    const result = current
      ? await services.tenants.edit(actor, current.id, current.version, raw)
      : await services.tenants.add(actor, raw);
    switch (result.outcome) {
      case 'invalid':
        fields = sayFieldErrors(result.errors, current, say);
        continue;
      case 'refused':
        say(`Not saved: ${adminOnlyText}`);
        return;
      case 'not_found':
        say('Not saved: this tenant was removed meanwhile.');
        return;
      case 'conflict':
        say(
          `Not saved: someone changed ${result.tenant.name} meanwhile. Run "tenant edit ${result.tenant.name}" to edit the current version.`,
        );
        return;
      case 'saved': {
        const { tenant } = result;
        const changed = (result as { changed?: readonly TenantField[] }).changed;
        const what = changed && changed.length === 0 ? '; nothing changed' : '';
        const saved = `Saved tenant ${tenant.name} (secret ${tenant.secretFingerprint})${what}.`;
        if (tested?.ok) {
          await services.checks.record(
            actor,
            tenant,
            'passed',
            `token in ${tested.mintedInMs} ms (tested before saving)`,
          );
          say(
            `${saved} Its credentials minted a worker token in ${tested.mintedInMs} ms. Check its roles with: test ${tenant.name}`,
          );
        } else if (tested) {
          await services.checks.record(
            actor,
            tenant,
            'failed',
            `${tested.problem.message} (tested before saving; saved anyway)`,
            tested.problem.code,
          );
          say(`${saved} Its credentials could not mint a token; test again with: test ${tenant.name}`);
        } else {
          say(`${saved} Test it with: test ${tenant.name}`);
        }
        return;
      }
    }
  }
}

/** How long the name check may take before it is left to the save's own (as the Slack form does). */
const nameCheckMs = 2_000;

/** Each field's error under its label; the fields to ask again. */
function sayFieldErrors(
  errors: Partial<Record<TenantField, string>>,
  current: Tenant | null,
  say: (text: string) => void,
): TenantField[] {
  const fields = tenantFields.filter((field) => errors[field]);
  for (const field of fields) say(`  ${fieldLabel(field, current)}: ${errors[field]}`);
  return fields;
}

/** y/yes or n/no; Enter (or anything else) takes the default; null once the input has ended. */
async function askYesNo(prompter: Prompter, question: string, byDefault: boolean): Promise<boolean | null> {
  const answer = await prompter.ask(question);
  if (answer === null) return null;
  const word = answer.trim().toLowerCase();
  if (word === 'y' || word === 'yes') return true;
  if (word === 'n' || word === 'no') return false;
  return byDefault;
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
  const label = fieldLabel(field, current);
  switch (field) {
    case 'clientSecret':
      return prompter.askHidden(
        current
          ? `${label} (input hidden; Enter keeps the stored one, ${current.secretFingerprint}): `
          : `${label} (input hidden): `,
      );
    case 'region': {
      const codes = Object.keys(regionNames);
      return withDefault(
        `${label} (${codes.map((code) => `${code} = ${regionNames[code as keyof typeof regionNames]}`).join(', ')})`,
        current?.region,
      );
    }
    case 'authMethod': {
      const answer = await withDefault(
        `${label} (basic = ${authMethodNames.client_secret_basic}, post = ${authMethodNames.client_secret_post})`,
        current ? (current.authMethod === 'client_secret_post' ? 'post' : 'basic') : 'basic',
      );
      if (answer === null) return null;
      return answer === 'post' ? 'client_secret_post' : answer === 'basic' ? 'client_secret_basic' : answer;
    }
    case 'name':
      return withDefault(label, current?.name);
    default:
      return withDefault(`${label} (UUID)`, current?.[field]);
  }
}

/** Why a promotion (or a diff) has no plan, in a line. */
function planProblemText(outcome: Exclude<RequestOutcome, { outcome: 'planned' }>): string {
  switch (outcome.outcome) {
    case 'environment_not_matched':
      return `--${outcome.which}: ${environmentMatchText(outcome.match)}`;
    case 'no_davinci':
      return `--${outcome.which}: ${outcome.environment.name} has no DaVinci (its bill of materials in PingOne does not include it), so it has no flows to ${outcome.which === 'from' ? 'promote from' : 'promote into'}. Add DaVinci to it in PingOne, or name one that has it: envs marks those without.`;
    case 'flow_not_found':
      return `${outcome.environment.name} has no flow named "${outcome.asked}". ${outcome.lookup.candidates.slice(0, 20).join(', ')}`;
    case 'failed':
      return problemText(outcome.problem);
    default:
      return `Cannot plan it: ${outcome.outcome.replace(/_/g, ' ')}.`;
  }
}
