import type { PlannedDiff } from '../promotion/plan/types.js';
import type { NodeRef, PropertyChange } from './flow-diff.js';

/**
 * A plan's diffs as lines a person reads, in a style the caller gives: Slack's mrkdwn (the Slack
 * views) or plain text (the console, a file). What is said, and in which order, is the same in both.
 */

/** Names listed after a summary's counts before "…". */
const namesInSummary = 4;

/** How a diff is written: Slack's mrkdwn, or plain text (a file, a terminal). */
export interface DiffStyle {
  bold(text: string): string;
  code(text: string): string;
  note(text: string): string;
  /** A name or value from PingOne, at most `max` characters as shown. */
  value(text: string, max: number): string;
  icon: { added: string; removed: string; changed: string; warning: string };
}

export const plainDiffStyle: DiffStyle = {
  bold: (text) => text,
  code: (text) => text,
  note: (text) => text,
  value: (text, max) => (text.length > max ? `${text.slice(0, max - 1)}…` : text),
  icon: { added: '+', removed: '-', changed: '~', warning: '!' },
};

/** One flow's diff in a few words: "3 nodes changed, 1 added: Page, Send OTP, …". */
export function summaryOf(diff: PlannedDiff, style: Pick<DiffStyle, 'value'>): string {
  const { added, removed, changed } = diff.nodes;
  switch (diff.verdict) {
    case 'new':
      return `new flow, ${count(added.length, 'node')}`;
    case 'same':
      return 'no change';
    case 'layout_only':
      return 'layout only';
    case 'changed': {
      const parts = [
        changed.length > 0 ? `${count(changed.length, 'node')} changed` : '',
        added.length > 0 ? `${added.length} added` : '',
        removed.length > 0 ? `${removed.length} removed` : '',
      ].filter(Boolean);
      const counts = parts.length > 0 ? parts.join(', ') : '';
      // Evaluators only join steps: counted, not named, so the names are the steps themselves.
      const all = [...changed, ...added, ...removed];
      const names = all
        .filter((node) => node.kind !== 'Evaluator')
        .map((node) => style.value(node.label, 40));
      const evaluators = all.length - names.length;
      const listed = names.slice(0, namesInSummary).join(', ') + (names.length > namesInSummary ? ', …' : '');
      const shown =
        evaluators > 0 ? [listed, count(evaluators, 'evaluator')].filter(Boolean).join(' and ') : listed;
      const more = [
        diff.links.added + diff.links.removed > 0 ? 'links changed' : '',
        diff.flowChanges.length > 0 ? `${count(diff.flowChanges.length, 'flow setting')} changed` : '',
      ].filter(Boolean);
      return [counts && `${counts}${shown ? `: ${shown}` : ''}`, ...more].filter(Boolean).join('; ');
    }
  }
}

/** The whole diff, flow by flow: every node added, removed and changed, with what changed in it. */
export function diffLinesIn(diffs: readonly PlannedDiff[], style: DiffStyle): string[] {
  const { bold, code, note, value, icon } = style;
  const node = (ref: NodeRef) => `${bold(value(ref.label, 80))} (${value(ref.kind, 80)})`;
  const changeLine = (change: PropertyChange) => {
    const path = code(value(change.path, 80));
    const warning = change.warning ? ` ${icon.warning} ${change.warning}` : '';
    if (change.hidden) {
      const sizes = change.sizes ? `; ${change.sizes.before} → ${change.sizes.after} characters` : '';
      return `${path}: changed (a secret: not shown${sizes})${warning}`;
    }
    const was = change.before === undefined ? note('nothing') : `"${value(change.before, 150)}"`;
    const is = change.after === undefined ? note('nothing') : `"${value(change.after, 150)}"`;
    return `${path}: ${was} → ${is}${warning}`;
  };
  const lines: string[] = [];
  for (const diff of diffs) {
    lines.push(`${bold(value(diff.flow, 150))}: ${summaryOf(diff, style)}`);
    if (diff.drift) {
      lines.push(
        `${icon.warning} Changed outside FlightIQ since promotion ${code(diff.drift.promotionId.slice(0, 8))} (FlightIQ left version ${diff.drift.written}; it is version ${diff.drift.now} now). The "was" values below are what approving overwrites.`,
      );
    }
    if (diff.verdict === 'new') {
      for (const added of diff.nodes.added) lines.push(`  ${icon.added} ${node(added)}`);
    } else {
      for (const added of diff.nodes.added) lines.push(`  ${icon.added} added ${node(added)}`);
      for (const removed of diff.nodes.removed) lines.push(`  ${icon.removed} removed ${node(removed)}`);
      for (const changed of diff.nodes.changed) {
        lines.push(`  ${icon.changed} changed ${node(changed)}`);
        for (const change of changed.changes) lines.push(`      ${changeLine(change)}`);
      }
      if (diff.links.added + diff.links.removed > 0) {
        lines.push(`  Links between nodes: ${diff.links.added} added, ${diff.links.removed} removed`);
      }
      for (const change of diff.flowChanges) lines.push(`  ${changeLine(change)}`);
    }
    if (diff.cut) {
      lines.push(
        `  …cut here: ${diff.cut.nodes} nodes and ${diff.cut.changes} changes in all; compare the flows in DaVinci for the rest.`,
      );
    }
    const uses = [
      diff.uses.variables.length > 0
        ? `variables ${diff.uses.variables.map((v) => value(v, 80)).join(', ')}`
        : '',
      diff.uses.connectors.length > 0
        ? `connector instances ${diff.uses.connectors.map((c) => value(c, 80)).join(', ')}`
        : '',
    ].filter(Boolean);
    if (uses.length > 0) lines.push(`  ${note(`Uses ${uses.join('; ')}`)}`);
  }
  return lines;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** The whole diff as plain text: for a file, or the console. */
export function diffText(diffs: readonly PlannedDiff[]): string {
  return diffLinesIn(diffs, plainDiffStyle).join('\n');
}
