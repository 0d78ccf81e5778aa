import { writeFile } from 'node:fs/promises';
import { parseOptions } from '../../commands/command-options.js';
import { artifactKindNamed, artifactKindNames, kindNoun } from '../../core/listing/artifact-kinds.js';
import { environmentMatchText, listText, policyChainText, problemText } from '../render.js';
import { pickTenant, type Session } from '../session.js';

/** `list <kind> --env <env> [--csv <file>]`: a list as text, and the whole of it as a CSV file. */

export const listShown = 100;

export async function listCommand(args: string[], session: Session): Promise<void> {
  const { services, actor, say } = session;
  const options = parseOptions(args, { values: ['env', 'tenant', 'csv'] });
  const [kindWord, ...filterWords] = options.positional;
  const kind = kindWord ? artifactKindNamed(kindWord) : undefined;
  const policies = kindWord?.toLowerCase() === 'policies';
  if ((!kind && !policies) || !options.values.env || options.problems.length > 0) {
    say(
      `${options.problems.join('; ')}${options.problems.length ? '. ' : ''}Usage: list <kind> --env <env> [--tenant <t>] [filter words] [--csv <file>]; kinds: ${[...artifactKindNames, 'policies'].join(', ')}`,
    );
    return;
  }
  if (policies) return listPolicies(options.values.env, options.values.tenant, session);
  if (!kind) return;
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
export function writeFailureText(error: unknown): string {
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

/** `list policies --env <env>`: DaVinci applications, their flow policies and who runs them. */
async function listPolicies(environment: string, tenantName: string | undefined, session: Session) {
  const { services, actor, say } = session;
  const tenant = await pickTenant(session, tenantName);
  if (!tenant) return;
  const outcome = await services.policies.read(actor, tenant, environment);
  switch (outcome.outcome) {
    case 'chain':
      say(policyChainText(outcome.chain));
      return;
    case 'refused':
      say('You may not run read commands.');
      return;
    case 'environment_not_matched':
      say(environmentMatchText(outcome.match));
      return;
    case 'no_davinci':
      say(`${outcome.environment.name} has no DaVinci, so it has no flow policies.`);
      return;
    case 'failed':
      say(problemText(outcome.problem));
  }
}
