import type { Flow, FlowSummary } from '../../../pingone/davinci.js';
import type { FlowDiff } from '../../davinci/flow-diff.js';
import type { IdMaps, VariableContext } from '../../davinci/flow-graph.js';
import type { LintFinding } from '../../davinci/lint.js';
import type { VariableDefinition } from '../../davinci/variables.js';
import type { ProfileMapping } from './profile.js';
import type { PlannedReference } from './references.js';

/** What a promotion's plan is made of, as the planner computes it and every front end shows it. */

export interface EnvironmentRef {
  id: string;
  name: string;
  type: string;
}

export type FlowAction = 'create' | 'update' | 'unchanged';

export interface PlannedFlow {
  sourceId: string;
  name: string;
  sourceVersion: number | null;
  role: 'main' | 'subflow';
  /** 0 for the main flow; subflows are written deepest first. */
  depth: number;
  action: FlowAction;
  destinationId: string | null;
  destinationName: string;
  destinationVersions: { current: number | null; published: number | null } | null;
}

/**
 * What happens to one variable a promoted flow uses. `exists`: the destination has it and keeps its
 * own value. `create`: the promotion creates it (with the source's value, never a secret's). `update`:
 * a flow variable whose type or limits differ is brought in line. `blocked`: a secret missing in the
 * destination, which a person must create there. `undefined`: used, but defined in neither environment.
 */
export type VariableAction = 'exists' | 'create' | 'update' | 'blocked' | 'undefined';

export interface PlannedVariable {
  name: string;
  context: VariableContext;
  dataType: string;
  /** For flow context: the (source) flow the variable belongs to. */
  flow?: { sourceId: string; name: string };
  /** Absent in plans stored before variables had actions; `inDestination` tells those apart. */
  action?: VariableAction;
  destinationId?: string | null;
  /** Set when a mapping profile maps the variable to one the destination calls otherwise. */
  destinationName?: string;
  inDestination: boolean;
}

export interface PromotionPlan {
  from: EnvironmentRef;
  to: EnvironmentRef;
  flows: PlannedFlow[];
  connectors: { sourceId: string; name: string; connector: string; destinationId: string | null }[];
  forms: { sourceId: string; name: string; destinationId: string | null }[];
  /** PingOne objects, template variants and IDs found in the flows; absent in plans stored before. */
  references?: PlannedReference[];
  variables: PlannedVariable[];
  /**
   * References the pair's mapping profile mapped, because the destination's names did not: shown to
   * the approver, and part of the fingerprint. Absent when the profile mapped none.
   */
  mappedByProfile?: ProfileMapping[];
  blockers: string[];
  warnings: string[];
  /** What each flow's write changes in it, in the order of `flows`; absent in plans stored before diffs. */
  diffs?: PlannedDiff[];
  /**
   * The destination's flow policies that run a flow this plan updates, with the PingOne applications
   * that use them; absent when they could not be read (a warning says why) and in older plans.
   */
  policies?: PlannedPolicyUse[];
  /** Set when the promotion copies a flow policy instead of flows. */
  policy?: PlannedPolicy;
  /**
   * The source's flow policies that run a flow this promotion writes, carried along
   * (`--with-policies`): written after the flows are deployed, each re-planned then.
   */
  carried?: { asked: { application: string; policy: string }; policy: PlannedPolicy; fingerprint: string }[];
  /**
   * The lint gate's findings on the flows written and whether they block (promotion/lint-gate.ts);
   * absent in plans stored before the gate and in policy promotions.
   */
  lint?: PlannedLint;
  fingerprint: string;
}

/** FLIGHTIQ_LINT: whether lint findings block approval or only warn (promotion/lint-gate.ts). */
export type LintMode = 'warn' | 'block';

export interface PlannedLint {
  mode: LintMode;
  findings: LintFinding[];
}

/** What a flow policy's replace (or create) request carries (DaVinciFlowPolicyReplaceRequest). */
export interface PolicyBody {
  name: string;
  status?: string;
  trigger?: Record<string, unknown>;
  flowDistributions: Record<string, unknown>[];
}

/** One flow a promoted policy sends users to, as the source names it and the destination will. */
export interface PlannedDistribution {
  /** The source flow's name; null when the source has no such flow. */
  flowName: string | null;
  sourceFlowId: string;
  destinationFlowId: string | null;
  /** The version the source policy runs; -1 (or null) follows the deployed version. */
  sourceVersion: number | null;
  /** The version the destination policy will run; null with `promoted`: the one the promotion deploys. */
  version: number | null;
  weight: number | null;
  /** The flow is one the carrying promotion writes (`--with-policies`). */
  promoted?: boolean;
}

/**
 * A flow policy promoted from one environment's DaVinci application to the same-named one in another,
 * updated in place (never deleted and created again, which breaks sign-on for the applications that
 * use it) or created; the DaVinci application too, when the destination has none of that name.
 */
