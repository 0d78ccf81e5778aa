import type { FlowSummary } from '../../pingone/davinci.js';
import { type LintFinding, lintFlows } from '../davinci/lint.js';
import { keepingSettings } from './plan/definition.js';
import type { ComputedPlan, LintMode, PlannedLint } from './plan/types.js';

/**
 * The lint gate (docs/promotions.md, "The lint gate"): the flows a plan writes are linted as they will
 * be in the destination (an update keeps the destination's log level), and with `block` the findings
 * make the plan unapprovable. FLIGHTIQ_LINT unset blocks into protected environments and warns elsewhere.
 */

export function lintModeFor(setting: LintMode | undefined, isProtected: boolean): LintMode {
  return setting ?? (isProtected ? 'block' : 'warn');
}

/** Lints what the plan writes and records it on the plan; blocking findings add one blocker. */
export function gatePlan(
  computed: ComputedPlan,
  context: { setting: LintMode | undefined; isProtected: boolean; sourceFlows: readonly FlowSummary[] },
): void {
  const { plan } = computed;
  // The main flow first: a loop is named from the caller the main flow reaches first.
  const ordered = [...plan.flows].sort((a, b) => a.depth - b.depth);
  const flows = ordered.flatMap((planned) => {
    const definition = computed.definitions.get(planned.sourceId);
    if (!definition) return [];
    const written = keepingSettings(definition, computed.destinations.get(planned.sourceId));
    return [
      { id: planned.sourceId, name: planned.name, graphData: written.graphData, settings: written.settings },
    ];
  });
  if (flows.length === 0) return;
  const findings = lintFlows({
    flows,
    versions: new Map(context.sourceFlows.map((flow) => [flow.id, flow.currentVersion])),
    undefinedVariables: plan.variables
      .filter((variable) => variable.action === 'undefined')
      .map((variable) => ({
        name: variable.name,
        context: variable.context,
        ...(variable.flow ? { flow: variable.flow.name } : {}),
      })),
    destination: { name: plan.to.name, protected: context.isProtected },
  });
  const mode = lintModeFor(context.setting, context.isProtected);
  plan.lint = { mode, findings };
  if (mode === 'block' && findings.length > 0) {
    const why = context.setting
      ? 'FLIGHTIQ_LINT=block'
      : `lint blocks by default into a protected environment`;
    plan.blockers.push(
      `${findings.length === 1 ? 'A lint finding stops' : `${findings.length} lint findings stop`} this promotion into ${plan.to.name} (${why}): fix ${findings.length === 1 ? 'it' : 'them'} in ${plan.from.name} as each finding says, then request again.`,
    );
  }
}

interface TextStyle {
  escape: (text: string) => string;
  code: (text: string) => string;
}

const plain: TextStyle = { escape: (text) => text, code: (text) => text };

/** The heading of a plan's lint part: how many findings, and whether they block. */
export function lintHeading(lint: PlannedLint): string {
  const count = lint.findings.length === 1 ? '1 finding' : `${lint.findings.length} findings`;
  return `Lint (${count}; ${lint.mode === 'block' ? 'they block approval' : 'warnings only'})`;
}

/** One finding as a line: its rule, where, what, and the fix. */
export function lintFindingText(finding: LintFinding, style: TextStyle = plain): string {
  return `${style.code(finding.rule)} ${style.escape(finding.message)} Fix: ${style.escape(finding.fix)}`;
}
