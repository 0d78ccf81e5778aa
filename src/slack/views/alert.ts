import type { KnownBlock } from '@slack/types';
import type {
  CertificateWarning,
  CredentialAlert,
  DriftWarning,
  PolicyDriftWarning,
} from '../../core/credentials/monitor.js';
import { summaryOf } from '../../core/davinci/flow-diff-text.js';
import { daysText, expiryOf } from '../../core/expiry.js';
import { problemHeadline } from '../../core/problem-headlines.js';
import { diffLines } from './flow-diff.js';
import { escapedShort, escapeMrkdwn, shorten, slackDate } from './mrkdwn.js';

export const alertActions = { testAgain: 'alert_test_again' } as const;

/** The alert in the alert channel: which tenant, the cause in plain words, since when, what to check. */
export function credentialAlertMessage(alert: CredentialAlert): { text: string; blocks: KnownBlock[] } {
  const tenant = escapeMrkdwn(alert.tenantName);
  if (alert.state === 'healthy') {
    const text = `:white_check_mark: *Resolved:* the credentials of tenant *${tenant}* work again (checked ${slackDate(alert.lastCheckedAt)}).`;
    const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text } }];
    if (alert.resolvedCause) {
      blocks.push({
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: shorten(
              `Was failing${alert.failingSince ? ` since ${slackDate(alert.failingSince)}` : ''}: ${escapeMrkdwn(alert.resolvedCause)}`,
              2000,
            ),
          },
        ],
      });
    }
    return { text: `Resolved: tenant ${escapeMrkdwn(alert.tenantName)} credentials work again`, blocks };
  }
  const problem = alert.problem;
  const headline = problem ? problemHeadline(problem.code) : 'The credentials stopped working';
  const checks = (problem?.checks ?? []).map((check) => `• ${check}`).join('\n');
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: shorten(
          `:rotating_light: *FlightIQ cannot use the PingOne credentials of tenant ${tenant}.*\n*${headline}.* ${escapeMrkdwn(problem?.message ?? '')}`,
          3000,
        ),
      },
    },
  ];
  if (checks)
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: shorten(`*Check:*\n${checks}`, 3000) } });
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: `Failing since ${alert.failingSince ? slackDate(alert.failingSince) : 'now'}  ·  last checked ${slackDate(alert.lastCheckedAt)}${problem?.correlationId ? `  ·  PingOne correlation ID \`${escapeMrkdwn(problem.correlationId)}\`` : ''}`,
      },
    ],
  });
  blocks.push({
    type: 'actions',
    block_id: 'alert_actions',
    elements: [
      {
        type: 'button',
        action_id: alertActions.testAgain,
        text: { type: 'plain_text', text: 'Test again' },
        value: alert.tenantId,
      },
    ],
  });
  return {
    text: `FlightIQ cannot use the credentials of tenant ${escapeMrkdwn(alert.tenantName)}: ${headline}`,
    blocks,
  };
}

export function recoveryReply(alert: CredentialAlert): { text: string } {
  return {
    text: `:white_check_mark: Recovered: tenant ${escapeMrkdwn(alert.tenantName)} can mint tokens again (checked ${alert.lastCheckedAt.toISOString()}).`,
  };
}

export function certificateWarningMessage(warning: CertificateWarning): {
  text: string;
  blocks: KnownBlock[];
} {
  const expiry = expiryOf(warning.expiresAt, warning.checkedAt, Number.POSITIVE_INFINITY);
  const when =
    expiry.state === 'expired'
      ? 'has expired'
      : expiry.state === 'expiring' && expiry.days >= 1
        ? `expires in ${daysText(expiry.days)}`
        : 'expires within a day';
  const what =
    warning.kind === 'certificate'
      ? 'Certificate'
      : `${warning.usageType ? `${capitalized(escapedShort(warning.usageType.toLowerCase(), 100))} key` : 'Key'}`;
  const text = `:warning: ${what} *${escapedShort(warning.name, 200)}* in *${escapeMrkdwn(warning.environmentName)}* (tenant *${escapeMrkdwn(warning.tenantName)}*) ${when}: ${slackDate(warning.expiresAt)}.${warning.subject ? ` Subject: ${escapedShort(warning.subject, 300)}.` : ''} ${warning.kind === 'certificate' ? 'Replace it' : 'Rotate it'} in PingOne before then.`;
  return {
    text: `${what} ${escapeMrkdwn(warning.name)} in ${escapeMrkdwn(warning.environmentName)} ${when}`,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: shorten(text, 3000) } }],
  };
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * A flow in a protected environment changed outside FlightIQ since FlightIQ wrote it: by whom and
 * when (from PingOne's audit, or "someone" and why not), what changed, and how a reader sees what
 * differs from the source before anyone promotes over it.
 */
export function driftWarningMessage(warning: DriftWarning): { text: string; blocks: KnownBlock[] } {
  const flow = escapedShort(warning.flowName, 200);
  const environment = escapedShort(warning.environmentName, 100);
  const author = warning.changedBy;
  const who = whoText(author);
  const when = warning.changedAt
    ? `, ${ago(warning.changedAt, warning.checkedAt)} (${slackDate(warning.changedAt)})`
    : '';
  let what = `was deleted outside FlightIQ by ${who}${when}`;
  if (warning.currentVersion !== null)
    what = `was changed outside FlightIQ by ${who}${when}: it is version ${warning.currentVersion} now`;
  const blocks: KnownBlock[] = [
    section(
      `:warning: *${flow}* in *${environment}* (tenant *${escapedShort(warning.tenantName, 100)}*) ${what}; FlightIQ left it at version ${warning.writtenVersion} (promotion \`${warning.promotionId.slice(0, 8)}\`).`,
    ),
  ];
  if (author.kind === 'someone') blocks.push(context(unknownAuthorText(author, environment)));
  const change = warning.change;
  if (change && 'diff' in change) {
    // What the flow uses is the promotion's concern, not the edit's.
    const diff = { ...change.diff, uses: { variables: [], connectors: [] }, sourceId: '' };
    // The first line names the flow and sums it up; the rest are node by node.
    const [, ...details] = diffLines([diff]);
    const shown = details.slice(0, changeLinesShown);
    const more = details.length - shown.length;
    blocks.push(
      section(
        [
          `*What changed:* ${summaryOf(diff, { value: escapedShort })}`,
          ...shown,
          ...(more > 0
            ? [`_…and ${more} more line${more === 1 ? '' : 's'}: compare the versions in DaVinci._`]
            : []),
        ].join('\n'),
      ),
    );
  } else if (change) {
    blocks.push(context(`What changed is not shown: ${escapeMrkdwn(change.unread)}.`));
  }
  const command = `/flightiq diff ${quoted(warning.flowName)} --from ${quoted(warning.sourceEnvironmentName)} --to ${quoted(warning.environmentName)}`;
  blocks.push(
    section(
      [
        'The next promotion of it overwrites that change. Readers see what differs from the source, without requesting anything, with:',
        `\`${escapedShort(command, 600)}\``,
      ].join('\n'),
    ),
  );
  const plainWho = author.kind === 'someone' ? 'someone' : escapedShort(author.name, 100);
  return {
    text: `${escapedShort(warning.flowName, 200)} in ${environment} ${warning.currentVersion === null ? 'was deleted' : 'was changed'} outside FlightIQ by ${plainWho}`,
    blocks,
  };
}

