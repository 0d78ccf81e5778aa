import { z } from 'zod';

/**
 * What `/flightiq list` can list. Each kind is one descriptor: where PingOne keeps it, what one item
 * looks like (only the fields we show; unknown fields are accepted and dropped), the columns shown in
 * Slack and written to CSV, the sort key and which columns filter words search. A new kind is one
 * more entry here, not a new module.
 */

export const artifactKindNames = [
  'flows',
  'variables',
  'connectors',
  'apps',
  'forms',
  'templates',
  'attributes',
  'certificates',
] as const;
export type ArtifactKindName = (typeof artifactKindNames)[number];

/** A value withheld on purpose (a secret, or one PingOne masked): shown as such, never as if real. */
export interface Withheld {
  withheld: string;
}
export type Cell = string | number | boolean | null | string[] | Withheld;

export interface ArtifactRow {
  id: string;
  cells: Record<string, Cell>;
}

export type ColumnFormat = 'text' | 'number' | 'flag' | 'date' | 'expiry' | 'list';

export interface Column {
  key: string;
  title: string;
  format: ColumnFormat;
  /** For `flag`: the words for true and false. */
  labels?: readonly [string, string];
  /** Shown when the value is absent, where absence means something (a flow never deployed). */
  empty?: string;
  /** Only in the CSV download (IDs), not in the Slack list. */
  csvOnly?: boolean;
}

export interface ArtifactKind {
  name: ArtifactKindName;
  /** Plural, as a heading: "DaVinci flows". */
  title: string;
  product: 'davinci' | 'identity';
  /** The PingOne role that grants the read, named in the error when it is missing. */
  readRole: string;
  /** Path under /environments/{envId}/, with any query. */
  collection: string;
  embedded: string;
  /** Set when the items live under each item of a parent collection (attributes under schemas). */
  parent?: { collection: string; embedded: string };
  /** Set when a column counts a sub-collection of each item (a DaVinci app's flow policies). */
  countEach?: { column: string; collection: (id: string) => string; embedded: string };
  /** Set when a second collection of the environment lists the same kind of thing (keys beside certificates). */
  alsoFrom?: {
    collection: string;
    embedded: string;
    item: z.ZodType<Record<string, unknown>>;
    row: (item: Record<string, unknown>) => ArtifactRow;
  };
  item: z.ZodType<Record<string, unknown>>;
  row: (item: Record<string, unknown>) => ArtifactRow;
  columns: readonly Column[];
  /** Column the list is sorted by (then by ID, so equal names keep a stable order). */
  sortBy: string;
  /** Columns that filter words are matched against (case-insensitive substring; every word must match). */
  searchable: readonly string[];
}

/** PingOne returns secret values masked; this is what a masked value reads as. */
const masked = '******';

const idColumn: Column = { key: 'id', title: 'ID', format: 'text', csvOnly: true };
const nameColumn: Column = { key: 'name', title: 'Name', format: 'text' };

function kind<I extends Record<string, unknown>, J extends Record<string, unknown> = I>(
  descriptor: Omit<ArtifactKind, 'item' | 'row' | 'alsoFrom'> & {
    item: z.ZodType<I>;
    row: (item: I) => ArtifactRow;
    alsoFrom?: { collection: string; embedded: string; item: z.ZodType<J>; row: (item: J) => ArtifactRow };
  },
): ArtifactKind {
  return descriptor as unknown as ArtifactKind;
}

const text = (value: unknown): string | null =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : null;

const flows = kind({
  name: 'flows',
  title: 'DaVinci flows',
  product: 'davinci',
  readRole: 'DaVinci Admin Read Only (or DaVinci Admin)',
  // The list can carry every flow's whole graph; ask only for what the list shows
  // (docs/pingone-facts.md, "Selecting fields with attributes").
  collection: 'flows?attributes=id,name,enabled,currentVersion,publishedVersion,deployedAt',
  embedded: 'flows',
  item: z.looseObject({
    id: z.string(),
    name: z.string(),
    enabled: z.boolean().optional(),
    currentVersion: z.number().optional(),
    publishedVersion: z.number().optional(),
    deployedAt: z.string().optional(),
  }),
  row: (flow) => ({
    id: flow.id,
    cells: {
      id: flow.id,
      name: flow.name,
      enabled: flow.enabled ?? null,
      currentVersion: flow.currentVersion ?? null,
      publishedVersion: flow.publishedVersion ?? null,
      deployedAt: flow.deployedAt ?? null,
    },
  }),
  columns: [
    idColumn,
    nameColumn,
    { key: 'enabled', title: 'Enabled', format: 'flag', labels: ['enabled', 'disabled'] },
    { key: 'currentVersion', title: 'Current version', format: 'number' },
    { key: 'publishedVersion', title: 'Published version', format: 'number', empty: 'never deployed' },
    { key: 'deployedAt', title: 'Deployed', format: 'date' },
  ],
  sortBy: 'name',
  searchable: ['name', 'id'],
});

