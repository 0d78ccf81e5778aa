import { z } from 'zod';
import type { PingOneClient, WorkerCredentials } from './client.js';
import { PingOneError } from './errors.js';

export const pingOneObjectKinds = [
  'population',
  'notificationPolicy',
  'deviceAuthenticationPolicy',
  'application',
  'identityProvider',
  'agreement',
  'verifyPolicy',
] as const;
export type PingOneObjectKind = (typeof pingOneObjectKinds)[number];

/**
 * The PingOne objects DaVinci nodes name by ID, and how each is listed: one GET of a HAL collection
 * per environment (test/contract/openapi/pingone-management.openapi.yaml for populations, notification
 * policies, applications, identity providers and agreements; device authentication policies and verify
 * policies are PingOne MFA's and PingOne Verify's own APIs, described in Ping's MFA and Verify documents,
 * which share the management API's collection shape).
 */
export interface ObjectCollection {
  /** The path under /environments/{id}/. */
  collection: string;
  /** The key of the items under `_embedded`. */
  embedded: string;
  /** What a person calls one, and several. */
  noun: string;
  plural: string;
  /** A role that can read it, to name in an error. */
  role: string;
}

export const objectCollections: Readonly<Record<PingOneObjectKind, ObjectCollection>> = {
  population: {
    collection: 'populations',
    embedded: 'populations',
    noun: 'population',
    plural: 'populations',
    role: 'Identity Data Read Only',
  },
  notificationPolicy: {
    collection: 'notificationsPolicies',
    embedded: 'notificationsPolicies',
    noun: 'notification policy',
    plural: 'notification policies',
    role: 'Environment Admin',
  },
  deviceAuthenticationPolicy: {
    collection: 'deviceAuthenticationPolicies',
    embedded: 'deviceAuthenticationPolicies',
    noun: 'MFA policy',
    plural: 'MFA policies',
    role: 'Environment Admin',
  },
  application: {
    collection: 'applications',
    embedded: 'applications',
    noun: 'application',
    plural: 'applications',
    role: 'Client Application Developer',
  },
  identityProvider: {
    collection: 'identityProviders',
    embedded: 'identityProviders',
    noun: 'identity provider',
    plural: 'identity providers',
    role: 'Identity Data Read Only',
  },
  agreement: {
    collection: 'agreements',
    embedded: 'agreements',
    noun: 'agreement',
    plural: 'agreements',
    role: 'Identity Data Read Only',
  },
  verifyPolicy: {
    collection: 'verifyPolicies',
    embedded: 'verifyPolicies',
    noun: 'verify policy',
    plural: 'verify policies',
    role: 'Environment Admin',
  },
};

export const namedObjectSchema = z.looseObject({ id: z.string(), name: z.string() });
export type NamedObject = z.infer<typeof namedObjectSchema>;

/** Every object of one kind in an environment, by ID and name. */
export async function listObjects(
  pingone: PingOneClient,
  credentials: WorkerCredentials,
  environmentId: string,
  kind: PingOneObjectKind,
): Promise<NamedObject[]> {
  const { collection, embedded } = objectCollections[kind];
  const path = `/environments/${encodeURIComponent(environmentId)}/${collection}`;
  return (await pingone.collect(credentials, path, embedded, namedObjectSchema)).items;
}

/**
 * The notification templates whose content variants DaVinci nodes name (`templateVariant`): the
 * Notifications connector sends the `general` template; PingOne MFA's nodes send pairing and
 * authentication ones. A variant is a name, unique within a template, delivery method and locale.
 */
export const variantTemplates = [
  'general',
  'device_pairing',
  'strong_authentication',
  'transaction',
] as const;

const templateContentSchema = z.looseObject({
  id: z.string().optional(),
  variant: z.string().optional(),
  deliveryMethod: z.string().optional(),
  locale: z.string().optional(),
});

/** The content variants of the templates above, by name (lower case, as PingOne compares them). */
export async function listTemplateVariants(
  pingone: PingOneClient,
  credentials: WorkerCredentials,
  environmentId: string,
): Promise<Set<string>> {
  const variants = new Set<string>();
  await Promise.all(
    variantTemplates.map(async (template) => {
      const path = `/environments/${encodeURIComponent(environmentId)}/templates/${template}/contents`;
      try {
        const { items } = await pingone.collect(credentials, path, 'contents', templateContentSchema);
        for (const content of items) if (content.variant) variants.add(content.variant.toLowerCase());
      } catch (error) {
        // A template this environment does not have holds no variants; any other failure is said.
        if (!(error instanceof PingOneError && error.code === 'not_found')) throw error;
      }
    }),
  );
  return variants;
}