function whoText(author: DriftWarning['changedBy']): string {
  switch (author.kind) {
    case 'person':
      return `*${escapedShort(author.name, 100)}*`;
    case 'app':
      return `the app *${escapedShort(author.name, 100)}*`;
    case 'someone':
      return 'someone';
  }
}

/**
 * A flow policy in a protected environment routes differently from what FlightIQ left (or is gone): by
 * whom and when, and how it routes now against then.
 */
export function policyDriftWarningMessage(warning: PolicyDriftWarning): {
  text: string;
  blocks: KnownBlock[];
} {
  const policy = escapedShort(warning.policyName, 200);
  const application = escapedShort(warning.application, 200);
  const environment = escapedShort(warning.environmentName, 100);
  const author = warning.changedBy;
  const when = warning.changedAt
    ? `, ${ago(warning.changedAt, warning.checkedAt)} (${slackDate(warning.changedAt)})`
    : '';
  const verb = warning.deleted ? 'was deleted' : 'was changed';
  const blocks: KnownBlock[] = [
    section(
      `:warning: Flow policy *${policy}* of *${application}* in *${environment}* (tenant *${escapedShort(warning.tenantName, 100)}*) ${verb} outside FlightIQ by ${whoText(author)}${when}, since promotion \`${warning.promotionId.slice(0, 8)}\` (from ${escapedShort(warning.sourceEnvironmentName, 100)}) wrote it.`,
    ),
  ];
  if (author.kind === 'someone') blocks.push(context(unknownAuthorText(author, environment)));
  if (warning.changes.length > 0) {
    const lines = warning.changes.map(
      (change) =>
        `• ${policyFields[change.what]}: "${escapedShort(change.before, 600)}" → "${escapedShort(change.after, 600)}"`,
    );
    blocks.push(section(['*What changed:*', ...lines].join('\n')));
  }
  blocks.push(
    section(
      'The next promotion of it overwrites that change: bring the change into the source first if it is to stay.',
    ),
  );
  const plainWho = author.kind === 'someone' ? 'someone' : escapedShort(author.name, 100);
  return {
    text: `Flow policy ${policy} in ${environment} ${verb} outside FlightIQ by ${plainWho}`,
    blocks,
  };
}

const policyFields = { name: 'Name', status: 'Status', flows: 'Flows' } as const;

function unknownAuthorText(
  author: Extract<DriftWarning['changedBy'], { kind: 'someone' }>,
  environment: string,
): string {
  const fix = author.missingRole
    ? ` Give the worker app the *${escapeMrkdwn(author.missingRole)}* role in *${environment}* to see who.`
    : '';
  return `Who is not known: ${escapeMrkdwn(author.reason)}.${fix}`;
}

/** Lines of a drift's diff shown in the alert: the rest is one `/flightiq diff` away. */
const changeLinesShown = 8;

function section(text: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: shorten(text, 3000) } };
}

function context(text: string): KnownBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: shorten(text, 2000) }] };
}

/** How long before `now` a change was made, in the largest whole unit that fits. */
function ago(at: Date, now: Date): string {
  const minutes = Math.floor((now.getTime() - at.getTime()) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? '' : 's'} ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} hour${hours === 1 ? '' : 's'} ago`;
  return `${Math.floor(hours / 24)} days ago`;
}

/** A name as a command argument: in quotes when it has spaces. */
function quoted(name: string): string {
  return /\s/.test(name) ? `"${name.replace(/"/g, '')}"` : name;
}