export interface PlannedPolicy {
  application: { name: string; sourceId: string; destinationId: string | null };
  name: string;
  sourceId: string;
  destinationId: string | null;
  action: 'create' | 'update' | 'unchanged';
  body: PolicyBody;
  distributions: PlannedDistribution[];
}

/** A flow's diff in a plan: the destination now (or nothing, for a new flow) against what is written. */
export interface PlannedDiff extends FlowDiff {
  sourceId: string;
  /** Set when the destination flow was changed outside FlightIQ since FlightIQ last wrote it. */
  drift?: { promotionId: string; written: number; now: number };
}

/** What create and replace requests carry (docs/pingone-facts.md, "Flow create and replace body"). */
export interface FlowDefinition {
  name: string;
  description?: unknown;
  color?: unknown;
  graphData?: unknown;
  inputSchema?: unknown;
  outputSchema?: unknown;
  settings?: unknown;
  trigger?: unknown;
}

export const definitionKeys = [
  'description',
  'color',
  'graphData',
  'inputSchema',
  'outputSchema',
  'settings',
  'trigger',
] as const;

export interface PlanOptions {
  asNew: boolean;
  withSubflows: boolean;
  /** Promote each flow's saved version, deployed or not; by default the deployed one is promoted. */
  saved?: boolean;
  /**
   * A revert (`/flightiq revert`): the flow's own version this number, into the same environment, by
   * PingOne's revert. Source and destination are one environment and the flow is matched by ID.
   */
  revertTo?: number;
  /** A flow policy promotion (`/flightiq promote policy <app>/<policy>`): no flow is written. */
  policy?: { application: string; policy: string };
  /** The source's flow policies that run the promoted flows go along, in the same approval. */
  withPolicies?: boolean;
}

/** The plan options a command's flags ask for (`--as-new`, `--no-subflows`, `--saved`). */
export function planOptionsFrom(flags: ReadonlySet<string>): PlanOptions {
  return {
    asNew: flags.has('as-new'),
    withSubflows: !flags.has('no-subflows'),
    ...(flags.has('saved') ? { saved: true } : {}),
    ...(flags.has('with-policies') ? { withPolicies: true } : {}),
  };
}

export type FlowLookup =
  | { ok: true; flow: FlowSummary; flows: FlowSummary[] }
  | { ok: false; reason: 'unknown' | 'ambiguous'; candidates: string[] };

export interface ComputedPlan {
  plan: PromotionPlan;
  /** Source definitions by source flow ID, ready to be rewritten and written. */
  definitions: Map<string, FlowDefinition>;
  /** Mapped connector instances, forms and PingOne objects, for rewriting. */
  maps: Omit<IdMaps, 'flows'>;
  /** Flows started but not written (`--no-subflows`), found in the destination by name. */
  linkedFlows: ReadonlyMap<string, { id: string; name: string }>;
  /** The destination's flows to update as they are now, by source flow ID: what an update keeps of them. */
  destinations: ReadonlyMap<string, FlowDefinition>;
  /** Whether each source flow is enabled, by its ID, where PingOne said. */
  enabled: ReadonlyMap<string, boolean>;
  /** For each planned variable (by `variableKey`): the source's definition, and the destination's. */
  variables: Map<
    string,
    { source: VariableDefinition | undefined; destination: VariableDefinition | undefined }
  >;
}

/** Identifies a planned variable: its context, its flow (for flow context) and its name. */
export function variableKey(variable: Pick<PlannedVariable, 'context' | 'name' | 'flow'>): string {
  return `${variable.context}/${variable.flow?.sourceId ?? ''}/${variable.name}`;
}

/** What was read of the source: the flows, and the variables their exports list (by source flow ID). */
export interface SourceRead {
  flows: Flow[];
  depth: Map<string, number>;
  main: Flow;
  exported: Map<string, VariableDefinition[]>;
}

/**
 * Who a promotion changes things for: a flow policy of the destination that sends users to a flow the
 * promotion updates, and the PingOne applications that run it. A new flow is in no policy yet.
 */
export interface PlannedPolicyUse {
  /** The flow as the destination names it. */
  flowName: string;
  policy: string;
  davinciApplication: string;
  status: string;
  /** The version the policy runs; null when it follows whatever is deployed. */
  pinnedVersion: number | null;
  /** This flow's share of the policy's users, in percent. */
  weight: number;
  /** The rest of the split: other flows of the same policy and their shares. */
  others: { flowName: string | null; weight: number }[];
  usedBy: { applicationName: string; priority: number }[];
  /** Where to read the policy's events: its DaVinci application's ID, its own, and the flow's. */
  ids?: { davinciApplication: string; policy: string; flow: string };
  /** The policy's recorded runs of this flow (PingOne's flow policy events); absent when unread. */
  runs?: { total: number; succeeded: number; lastAt: string | null };
}
