import { z } from 'zod';

/** DaVinci's flow resources as FlightIQ reads them: the paths and the shapes of PingOne's answers. */

const environment = (envId: string) => `/environments/${encodeURIComponent(envId)}`;

/** Where DaVinci keeps an environment's flows and variables, and each flow's versions. */
export const davinciPaths = {
  /** A collection under the environment, as named (it may carry a query: `flowListQuery`). */
  collection: (envId: string, collection: string) => `${environment(envId)}/${collection}`,
  flows: (envId: string) => `${environment(envId)}/flows`,
  flow: (envId: string, flowId: string) => `${environment(envId)}/flows/${encodeURIComponent(flowId)}`,
  /** POSTed with a flowversion content type (export, revert), or read. */
  flowVersion: (envId: string, flowId: string, version: number) =>
    `${davinciPaths.flow(envId, flowId)}/versions/${version}`,
  flowVersionDetails: (envId: string, flowId: string, version: number) =>
    `${davinciPaths.flowVersion(envId, flowId, version)}/details`,
  /** Every saved version of a flow (getVersionsByFlowId). */
  flowVersions: (envId: string, flowId: string) => `${davinciPaths.flow(envId, flowId)}/versions`,
  /** PUT `{alias}`: names a version, replacing its alias (replaceAliasByFlowIdAndVersionId). */
  flowVersionAlias: (envId: string, flowId: string, version: number) =>
    `${davinciPaths.flowVersion(envId, flowId, version)}/alias`,
  davinciApplications: (envId: string) => `${environment(envId)}/davinciApplications`,
  flowPolicies: (envId: string, applicationId: string) =>
    `${environment(envId)}/davinciApplications/${encodeURIComponent(applicationId)}/flowPolicies`,
  flowPolicy: (envId: string, applicationId: string, policyId: string) =>
    `${davinciPaths.flowPolicies(envId, applicationId)}/${encodeURIComponent(policyId)}`,
  /** What a policy ran, per flow and version (getEventsByDavinciApplicationIdAndFlowPolicyId). */
  flowPolicyEvents: (envId: string, applicationId: string, policyId: string) =>
    `${davinciPaths.flowPolicy(envId, applicationId, policyId)}/events`,
  variables: (envId: string) => `${environment(envId)}/variables`,
  variable: (envId: string, variableId: string) =>
    `${environment(envId)}/variables/${encodeURIComponent(variableId)}`,
};

/** An environment's flows with just what a plan (and a drift check) compares: names and versions. */
export const flowListQuery = 'flows?attributes=id,name,currentVersion,publishedVersion,updatedAt';

export const flowSummarySchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  currentVersion: z.number().optional(),
  publishedVersion: z.number().optional(),
  updatedAt: z.string().optional(),
});

export type FlowSummary = z.infer<typeof flowSummarySchema>;

export const flowSchema = flowSummarySchema.extend({
  description: z.unknown().optional(),
  color: z.unknown().optional(),
  graphData: z.unknown().optional(),
  inputSchema: z.unknown().optional(),
  outputSchema: z.unknown().optional(),
  settings: z.unknown().optional(),
  trigger: z.unknown().optional(),
  enabled: z.boolean().optional(),
});

export type Flow = z.infer<typeof flowSchema>;

/** One flow in an export (DaVinciExportFlowVersionResponse): its ID and name sit under `flow`. */
export const exportedFlowSchema = z.looseObject({
  flow: z.looseObject({ id: z.string(), name: z.string().optional() }),
  version: z.number().optional(),
  updatedAt: z.string().optional(),
  graphData: z.unknown().optional(),
  variables: z.array(z.unknown()).optional(),
  _embedded: z.array(z.unknown()).optional(),
});

export const instanceSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  connector: z.looseObject({ id: z.string() }).optional(),
});

export const formSchema = z.looseObject({ id: z.string(), name: z.string() });

/** One saved version of a flow in its versions list (DaVinciFlowVersionResponse). */
export const flowVersionSchema = z.looseObject({
  version: z.number(),
  alias: z.string().optional(),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
  deployedAt: z.string().optional(),
});

/**
 * What an alias may hold (DaVinciFlowVersionAliasRequest): 1 to 256 letters, marks, digits, symbols,
 * spaces and `/.'_-`, not starting with a space, and no `<` or `${`.
 */
export const aliasPattern = /^(?=\S)[\p{L}\p{M}\p{N}\p{So}/.'_ -]*$/u;
export const aliasMaxLength = 256;

/**
 * A flow policy as FlightIQ reads it to copy it (DaVinciFlowPolicyResponse): what a replace request takes
 * is kept, links and read-only fields are dropped by the caller.
 */
export const flowPolicyResourceSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  status: z.string().optional(),
  trigger: z.looseObject({}).optional(),
  flowDistributions: z
    .array(z.looseObject({ id: z.string(), version: z.number().optional(), weight: z.number().optional() }))
    .optional(),
});

export type FlowPolicyResource = z.infer<typeof flowPolicyResourceSchema>;

/** A flow policy's recorded runs of one flow version (DaVinciFlowPolicyEventsCollection's items). */
export const flowPolicyEventSchema = z.looseObject({
  flow: z.looseObject({ id: z.string(), version: z.number().optional() }),
  totalCount: z.number().optional(),
  successCount: z.number().optional(),
  events: z.array(z.looseObject({ id: z.string().optional(), timestamp: z.string().optional() })).optional(),
});

/** A DaVinci application by name: its answer also holds its API key and OAuth secret, never kept. */
export const davinciApplicationNameSchema = z.object({ id: z.string(), name: z.string() });

/** A flow's identity and versions, as a write's answer or a read-back carries them. */
export const flowStateSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  currentVersion: z.number().optional(),
  publishedVersion: z.number().optional(),
});
