import { maxTenantApprovers } from '../core/tenants/approvers.js';

/**
 * The words of `tenant approvers <tenant> [= <people and user groups> | = default]`: the tenant's name
 * may hold spaces, so the list starts at the `=`. People and groups are Slack mentions (which Slack
 * sends as `<@U…|name>` and `<!subteam^S…|@name>`) or their bare IDs; `default` goes back to
 * FLIGHTIQ_APPROVERS.
 */
export type ApproverArguments =
  | { ok: true; tenant: string; change: undefined | null | string[] }
  | { ok: false; problems: string[] };

const person = /^<@([UW][A-Z0-9]{2,})(?:\|[^>]*)?>$/;
const group = /^<!subteam\^(S[A-Z0-9]{2,})(?:\|[^>]*)?>$/;
const bareId = /^[UWS][A-Z0-9]{2,}$/;

export function approverArguments(words: readonly string[]): ApproverArguments {
  const text = words.join(' ');
  const at = text.indexOf('=');
  const tenant = (at < 0 ? text : text.slice(0, at)).trim();
  if (!tenant) return { ok: false, problems: ['Name the tenant'] };
  if (at < 0) return { ok: true, tenant, change: undefined };
  const listed = text
    .slice(at + 1)
    .split(/[\s,]+/)
    .filter((word) => word !== '');
  if (listed.length === 1 && listed[0]?.toLowerCase() === 'default')
    return { ok: true, tenant, change: null };
  if (listed.length === 0)
    return {
      ok: false,
      problems: [
        'After `=`, mention the approvers (people and user groups), or say `default` for FLIGHTIQ_APPROVERS',
      ],
    };
  const ids: string[] = [];
  const problems: string[] = [];
  for (const word of listed) {
    const id = person.exec(word)?.[1] ?? group.exec(word)?.[1] ?? (bareId.test(word) ? word : undefined);
    if (id) ids.push(id);
    else
      problems.push(
        `"${word.slice(0, 80)}" is not a person or a user group: mention them (@name) so Slack links them, or give their ID`,
      );
  }
  if (new Set(ids).size > maxTenantApprovers)
    problems.push(`At most ${maxTenantApprovers} approvers: name a user group instead of its members`);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, tenant, change: [...new Set(ids)] };
}
