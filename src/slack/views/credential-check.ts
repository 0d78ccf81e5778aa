import type { KnownBlock } from '@slack/types';
import {
  type CheckReport,
  type DavinciRead,
  outdatedTestText,
  type StepStatus,
} from '../../core/credentials/check.js';
import { escapeMrkdwn, shorten } from './mrkdwn.js';
import { problemBlocks } from './pingone-problem.js';

const mark: Record<StepStatus, string> = {
  passed: ':white_check_mark:',
  failed: ':x:',
  not_checked: ':heavy_minus_sign:',
};

const davinciText: Record<DavinciRead, string> = {
  passed: `DaVinci read ${mark.passed}`,
  failed: `DaVinci read ${mark.failed}`,
  not_checked: `DaVinci read ${mark.not_checked}`,
  not_licensed: ':heavy_minus_sign: DaVinci not licensed here',
  refused: ':grey_question: DaVinci refused (no DaVinci role, or DaVinci not licensed here)',
};

/** The validation checklist of `/flightiq test`: each line passed, failed or not checked. */
export function credentialCheckMessage(report: CheckReport): { text: string; blocks: KnownBlock[] } {
  const name = escapeMrkdwn(report.tenant);
  const token =
    report.token.status === 'passed'
      ? `${mark.passed} Worker token minted in ${report.token.mintedInMs} ms, valid for ${Math.round((report.token.expiresInSeconds ?? 0) / 60)} minutes`
      : `${mark[report.token.status]} Worker token ${report.token.status === 'failed' ? 'could not be minted' : 'not checked'}`;
  const roles =
    report.roles.status === 'not_checked'
      ? `${mark.not_checked} Role assignments not checked${report.roles.note ? `: ${escapeMrkdwn(report.roles.note)}` : ''}`
      : `${mark[report.roles.status]} Role assignments: ${
          report.roles.assignments.length > 0
            ? report.roles.assignments
                .map((a) => `${escapeMrkdwn(a.role)} (${escapeMrkdwn(a.scope)})`)
                .join(', ')
            : escapeMrkdwn(report.roles.note ?? 'none')
        }`;
  const envs =
    report.environments.status === 'passed'
      ? `${mark.passed} ${report.environments.total} environment(s) reachable`
      : `${mark[report.environments.status]} Environments ${report.environments.status === 'failed' ? 'could not be listed' : 'not checked'}`;

  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: shorten(`Credential test: ${report.tenant}`, 150) } },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: shorten(
          `${report.passed ? ':large_green_circle: *Passed.*' : ':red_circle: *Failed.*'} Tenant *${name}*\n${token}\n${roles}\n${envs}`,
          3000,
        ),
      },
    },
  ];
  if (report.environments.checked.length > 0) {
    const lines = report.environments.checked.map(
      (env) =>
        `*${escapeMrkdwn(env.name)}* (${escapeMrkdwn(env.type)}): ${davinciText[env.davinciRead]} · Identity read ${mark[env.identityRead]}`,
    );
    const more = report.environments.total - report.environments.checked.length;
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: shorten(
          `${lines.join('\n')}${more > 0 ? `\n_${more} more environment(s) not checked._` : ''}`,
          3000,
        ),
      },
    });
  }
  if (report.problem) blocks.push(...problemBlocks(report.problem));
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: report.outdated
          ? `:warning: ${outdatedTestText}`
          : 'Next: test write operations in a non-production environment first.',
      },
    ],
  });
  return { text: `Credential test of ${name}: ${report.passed ? 'passed' : 'failed'}`, blocks };
}
