import type { KnownBlock } from '@slack/types';
import type { CertificateWarning, CredentialAlert, DriftWarning } from '../../core/credentials/monitor.js';
import { daysText, expiryOf } from '../../core/expiry.js';
import { problemHeadline } from '../../core/problem-headlines.js';
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
 * A flow in a protected environment changed outside FlightIQ since FlightIQ wrote it: what, by how
 * much, and how a reader sees what differs before anyone promotes over it.
 */
export function driftWarningMessage(warning: DriftWarning): { text: string; blocks: KnownBlock[] } {
  const flow = escapedShort(warning.flowName, 200);
  const environment = escapedShort(warning.environmentName, 100);
  const what =
    warning.currentVersion === null
      ? 'was deleted outside FlightIQ'
      : `was changed outside FlightIQ: it is version ${warning.currentVersion} now`;
  const command = `/flightiq diff ${quoted(warning.flowName)} --from ${quoted(warning.sourceEnvironmentName)} --to ${quoted(warning.environmentName)}`;
  const text = [
    `:warning: *${flow}* in *${environment}* (tenant *${escapedShort(warning.tenantName, 100)}*) ${what}; FlightIQ left it at version ${warning.writtenVersion} (promotion \`${warning.promotionId.slice(0, 8)}\`).`,
    'The next promotion of it overwrites that change. Readers see what differs from the source, without requesting anything, with:',
    `\`${escapedShort(command, 600)}\``,
  ].join('\n');
  return {
    text: `${escapedShort(warning.flowName, 200)} in ${environment} ${what}`,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: shorten(text, 3000) } }],
  };
}

/** A name as a command argument: in quotes when it has spaces. */
function quoted(name: string): string {
  return /\s/.test(name) ? `"${name.replace(/"/g, '')}"` : name;
}
