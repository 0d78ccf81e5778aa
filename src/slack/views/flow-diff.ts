import type { ActionsBlock, KnownBlock, ModalView } from '@slack/types';
import { type DiffStyle, diffLinesIn, summaryOf } from '../../core/davinci/flow-diff-text.js';
import { lintFindingText, lintHeading } from '../../core/promotion/lint-gate.js';
import { shownFingerprint } from '../../core/promotion/plan/fingerprint.js';
import type { PlannedDiff, PromotionPlan } from '../../core/promotion/plan/types.js';
import { escapedShort, packLines } from './mrkdwn.js';

export const diffActions = { show: 'promotion_diff', page: 'diff_page' } as const;

/** Sections a page of the diff modal holds: well inside Slack's 100 blocks and 250 kB a view. */
const sectionsPerPage = 24;

const mrkdwn: DiffStyle = {
  bold: (text) => `*${text}*`,
  code: (text) => `\`${text}\``,
  note: (text) => `_${text}_`,
  value: (text, max) => escapedShort(text, max),
  icon: {
    added: ':heavy_plus_sign:',
    removed: ':heavy_minus_sign:',
    changed: ':pencil2:',
    warning: ':warning:',
  },
};

/** One line per flow for a card: "3 nodes changed, 1 added: Page, Send OTP, …". */
export function diffSummaryLine(diff: PlannedDiff): string {
  const name = `*${escapedShort(diff.flow, 100)}*`;
  const drift = diff.drift ? ' :warning: _changed outside FlightIQ_' : '';
  return `• ${name}: ${summaryOf(diff, mrkdwn)}${drift}`;
}

/** The whole diff as lines of mrkdwn, flow by flow, for the modal and the message. */
export function diffLines(diffs: readonly PlannedDiff[]): string[] {
  return diffLinesIn(diffs, mrkdwn);
}

/** The diff cut into pages of sections, each section within Slack's 3,000 characters. */
export function diffPages(diffs: readonly PlannedDiff[]): string[][] {
  const sections = packLines(diffLines(diffs));
  const pages: string[][] = [];
  for (let i = 0; i < sections.length; i += sectionsPerPage)
    pages.push(sections.slice(i, i + sectionsPerPage));
  return pages.length > 0 ? pages : [['No flows in this plan.']];
}

/** The diff modal: one page of it, with Previous / Next when there are more. */
export function diffModal(
  promotionId: string,
  title: string,
  diffs: readonly PlannedDiff[],
  page: number,
): ModalView {
  const pages = diffPages(diffs);
  const shown = Math.min(Math.max(0, page), pages.length - 1);
  const blocks: KnownBlock[] = [
    {
      type: 'context',
      elements: [{ type: 'mrkdwn', text: escapedShort(title, 300) }],
    },
    ...(pages[shown] ?? []).map((text): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text } })),
  ];
  if (pages.length > 1) {
    const button = (text: string, target: number): ActionsBlock['elements'][number] => ({
      type: 'button',
      text: { type: 'plain_text', text },
      action_id: `${diffActions.page}_${target < shown ? 'previous' : 'next'}`,
      value: JSON.stringify({ p: promotionId, n: target }),
    });
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `Page ${shown + 1} of ${pages.length}` }],
    });
    const elements = [
      ...(shown > 0 ? [button('Previous', shown - 1)] : []),
      ...(shown < pages.length - 1 ? [button('Next', shown + 1)] : []),
    ];
    blocks.push({ type: 'actions', block_id: 'diff_pages', elements });
  }
  return {
    type: 'modal',
    callback_id: 'promotion_diff',
    title: { type: 'plain_text', text: 'What changes' },
    close: { type: 'plain_text', text: 'Close' },
    blocks,
  };
}

/** Sections a diff message may use besides its header, context and summary (Slack allows 50 blocks). */
const sectionsInMessage = 40;

/**
 * `/flightiq diff`: the summary, any warnings, and as much of the whole diff as one message holds.
 * `complete` says whether all of it fitted; when not, the caller sends the whole as a file.
 */
export function diffMessage(
  title: string,
  plan: Pick<PromotionPlan, 'diffs' | 'warnings' | 'blockers' | 'fingerprint' | 'lint'>,
): { text: string; blocks: KnownBlock[]; complete: boolean } {
  const diffs = plan.diffs ?? [];
  const details = packLines(diffLines(diffs));
  const style = { escape: (text: string) => escapedShort(text, 150), code: (text: string) => `\`${text}\`` };
  const lint =
    plan.lint && plan.lint.findings.length > 0
      ? [
          `${plan.lint.mode === 'block' ? ':no_entry:' : ':mag:'} *${lintHeading(plan.lint)}*`,
          ...plan.lint.findings.map((finding) => `• ${lintFindingText(finding, style)}`),
        ]
      : [];
  const notes = packLines([
    ...plan.warnings.map((warning) => `:warning: ${escapedShort(warning, 500)}`),
    ...plan.blockers.map((blocker) => `:no_entry: ${escapedShort(blocker, 500)}`),
    ...lint,
  ]).slice(0, 5);
  const room = sectionsInMessage - notes.length;
  const complete = details.length <= room;
  const shown = complete ? details : details.slice(0, room - 1);
  const blocks: KnownBlock[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: title.length > 150 ? `${title.slice(0, 149)}…` : title },
    },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `plan \`${shownFingerprint(plan.fingerprint)}\`  ·  nothing was requested or written`,
        },
      ],
    },
    ...notes.map((text): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text } })),
    ...shown.map((text): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text } })),
  ];
  if (!complete) {
    blocks.push({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `…the diff goes on (${details.length - shown.length} more parts): the whole of it is sent to you as a file, in your messages with FlightIQ.`,
        },
      ],
    });
  }
  if (diffs.length === 0) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: 'The plan has no flows to compare.' } });
  }
  return { text: escapedShort(title, 3000), blocks, complete };
}
