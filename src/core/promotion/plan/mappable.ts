import { isMappingKind, type MappingKind } from '../../mappings/kinds.js';
import type { PromotionPlan } from './types.js';

/** A reference of a plan that names left open and a profile entry could settle. */
export interface MappableReference {
  kind: MappingKind;
  sourceId: string;
  name: string;
}

/**
 * The references of a blocked plan that a profile entry could map: connector instances and forms with no
 * destination, secret company variables the destination lacks, and PingOne objects missing or ambiguous
 * by name. What "Map…" offers, and the only
 * references it accepts, whatever a button's value says.
 */
export function mappableReferences(plan: PromotionPlan): MappableReference[] {
  const connectors = plan.connectors
    .filter((c) => c.destinationId === null)
    .map((c) => ({ kind: 'connectorInstance' as const, sourceId: c.sourceId, name: c.name }));
  const forms = plan.forms
    .filter((f) => f.destinationId === null)
    .map((f) => ({ kind: 'form' as const, sourceId: f.sourceId, name: f.name }));
  // A flow names a variable, so a variable is offered by its name.
  const variables = plan.variables
    .filter((v) => v.context === 'company' && v.action === 'blocked')
    .map((v) => ({ kind: 'variable' as const, sourceId: v.name, name: v.name }));
  const objects = (plan.references ?? []).flatMap((r) =>
    (r.status === 'missing' || r.status === 'ambiguous') && isMappingKind(r.kind) && r.name
      ? [{ kind: r.kind, sourceId: r.sourceId, name: r.name }]
      : [],
  );
  return [...connectors, ...forms, ...variables, ...objects];
}
