import { z } from 'zod';
import { type VariableContext, variableContexts } from './flow-graph.js';

/**
 * DaVinci variables as a promotion needs them, whichever way PingOne described them: the platform's
 * `/variables` resources (docs/pingone-facts.md, "Variables"), or an export's `variables[]`, whose items
 * the spec leaves free-form and which real exports write in the legacy console shape, with the context
 * and flow folded into the name (`retries##SK##flow##SK##<flowId>`) and the rest under `fields`
 * (docs/pingone-facts.md, "Exported variables").
 */
export interface VariableDefinition {
  id: string | undefined;
  name: string;
  context: VariableContext;
  dataType: string;
  displayName?: string;
  mutable?: boolean;
  min?: number;
  max?: number;
  /** The value PingOne showed; absent for secrets and masked values, which are never copied. */
  value?: unknown;
  /** For flow context: the flow it belongs to. */
  flowId?: string;
}

/** What PingOne shows in place of a secret value. */
const masked = '******';

export const variableResourceSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  context: z.string().optional(),
  dataType: z.string().optional(),
  displayName: z.string().optional(),
  mutable: z.boolean().optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  value: z.unknown().optional(),
  flow: z.looseObject({ id: z.string() }).optional(),
});
export type VariableResource = z.infer<typeof variableResourceSchema>;

const legacyFieldsSchema = z.looseObject({
  type: z.string().optional(),
  displayName: z.string().optional(),
  mutable: z.boolean().optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  value: z.unknown().optional(),
});

const exportItemSchema = variableResourceSchema.partial({ id: true }).extend({
  fields: legacyFieldsSchema.optional(),
  flowId: z.string().optional(),
});

export function definitionFromResource(resource: VariableResource): VariableDefinition {
  return cleaned({
    id: resource.id,
    name: resource.name,
    context: contextOf(resource.context),
    dataType: resource.dataType ?? 'string',
    displayName: resource.displayName,
    mutable: resource.mutable,
    min: resource.min,
    max: resource.max,
    value: resource.value,
    flowId: resource.flow?.id,
  });
}

/** One item of an export's `variables[]`, in either shape; undefined for an item that names nothing. */
export function definitionFromExport(raw: unknown): VariableDefinition | undefined {
  const parsed = exportItemSchema.safeParse(raw);
  if (!parsed.success) return undefined;
  const item = parsed.data;
  const [name = '', foldedContext, foldedFlowId] = item.name.split('##SK##');
  if (name === '') return undefined;
  const fields = item.fields;
  return cleaned({
    id: item.id,
    name,
    context: contextOf(item.context ?? foldedContext),
    dataType: item.dataType ?? fields?.type ?? 'string',
    displayName: item.displayName ?? fields?.displayName,
    mutable: item.mutable ?? fields?.mutable,
    min: item.min ?? fields?.min,
    max: item.max ?? fields?.max,
    value: item.value ?? fields?.value,
    flowId: item.flow?.id ?? item.flowId ?? foldedFlowId,
  });
}

/**
 * The body that creates (or replaces) this variable in another environment (DaVinciVariableCreateRequest):
 * a flow variable points at the destination's flow; a secret's value is never sent, since PingOne only
 * ever showed it masked.
 */
export function variableRequest(
  definition: VariableDefinition,
  options: { flowId?: string | undefined; value?: unknown } = {},
): Record<string, unknown> {
  const value = 'value' in options ? options.value : definition.value;
  return {
    name: definition.name,
    context: definition.context,
    dataType: definition.dataType,
    mutable: definition.mutable ?? true,
    // The spec's pattern refuses an empty display name.
    ...(definition.displayName?.trim() ? { displayName: definition.displayName } : {}),
    ...(definition.min === undefined ? {} : { min: definition.min }),
    ...(definition.max === undefined ? {} : { max: definition.max }),
    ...(definition.dataType === 'secret' || value === undefined ? {} : { value }),
    ...(definition.context === 'flow' && options.flowId ? { flow: { id: options.flowId } } : {}),
  };
}

/** Whether two definitions differ in what a flow relies on: type, limits, mutability (not the value). */
export function sameShape(a: VariableDefinition, b: VariableDefinition): boolean {
  return (
    a.dataType === b.dataType &&
    (a.min ?? 0) === (b.min ?? 0) &&
    (a.max ?? 2000) === (b.max ?? 2000) &&
    (a.mutable ?? true) === (b.mutable ?? true)
  );
}

export function isSecret(definition: Pick<VariableDefinition, 'dataType'>): boolean {
  return definition.dataType === 'secret';
}

function contextOf(value: string | undefined): VariableContext {
  return variableContexts.find((context) => context === value) ?? 'company';
}

function cleaned(definition: VariableDefinition): VariableDefinition {
  const result: VariableDefinition = {
    id: definition.id,
    name: definition.name,
    context: definition.context,
    dataType: definition.dataType,
  };
  for (const key of ['displayName', 'mutable', 'min', 'max', 'flowId'] as const) {
    if (definition[key] !== undefined) Object.assign(result, { [key]: definition[key] });
  }
  if (definition.value !== undefined && definition.value !== masked && !isSecret(definition)) {
    result.value = typedValue(definition.dataType, definition.value);
  }
  return result;
}

/**
 * A value as its type says: PingOne keeps `false` and `0` but reads them back as "false" and "0", and
 * legacy exports write every value as a string; compared or written again, "false" is `false`.
 */
function typedValue(dataType: string, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (dataType === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  if (dataType === 'number' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return value;
}
