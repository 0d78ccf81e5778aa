import { z } from 'zod';

/**
 * PingOne's audit activities as FlightIQ reads them: who changed what, and when (docs/pingone-facts.md,
 * "Audit activities"). Ping's OpenAPI document gives the answer no schema, so every field is optional
 * and a field of an unexpected shape reads as absent: an activity FlightIQ cannot make sense of is
 * skipped, never a failure.
 */

/** Pages asked for at once; the documents give `limit` no range, so a modest one. */
const pageLimit = 100;

/** PingOne's filter takes times in quotes, to the millisecond as `toISOString` writes them. */
export function activitiesPath(environmentId: string, since: Date, until: Date): string {
  const filter = `recordedat gt "${since.toISOString()}" AND recordedat lt "${until.toISOString()}"`;
  const query = new URLSearchParams({ limit: String(pageLimit), filter });
  return `/environments/${encodeURIComponent(environmentId)}/activities?${query.toString()}`;
}

const optionalText = z.string().optional().catch(undefined);

const namedSchema = z
  .looseObject({ id: optionalText, name: optionalText, type: optionalText })
  .optional()
  .catch(undefined);

const resourceSchema = z.looseObject({ id: optionalText, name: optionalText, type: optionalText }).catch({});

export const activitySchema = z
  .looseObject({
    id: optionalText,
    recordedAt: optionalText,
    action: z.looseObject({ type: optionalText, description: optionalText }).optional().catch(undefined),
    actors: z.looseObject({ user: namedSchema, client: namedSchema }).optional().catch(undefined),
    resources: z.array(resourceSchema).optional().catch(undefined),
    result: z.looseObject({ status: optionalText, description: optionalText }).optional().catch(undefined),
  })
  .catch({});

export type Activity = z.infer<typeof activitySchema>;