const variables = kind({
  name: 'variables',
  title: 'DaVinci variables',
  product: 'davinci',
  readRole: 'DaVinci Admin Read Only (or DaVinci Admin)',
  // 500 is the documented maximum page size for variables (the default is 10).
  collection: 'variables?limit=500',
  embedded: 'variables',
  item: z.looseObject({
    id: z.string(),
    name: z.string(),
    context: z.string().optional(),
    dataType: z.string().optional(),
    value: z.unknown().optional(),
    flow: z.looseObject({ id: z.string() }).optional(),
  }),
  row: (variable) => ({
    id: variable.id,
    cells: {
      id: variable.id,
      name: variable.name,
      context: variable.context ?? null,
      dataType: variable.dataType ?? null,
      value: variableValue(variable.dataType, variable.value),
      flowId: variable.flow?.id ?? null,
    },
  }),
  columns: [
    idColumn,
    nameColumn,
    { key: 'context', title: 'Context', format: 'text' },
    { key: 'dataType', title: 'Type', format: 'text' },
    { key: 'value', title: 'Value', format: 'text' },
    { key: 'flowId', title: 'Flow ID', format: 'text', csvOnly: true },
  ],
  sortBy: 'name',
  searchable: ['name', 'context', 'dataType'],
});

/** A secret's value is never shown: PingOne masks it, and showing the mask would read like a value. */
function variableValue(dataType: string | undefined, value: unknown): Cell {
  if (dataType === 'secret') return { withheld: 'secret' };
  if (value === masked) return { withheld: 'masked by PingOne' };
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}

const connectors = kind({
  name: 'connectors',
  title: 'DaVinci connector instances',
  product: 'davinci',
  readRole: 'DaVinci Admin Read Only (or DaVinci Admin)',
  collection: 'connectorInstances',
  embedded: 'connectorInstances',
  item: z.looseObject({
    id: z.string(),
    name: z.string(),
    connector: z.looseObject({ id: z.string() }).optional(),
  }),
  // Instance properties hold credentials; they are not read into the row at all.
  row: (instance) => ({
    id: instance.id,
    cells: { id: instance.id, name: instance.name, connector: instance.connector?.id ?? null },
  }),
  columns: [idColumn, nameColumn, { key: 'connector', title: 'Connector', format: 'text' }],
  sortBy: 'name',
  searchable: ['name', 'connector'],
});

const apps = kind({
  name: 'apps',
  title: 'DaVinci applications',
  product: 'davinci',
  readRole: 'DaVinci Admin Read Only (or DaVinci Admin)',
  collection: 'davinciApplications',
  embedded: 'davinciApplications',
  countEach: {
    column: 'flowPolicies',
    collection: (id) => `davinciApplications/${encodeURIComponent(id)}/flowPolicies`,
    embedded: 'flowPolicies',
  },
  item: z.looseObject({ id: z.string(), name: z.string() }),
  // An application carries its API key and OAuth client secret; only the name and ID are kept.
  row: (app) => ({ id: app.id, cells: { id: app.id, name: app.name, flowPolicies: null } }),
  columns: [idColumn, nameColumn, { key: 'flowPolicies', title: 'Flow policies', format: 'number' }],
  sortBy: 'name',
  searchable: ['name', 'id'],
});

const forms = kind({
  name: 'forms',
  title: 'PingOne forms',
  product: 'identity',
  readRole: 'Configuration Read Only (or Environment Admin)',
  collection: 'forms',
  embedded: 'forms',
  item: z.looseObject({
    id: z.string(),
    name: z.string(),
    components: z.looseObject({ fields: z.array(z.unknown()).optional() }).optional(),
  }),
  row: (form) => ({
    id: form.id,
    cells: { id: form.id, name: form.name, fields: form.components?.fields?.length ?? null },
  }),
  columns: [idColumn, nameColumn, { key: 'fields', title: 'Fields', format: 'number' }],
  sortBy: 'name',
  searchable: ['name'],
});

