import { createHash } from 'node:crypto';
import type { Flow, FlowSummary } from '../../../pingone/davinci.js';
import { stableJson } from '../../stable-json.js';
import { contentOf, definitionOf } from './definition.js';
import type { ProfileMapping } from './profile.js';
import type { PlannedReference } from './references.js';
import {
  type ComputedPlan,
  type PlannedFlow,
  type PlannedVariable,
  type PromotionPlan,
  variableKey,
} from './types.js';

/** The plan's fingerprint: a SHA-256 of what was read, compared again before anything is written. */

/** A plan's fingerprint as people read it: its first 16 characters, like a short commit hash. */
export function shownFingerprint(fingerprint: string): string {
  return fingerprint.slice(0, 16);
}

export function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

/** What the plan was made from: source versions and destination state. Changes to either change it. */
export function fingerprintOf(
  sourceFlows: Flow[],
  planned: PlannedFlow[],
  destinationFlows: FlowSummary[],
  connectors: PromotionPlan['connectors'],
  forms: PromotionPlan['forms'],
  references: PlannedReference[],
  variables: PlannedVariable[],
  definitions: ComputedPlan['variables'],
  asNew: boolean,
  mappedByProfile: readonly ProfileMapping[] = [],
): string {
  const state = {
    source: sourceFlows
      .map((flow) => [
        flow.id,
        flow.currentVersion ?? null,
        flow.updatedAt ?? null,
        contentOf(definitionOf(flow)),
      ])
      .sort(),
    destination: planned.map((entry) => {
      const current = destinationFlows.find((flow) => flow.id === entry.destinationId);
      return [
        entry.sourceId,
        entry.action,
        entry.destinationId,
        current?.currentVersion ?? null,
        current?.publishedVersion ?? null,
      ];
    }),
    // Destination names this plan depends on (a match to update, a copy's name to avoid); others belong
    // to other promotions, which must not invalidate this one.
    namesTaken: destinationFlows
      .map((flow) => flow.name.toLowerCase())
      .filter((name) =>
        sourceFlows.some((flow) => {
          const own = flow.name.toLowerCase();
          return name === own || (asNew && name.startsWith(`${own} (copy`));
        }),
      )
      .sort(),
    connectors: connectors.map((c) => [c.sourceId, c.destinationId]),
    forms: forms.map((f) => [f.sourceId, f.destinationId]),
    references: references.map((r) => [r.kind, r.sourceId, r.status, r.destinationId]),
    // What the approver saw the profile decide, and who set it: an entry changed after approval, even to
    // the same object by someone else, makes a new plan. Left out when it mapped nothing, so plans made
    // before profiles existed keep their fingerprints.
    ...(mappedByProfile.length > 0
      ? { profile: mappedByProfile.map((m) => [m.kind, m.sourceId, m.destinationId, m.setBy]) }
      : {}),
    // What is to be written is part of what is approved: a change to it makes a new plan.
    variables: variables.map((v) => {
      const written = v.action === 'create' || v.action === 'update';
      const pair = definitions.get(variableKey(v));
      return [
        variableKey(v),
        v.action,
        v.destinationId ?? null,
        v.dataType,
        written ? stableJson(pair?.source ?? null) : null,
      ];
    }),
  };
  // The whole SHA-256: a plan is run only if what it was made from is the same, and 64 bits would let
  // someone who can shape both environments search for a plan that passes for another.
  return createHash('sha256').update(JSON.stringify(state)).digest('hex');
}
