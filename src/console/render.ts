import type { AuditEvent } from '../core/audit-trail.js';
import {
  type CheckReport,
  type DavinciRead,
  outdatedTestText,
  type StepStatus,
} from '../core/credentials/check.js';
import { diffText } from '../core/davinci/flow-diff-text.js';
import type { EnvironmentMatch } from '../core/environment-match.js';
import type { EnvironmentSummary } from '../core/environments.js';
import { daysText, expiryOf } from '../core/expiry.js';
import { plainCell } from '../core/listing/artifact-csv.js';
import type { ArtifactRow, Cell, Column } from '../core/listing/artifact-kinds.js';
import type { ListPage } from '../core/listing/artifact-listing.js';
import { entryText } from '../core/mappings/service.js';
import type { PolicyChain, PolicyDistribution } from '../core/policies/chain.js';
import { plannedPolicyLines, policyResultText } from '../core/policies/policy-text.js';
import type { Problem } from '../core/problem.js';
import { problemLine } from '../core/problem-headlines.js';
import { lintFindingText, lintHeading } from '../core/promotion/lint-gate.js';
import { policyUseText } from '../core/promotion/plan/blast-radius.js';
import { shownFingerprint } from '../core/promotion/plan/fingerprint.js';
import { referenceText } from '../core/promotion/plan/references.js';
import type { PlannedVariable } from '../core/promotion/plan/types.js';
import { reachabilityLines } from '../core/promotion/reachability.js';
import type { Promotion } from '../core/promotion/service.js';
import { plainText, promotionRoute, promotionTitle } from '../core/promotion/texts.js';
import type { Tenant } from '../core/tenants/service.js';

/** Results as terminal text: the console's views, pure functions like the Slack ones. */

const mark: Record<StepStatus, string> = {
  passed: '[ok]',
  failed: '[FAILED]',
  not_checked: '[--]',
};

const davinciText: Record<DavinciRead, string> = {
  passed: `DaVinci read ${mark.passed}`,
  failed: `DaVinci read ${mark.failed}`,
  not_checked: `DaVinci read ${mark.not_checked}`,
  not_licensed: 'DaVinci not licensed here',
  refused: 'DaVinci refused (no DaVinci role, or DaVinci not licensed here)',
};

export function problemText(problem: Problem): string {
  const lines = [problemLine(problem)];
  if (problem.checks.length > 0) lines.push('Check:', ...problem.checks.map((check) => `  - ${check}`));
  if (problem.correlationId) lines.push(`PingOne correlation ID: ${problem.correlationId}`);
  return lines.join('\n');
}

export function checkReportText(report: CheckReport): string {
  const lines = [`Credential test of ${report.tenant}: ${report.passed ? 'PASSED' : 'FAILED'}`];
  lines.push(
    report.token.status === 'passed'
      ? `${mark.passed} worker token minted in ${report.token.mintedInMs} ms, valid for ${Math.round((report.token.expiresInSeconds ?? 0) / 60)} minutes`
      : `${mark[report.token.status]} worker token ${report.token.status === 'failed' ? 'could not be minted' : 'not checked'}`,
  );
  const roles = report.roles.assignments.map((a) => `${a.role} (${a.scope})`).join(', ');
  lines.push(`${mark[report.roles.status]} role assignments: ${roles || report.roles.note || 'not checked'}`);
  lines.push(
    `${mark[report.environments.status]} environments: ${report.environments.status === 'passed' ? `${report.environments.total} reachable` : report.environments.status.replace('_', ' ')}`,
  );
  for (const env of report.environments.checked) {
    lines.push(
      `    ${env.name} (${env.type}): ${davinciText[env.davinciRead]}, Identity read ${mark[env.identityRead]}`,
    );
  }
  if (report.problem) lines.push(problemText(report.problem));
  if (report.outdated) lines.push(outdatedTestText);
  return lines.join('\n');
}

