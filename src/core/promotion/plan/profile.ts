import type { MappingEntry } from '../../../store/mapping-entries.js';
import { kindNoun, kindWord, type MappingKind } from '../../mappings/kinds.js';

/**
 * A pair's mapping profile as the planner uses it (docs/promotions.md, "Mapping profiles"): asked only
 * for a reference the destination's names do not settle (no object of that name, or several). An entry
 * whose destination object still exists maps it; one whose object is gone is a blocker naming the
 * entry, never a fallback to the source's ID. What it mapped is kept, for the plan and its fingerprint.
 */

/** Where a plan reads a pair's profile (core/mappings/service.ts). */
export interface ProfileReader {
  entriesFor(
    from: { tenantId: string; environmentId: string },
    to: { tenantId: string; environmentId: string },
  ): Promise<MappingEntry[]>;
}

/** A reference a profile entry mapped, as the plan records it and the approver sees it. */
export interface ProfileMapping {
  kind: MappingKind;
  sourceId: string;
  sourceName: string;
  destinationId: string;
  /** The destination object's name now (it may have been renamed since the entry was set). */
  destinationName: string;
  setBy: string;
}

export type ProfileAnswer = { destinationId: string; destinationName: string } | { blocker: string };

export class ProfileLookup {
  private readonly used = new Map<string, ProfileMapping>();

  constructor(
    private readonly entries: readonly MappingEntry[],
    private readonly envs: { from: string; to: string },
  ) {}

  /**
   * The entry for this source object, checked against the destination's objects of its kind; undefined
   * when the profile has none, and the caller's own blocker stands.
   */
  answer(
    kind: MappingKind,
    source: { id: string; name: string },
    destination: readonly { id: string; name: string }[],
  ): ProfileAnswer | undefined {
    // Flows name a variable, and an export may not say its ID: a variable's entry matches by name too.
    const entry = this.entries.find(
      (candidate) =>
        candidate.kind === kind &&
        (candidate.sourceId.toLowerCase() === source.id.toLowerCase() ||
          (kind === 'variable' && candidate.sourceName === source.name)),
    );
    if (!entry) return undefined;
    const object = destination.find(
      (candidate) => candidate.id.toLowerCase() === entry.destinationId.toLowerCase(),
    );
    const { from, to } = this.envs;
    if (!object)
      return {
        blocker: `The mapping profile from ${from} to ${to} maps the ${kindNoun(kind)} "${source.name}" to "${entry.destinationName}", which ${to} no longer has. Set the entry again (\`mappings ${from} ${to} set ${kindWord(kind)} ${source.name} = <name>\`) or remove it, then request again.`,
      };
    this.used.set(`${kind}\u0000${entry.sourceId}`, {
      kind,
      sourceId: source.id,
      sourceName: source.name,
      destinationId: object.id,
      destinationName: object.name,
      setBy: entry.setBy,
    });
    return { destinationId: object.id, destinationName: object.name };
  }

  /** What the profile mapped in this plan, by kind and source name. */
  mapped(): ProfileMapping[] {
    return [...this.used.values()].sort(
      (a, b) => a.kind.localeCompare(b.kind) || a.sourceName.localeCompare(b.sourceName),
    );
  }
}