const templates = kind({
  name: 'templates',
  title: 'Notification templates',
  product: 'identity',
  readRole: 'Configuration Read Only (or Environment Admin)',
  collection: 'templates',
  embedded: 'templates',
  // Templates are addressed by name; displayName is the human one (docs/pingone-facts.md,
  // "Notification templates").
  item: z.looseObject({
    id: z.string(),
    displayName: z.string().optional(),
    deliveryMethods: z.array(z.string()).optional(),
  }),
  row: (template) => ({
    id: template.id,
    cells: {
      id: template.id,
      name: template.displayName ?? template.id,
      deliveryMethods: template.deliveryMethods ?? [],
    },
  }),
  columns: [
    { ...idColumn, title: 'Template' },
    nameColumn,
    { key: 'deliveryMethods', title: 'Delivery methods', format: 'list' },
  ],
  sortBy: 'name',
  searchable: ['name', 'id', 'deliveryMethods'],
});

const attributes = kind({
  name: 'attributes',
  title: 'Schema attributes',
  product: 'identity',
  readRole: 'Configuration Read Only (or Environment Admin)',
  parent: { collection: 'schemas', embedded: 'schemas' },
  collection: 'attributes',
  embedded: 'attributes',
  item: z.looseObject({
    id: z.string(),
    name: z.string(),
    type: z.string().optional(),
    required: z.boolean().optional(),
    unique: z.boolean().optional(),
    schemaType: z.string().optional(),
  }),
  row: (attribute) => ({
    id: attribute.id,
    cells: {
      id: attribute.id,
      name: attribute.name,
      type: attribute.type ?? null,
      required: attribute.required ?? null,
      unique: attribute.unique ?? null,
      schemaType: attribute.schemaType ?? null,
    },
  }),
  columns: [
    idColumn,
    nameColumn,
    { key: 'type', title: 'Type', format: 'text' },
    { key: 'required', title: 'Required', format: 'flag', labels: ['required', 'optional'] },
    { key: 'unique', title: 'Unique', format: 'flag', labels: ['unique', 'not unique'] },
    { key: 'schemaType', title: 'Schema type', format: 'text', csvOnly: true },
  ],
  sortBy: 'name',
  searchable: ['name', 'type'],
});

const certificateItem = z.looseObject({
  id: z.string(),
  name: z.string().optional(),
  subjectDN: z.string().optional(),
  expiresAt: z.string().optional(),
  usageType: z.string().optional(),
});

/**
 * A certificate or a key (they share PingOne's certificate shape: docs/pingone-facts.md, "Certificates
 * and keys"), as one row.
 */
function certificateRow(what: 'certificate' | 'key') {
  return (item: z.infer<typeof certificateItem>): ArtifactRow => ({
    id: item.id,
    cells: {
      id: item.id,
      name: item.name ?? item.subjectDN ?? item.id,
      type:
        what === 'certificate'
          ? 'certificate'
          : `${item.usageType ? `${item.usageType.toLowerCase()} ` : ''}key`,
      subject: text(item.subjectDN),
      expiresAt: text(item.expiresAt),
      usageType: text(item.usageType),
    },
  });
}

const certificates = kind({
  name: 'certificates',
  title: 'Certificates and keys',
  product: 'identity',
  readRole: 'Configuration Read Only (or Environment Admin)',
  collection: 'certificates',
  embedded: 'certificates',
  item: certificateItem,
  row: certificateRow('certificate'),
  // Signing and encryption keys live apart from certificates, and expire as they do.
  alsoFrom: { collection: 'keys', embedded: 'keys', item: certificateItem, row: certificateRow('key') },
  columns: [
    idColumn,
    nameColumn,
    { key: 'type', title: 'Type', format: 'text' },
    { key: 'subject', title: 'Subject', format: 'text' },
    { key: 'expiresAt', title: 'Expires', format: 'expiry' },
    { key: 'usageType', title: 'Usage', format: 'text', csvOnly: true },
  ],
  sortBy: 'expiresAt',
  searchable: ['name', 'subject', 'type'],
});

export const artifactKinds: Readonly<Record<ArtifactKindName, ArtifactKind>> = {
  flows,
  variables,
  connectors,
  apps,
  forms,
  templates,
  attributes,
  certificates,
};

/** The kind's title inside a sentence: "DaVinci flows" keeps its brand, "Certificates and keys" does not. */
export function kindNoun(kind: Pick<ArtifactKind, 'title'>): string {
  return kind.title.replace(/^\w+/, (word) => (/[A-Z]/.test(word.slice(1)) ? word : word.toLowerCase()));
}

/** The kind a word names, accepting the singular ("flow") and any case. */
export function artifactKindNamed(word: string): ArtifactKind | undefined {
  const lower = word.toLowerCase();
  const name = artifactKindNames.find((candidate) => candidate === lower || candidate === `${lower}s`);
  return name ? artifactKinds[name] : undefined;
}
