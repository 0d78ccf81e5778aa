import { approverArguments } from '../../commands/approver-arguments.js';
import type { Problem } from '../../core/problem.js';
import type { ApproversOutcome } from '../../core/tenants/approvers.js';
import {
  authMethodNames,
  type RawTenantInput,
  regionNames,
  type TenantField,
} from '../../core/tenants/input.js';
import { nameTakenText, removalBusyText, removedText, type Tenant } from '../../core/tenants/service.js';
import type { Prompter } from '../prompter.js';
import { problemText, tenantsText } from '../render.js';
import { askYesNo, type Session } from '../session.js';

/** `tenant add | edit | remove | approvers | list`: the tenant form asked field by field, by the rules of Slack's modal. */

/** The fields as the Slack form labels them: errors name a field by what the person was asked. */
export function fieldLabel(field: TenantField, current: Tenant | null): string {
  return {
    name: 'Tenant name',
    region: 'Region',
    environmentId: 'Environment ID of the worker app',
    clientId: 'Client ID',
    clientSecret: current ? 'New client secret' : 'Client secret',
    authMethod: 'Token endpoint authentication method',
  }[field];
}

export const tenantFields: readonly TenantField[] = [
  'name',
  'region',
  'environmentId',
  'clientId',
  'clientSecret',
  'authMethod',
];

export async function tenantCommand(args: string[], session: Session): Promise<void> {
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
    case 'approvers': {
      const asked = approverArguments(rest);
      if (!asked.ok) {
        say(
          `${asked.problems.join('. ')}. Usage: tenant approvers <tenant> [= <user and group IDs> | = default]`,
        );
        return;
      }
      const outcome =
        asked.change === undefined
          ? await services.tenantApprovers.show(actor, asked.tenant)
          : await services.tenantApprovers.set(actor, asked.tenant, asked.change);
      say(approversText(outcome));
      return;
    }
    default:
      say('Usage: tenant add | edit <tenant> | remove <tenant> | approvers <tenant> [= …] | list');
  }
}

function approversText(outcome: ApproversOutcome): string {
  if (outcome.outcome === 'refused') return 'Refused: only readers see, and only admins change, approvers.';
  if (outcome.outcome === 'not_found')
    return `There is no tenant named "${outcome.asked}". Tenants: ${outcome.tenants.join(', ') || 'none'}.`;
  const saved = outcome.outcome === 'changed' ? 'Saved. ' : '';
  return outcome.own
    ? `${saved}${outcome.tenant.name} is approved by its own approvers: ${outcome.own.ids.join(', ')} (set by ${outcome.own.setBy}).`
    : `${saved}${outcome.tenant.name} has no approvers of its own: FLIGHTIQ_APPROVERS (${outcome.fallback.join(', ') || 'nobody'}) approve into it.`;
}

export const adminOnlyText = 'only FlightIQ admins can add, edit or remove tenants.';

/**
 * `tenant add` and `tenant edit <name>`: the Slack form, field by field. Like the form, the fields are
 * checked first (each error under its label, that field asked again), then by default the credentials
 * must mint a worker token before they are saved; credentials that cannot are saved only when the
 * person says so after seeing why.
 */
export async function tenantForm(editing: string | undefined, session: Session): Promise<void> {
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
export const nameCheckMs = 2_000;

/** Each field's error under its label; the fields to ask again. */
export function sayFieldErrors(
  errors: Partial<Record<TenantField, string>>,
  current: Tenant | null,
  say: (text: string) => void,
): TenantField[] {
  const fields = tenantFields.filter((field) => errors[field]);
  for (const field of fields) say(`  ${fieldLabel(field, current)}: ${errors[field]}`);
  return fields;
}

export async function askField(
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