export function environmentsText(tenant: string, environments: readonly EnvironmentSummary[]): string {
  if (environments.length === 0)
    return `The worker app of ${tenant} sees no environments: its roles cover none.`;
  return [
    `Environments of ${tenant}:`,
    ...environments.map(
      (env) =>
        `  ${env.name}  ${env.type}  ${env.region}  ${env.id}${env.hasDavinci === false ? '  (no DaVinci)' : ''}`,
    ),
  ].join('\n');
}

export function environmentMatchText(match: Extract<EnvironmentMatch, { ok: false }>): string {
  const intro =
    match.reason === 'ambiguous'
      ? `"${match.asked}" could mean more than one environment; type more of the name, or the ID:`
      : `The worker app sees no environment named "${match.asked}". It sees:`;
  return [intro, ...match.candidates.slice(0, 25).map((env) => `  ${env.name} (${env.type}) ${env.id}`)].join(
    '\n',
  );
}

/**
 * A list as an aligned table of the columns the Slack list shows, with expired and soon-expiring
 * certificates and keys marked as the Slack list marks them.
 */
export function listText(list: ListPage, rows: readonly ArtifactRow[]): string {
  const { kind, snapshot, shownAt: now } = list;
  const columns = kind.columns.filter((column) => !column.csvOnly);
  const table = [
    columns.map((column) => column.title),
    ...rows.map((row) => columns.map((column) => cellText(column, row.cells[column.key], now).slice(0, 60))),
  ];
  const widths = columns.map((_, i) => Math.max(...table.map((line) => (line[i] ?? '').length)));
  const lines = table.map((line) =>
    line
      .map((text, i) => text.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd(),
  );
  const header = `${kind.title} in ${snapshot.environmentName} (tenant ${snapshot.tenantName}): ${snapshot.total} item(s)${snapshot.filter ? ` matching "${snapshot.filter}"` : ''}`;
  const more = snapshot.total - rows.length;
  return [
    header,
    ...(snapshot.total > 0 ? lines : []),
    ...(more > 0 ? [`… ${more} more: add --csv <file> to write them all.`] : []),
    ...(snapshot.leftOut > 0
      ? [`${snapshot.leftOut} more matched than FlightIQ keeps for one list; add filter words to narrow it.`]
      : []),
  ].join('\n');
}

function cellText(column: Column, cell: Cell | undefined, now: Date): string {
  const text = plainCell(column, cell);
  if (column.format !== 'expiry' || typeof cell !== 'string') return text;
  const at = new Date(cell);
  if (Number.isNaN(at.getTime())) return text;
  const expiry = expiryOf(at, now);
  if (expiry.state === 'expired') return `${text} EXPIRED`;
  return expiry.state === 'expiring' ? `${text} EXPIRES in ${daysText(expiry.days)}` : text;
}

export function tenantsText(tenants: readonly Tenant[]): string {
  if (tenants.length === 0) return 'No tenants yet. Add one with: tenant add';
  return tenants
    .map(
      (t) =>
        `${t.name}  region ${t.region}  environment ${t.environmentId}  client ${t.clientId}  ${t.authMethod}  secret ${t.secretFingerprint}  last test: ${t.lastTest ? `${t.lastTest.outcome} ${t.lastTest.at.toISOString()}` : 'never'}`,
    )
    .join('\n');
}

/**
 * A promotion as its card shows it. After a decision the plan has been seen (`show <id>` prints it
 * again), so `withPlan: false` leaves it out and says what happened.
 */
export function promotionText(
  promotion: Promotion,
  { withPlan = true }: { withPlan?: boolean } = {},
): string {
  const lines = [
    `${promotionTitle(promotion)} (tenant ${promotion.tenantName}): ${promotion.status.replace('_', ' ')}${promotion.protected ? ', protected destination' : ''}`,
    ...(promotion.reason ? [`Reason: ${promotion.reason}`] : []),
  ];
  if (withPlan) lines.push(...planLines(promotion));
  lines.push(...stateLines(promotion));
  return lines.join('\n');
}

function planLines(promotion: Promotion): string[] {
  const { plan } = promotion;
  const plain = { escape: (text: string) => text, name: (text: string) => text };
  if (plan.policy) {
    const [head = '', ...rest] = plannedPolicyLines(
      plan.policy,
      { from: promotion.fromEnvName, to: promotion.toEnvName },
      plain,
    );
    return [head, ...rest.map((line) => `  ${line}`)];
  }
  const carried = (plan.carried ?? []).flatMap(({ policy }) =>
    plannedPolicyLines(policy, { from: promotion.fromEnvName, to: promotion.toEnvName }, plain).map(
      (line, at) => (at === 0 ? `  ${line}` : `    ${line}`),
    ),
  );
  const lines = [
    ...(carried.length > 0 ? ['Flow policies carried along:', ...carried] : []),
    'Flows:',
    ...plan.flows.map(
      (f) =>
        `  ${f.name} v${f.sourceVersion ?? '?'} (${f.role === 'main' ? 'main flow' : `subflow, level ${f.depth}`}): ${f.action}${f.destinationVersions ? ` (destination current v${f.destinationVersions.current ?? '?'}, published ${f.destinationVersions.published ?? 'never'})` : ''}`,
    ),
  ];
  if (plan.diffs && plan.diffs.length > 0) {
    lines.push('What changes:', ...indented(diffText(plan.diffs)));
  }
  if (plan.policies && plan.policies.length > 0) {
    const style = {
      escape: (text: string) => text,
      name: (text: string) => text,
      when: (at: Date) => `at ${at.toISOString()}`,
    };
    lines.push(
      'PingOne applications affected:',
      ...plan.policies.map((use) => `  ${policyUseText(use, style)}`),
    );
  }
  if (plan.connectors.length > 0) {
    lines.push(
      'Connector instances:',
      ...plan.connectors.map((c) => `  ${c.name} (${c.connector}) -> ${c.destinationId ?? 'MISSING'}`),
    );
  }
  if (plan.forms.length > 0)
    lines.push('Forms:', ...plan.forms.map((f) => `  ${f.name} -> ${f.destinationId ?? 'MISSING'}`));
  if (plan.references && plan.references.length > 0) {
    const envs = { from: promotion.fromEnvName, to: promotion.toEnvName };
    lines.push(
      'References:',
      ...plan.references.map((reference) => {
        const { text, problem } = referenceText(reference, envs);
        return `  ${text}${problem ? '  <-- check' : ''}`;
      }),
    );
  }
  if (plan.mappedByProfile && plan.mappedByProfile.length > 0) {
    lines.push(
      'Mapped by profile (names did not match):',
      ...plan.mappedByProfile.map((m) => `  ${entryText(m)}, set by ${m.setBy}`),
    );
  }
  if (plan.variables.length > 0) {
    lines.push(
      'Variables:',
      ...plan.variables.map((v) => `  ${variableText(v, promotion.fromEnvName, promotion.toEnvName)}`),
    );
  }
  if (plan.blockers.length > 0)
    lines.push('BLOCKERS (fix them, then request again):', ...plan.blockers.map((b) => `  - ${b}`));
  if (plan.warnings.length > 0) lines.push('Warnings:', ...plan.warnings.map((w) => `  - ${w}`));
  if (plan.lint && plan.lint.findings.length > 0)
    lines.push(`${lintHeading(plan.lint)}:`, ...plan.lint.findings.map((f) => `  - ${lintFindingText(f)}`));
  return lines;
}

function stateLines(promotion: Promotion): string[] {
  const lines: string[] = [];
  if (promotion.steps.length > 0) {
    lines.push(
      'Steps:',
      ...promotion.steps.map(
        (s) =>
          `  [${s.status}] ${s.action} ${s.subject}${s.version === null ? '' : ` v${s.version}`}${s.detail ? `: ${s.detail}` : ''}`,
      ),
    );
  }
  for (const f of promotion.result?.flows ?? []) {
    lines.push(
      `  ${f.action} ${f.name} ${f.destinationId}${f.version === null ? '' : ` version ${f.version}`}${f.deployedVersion === null ? '' : `, deployed ${f.deployedVersion}`}`,
    );
  }
  if (promotion.result?.reachability) {
    const style = { escape: (text: string) => text, name: (text: string) => text };
    lines.push(
      `Who reaches it in ${promotion.toEnvName}:`,
      ...reachabilityLines(promotion.result.reachability, style).map((line) => `  ${line}`),
    );
  }
  const plainNames = { escape: (text: string) => text, name: (text: string) => text };
  for (const policy of [
    ...(promotion.result?.policy ? [promotion.result.policy] : []),
    ...(promotion.result?.policies ?? []),
  ])
    lines.push(`  ${policyResultText(policy, plainNames)}`);
  for (const v of promotion.result?.variables ?? []) {
    lines.push(
      `  ${v.action} variable ${v.name} (${v.context === 'flow' ? `flow variable of ${v.flowName ?? 'its flow'}` : v.context}) ${v.destinationId}`,
    );
  }
  if (promotion.result?.leftInPlace && promotion.result.leftInPlace.length > 0) {
    lines.push(
      `Flows the promotion created are left in place (delete them in PingOne if unwanted): ${promotion.result.leftInPlace.join(', ')}`,
    );
  }
  if (promotion.outcome) lines.push(promotion.outcome);
  if (promotion.rolledBackBy) lines.push(`Rollback by ${promotion.rolledBackBy}.`);
  const next = nextStepText(promotion, 'long');
  if (next) lines.push(next);
  lines.push(
    `Plan fingerprint ${shownFingerprint(promotion.fingerprint)}; promotion ID ${shortId(promotion.id)}`,
  );
  return lines;
}

function variableText(variable: PlannedVariable, from: string, to: string): string {
  const owner =
    variable.context === 'flow' ? `flow variable of ${variable.flow?.name ?? 'its flow'}` : variable.context;
  const action = variable.action ?? (variable.inDestination ? 'exists' : 'undefined');
  const what = {
    exists: `in ${to}${variable.destinationName === undefined ? '' : ` as ${variable.destinationName} (by profile)`}, keeps its value there`,
    create:
      variable.dataType === 'secret'
        ? `CREATED in ${to} without a value (set it there)`
        : `CREATED in ${to} with ${from}'s value`,
    update: `UPDATED in ${to}: type or limits differ`,
    blocked: `MISSING in ${to}: a secret, create it there`,
    undefined: 'defined in neither environment',
  }[action];
  return `${variable.name} (${owner}, ${variable.dataType}): ${what}`;
}

/** The short ID people type (`rollback 1a2b3c4d`): enough of the UUID to tell promotions apart. */
export function shortId(id: string): string {
  return id.slice(0, 8);
}

export function promotionsText(promotions: readonly Promotion[]): string {
  if (promotions.length === 0) return 'None.';
  return [
    ...promotions.map(
      (p) =>
        `${shortId(p.id)}  ${p.createdAt.toISOString()}  ${p.flowName}: ${promotionRoute(p, plainText, '->')}  ${p.status.replace('_', ' ')}${nextStepText(p, 'short')}`,
    ),
    'See one whole with show <id>; act on it with approve, reject, run, cancel or rollback <id> (the 8 characters shown are enough).',
  ].join('\n');
}

/** What can be done with a promotion now, the commands that stand for Slack's buttons. */
function nextStepText(p: Promotion, form: 'short' | 'long'): string {
  const id = shortId(p.id);
  const requested = p.status === 'succeeded' || p.status === 'failed' || p.status === 'interrupted';
  if (p.rollbackRequestedBy && p.rollbackRequestedAt && requested) {
    const more = p.requiredApprovals - p.rollbackApprovals.length;
    return form === 'short'
      ? `  (rollback asked for: approve ${id} or reject ${id})`
      : `Rollback asked for by ${p.rollbackRequestedBy} ${p.rollbackRequestedAt.toISOString()}: ${more} more approver${more === 1 ? '' : 's'} needed. Nothing is written before. Decide with: approve ${id}, or reject ${id}.`;
  }
  if (p.rollbackUntil) {
    return form === 'short'
      ? `  (rollback ${id} until ${p.rollbackUntil.toISOString()})`
      : `Rollback is offered until ${p.rollbackUntil.toISOString()}: type "rollback ${id}" to undo it.`;
  }
  if (p.status === 'pending') {
    return p.protected
      ? form === 'short'
        ? `  (approve ${id}, reject ${id} or cancel ${id})`
        : `Waits for an approver: approve ${id}, or reject ${id}; its requester may withdraw it with cancel ${id}.`
      : form === 'short'
        ? `  (run ${id} or cancel ${id})`
        : `Waits for its requester: run ${id}, or cancel ${id}.`;
  }
  return '';
}

export function auditText(events: readonly AuditEvent[], filtered = false): string {
  if (events.length === 0) return filtered ? 'Nothing recorded matches.' : 'Nothing recorded yet.';
  return events
    .map((e) =>
      e.id === null
        ? `${e.occurredAt.toISOString()}  ${e.actorId}  ${(e.details as { notListed?: number }).notListed ?? 0} more refusals in that hour, counted but not listed  ${JSON.stringify((e.details as { byAction?: unknown }).byAction ?? {})}`
        : `${e.occurredAt.toISOString()}  ${e.actorId}  ${e.action}${e.tenant ? `  ${e.tenant}` : ''}  ${e.outcome}${e.details && Object.keys(e.details).length > 0 ? `  ${JSON.stringify(e.details)}` : ''}`,
    )
    .join('\n');
}

function indented(text: string): string[] {
  return text.split('\n').map((line) => `  ${line}`);
}

/** `diff`: what promoting would change, with the plan's warnings, nothing requested. */
export function diffOutcomeText(
  title: string,
  plan: Pick<Promotion['plan'], 'diffs' | 'warnings' | 'blockers' | 'fingerprint' | 'lint'>,
): string {
  return [
    `${title} (plan ${shownFingerprint(plan.fingerprint)}; nothing was requested or written)`,
    ...plan.warnings.map((warning) => `Warning: ${warning}`),
    ...plan.blockers.map((blocker) => `Blocker: ${blocker}`),
    ...(plan.lint?.findings ?? []).map((finding) => `Lint: ${lintFindingText(finding)}`),
    ...indented(
      plan.diffs && plan.diffs.length > 0 ? diffText(plan.diffs) : 'The plan has no flows to compare.',
    ),
  ].join('\n');
}

/** `list policies` as text: each DaVinci application, its policies, their flows and who runs them. */
export function policyChainText(chain: PolicyChain): string {
  if (chain.applications.length === 0)
    return `No DaVinci application in ${chain.environment.name}: no flow there is reachable from a PingOne application.`;
  const distribution = (d: PolicyDistribution, all: readonly PolicyDistribution[]) => {
    const version = d.version === null || d.version < 0 ? 'deployed version' : `v${d.version}`;
    const weight = d.weight ?? (all.length === 1 ? 100 : null);
    return `${d.flowName ?? `missing flow ${d.flowId}`} ${version}${weight === null ? '' : ` ${weight}%`}`;
  };
  const lines = chain.applications.flatMap((app) => [
    app.name,
    ...app.policies.map((policy) => {
      const runs =
        policy.distributions.map((d) => distribution(d, policy.distributions)).join(', ') || 'no flow';
      const used = policy.usedBy.map((use) => `${use.applicationName} (priority ${use.priority})`).join(', ');
      return `  ${policy.name}${policy.status === 'enabled' ? '' : ` (${policy.status})`}: ${runs}; used by ${used || 'no PingOne application'}`;
    }),
  ]);
  if (chain.truncated)
    lines.push('(Some lists were longer than FlightIQ reads; this is the first part of them.)');
  return lines.join('\n');
}
