import { type AuthMethod, authMethods, type Region, regions } from '../../pingone/regions.js';
import type { TenantSettings } from '../../store/tenants.js';

/** The tenant form's fields, by the names the core and every front end use. */
export type TenantField = 'name' | 'region' | 'environmentId' | 'clientId' | 'clientSecret' | 'authMethod';

export type RawTenantInput = Partial<Record<TenantField, string | null | undefined>>;

export interface TenantInput extends TenantSettings {
  /** Absent on an edit that keeps the stored secret. */
  clientSecret?: string;
}

export type Validation =
  | { ok: true; value: TenantInput }
  | { ok: false; errors: Partial<Record<TenantField, string>> };

export const regionNames: Record<Region, string> = {
  com: 'North America',
  ca: 'Canada',
  eu: 'EU',
  'com.au': 'Australia',
  sg: 'Singapore',
  asia: 'Asia-Pacific',
};

export const authMethodNames: Record<AuthMethod, string> = {
  client_secret_basic: 'Client Secret Basic',
  client_secret_post: 'Client Secret Post',
};

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Control characters, and the invisible ones a copy from a web page brings along.
const invisible = /[\p{Cc}\p{Cf}\u2028\u2029]/u;

export function isUuid(value: string): boolean {
  return uuid.test(value);
}

/**
 * Checks what an admin typed, field by field, so each bad field gets its own message saying what is
 * expected. Surrounding whitespace is dropped. `mode: 'edit'` lets an empty secret mean "keep the stored one".
 */
export function validateTenantInput(raw: RawTenantInput, mode: 'add' | 'edit'): Validation {
  const errors: Partial<Record<TenantField, string>> = {};
  const text = (field: TenantField) => (raw[field] ?? '').trim();

  const name = text('name');
  if (name.length === 0) errors.name = 'Enter a name for this tenant, such as "Acme production".';
  else if (name.length > 64) errors.name = `Use at most 64 characters (this is ${name.length}).`;
  else if (invisible.test(name))
    errors.name = 'Use visible characters only: no tabs, line breaks or control characters.';
  else if (name.startsWith('-'))
    errors.name =
      'Start the name with a letter or digit: names starting with "-" look like options in commands.';

  const region = text('region');
  if (!(regions as readonly string[]).includes(region))
    errors.region = 'Choose the region of your PingOne organization.';

  const environmentId = text('environmentId');
  if (!uuid.test(environmentId)) {
    errors.environmentId =
      'Enter the environment ID as a UUID (like 5b2a6c1e-…): in PingOne, Settings → Environment Properties of the environment that holds the worker app.';
  }

  const clientId = text('clientId');
  if (!uuid.test(clientId)) {
    errors.clientId =
      "Enter the worker app's client ID as a UUID: in PingOne, the app's Overview or Configuration tab.";
  }

  const clientSecret = text('clientSecret');
  if (clientSecret.length === 0) {
    if (mode === 'add') errors.clientSecret = "Enter the worker app's client secret.";
  } else if (clientSecret.length > 512 || /\s/.test(clientSecret) || invisible.test(clientSecret)) {
    errors.clientSecret =
      'Paste the client secret exactly as PingOne shows it: one word, no spaces or line breaks.';
  }

  const authMethod = text('authMethod');
  if (!(authMethods as readonly string[]).includes(authMethod)) {
    errors.authMethod = 'Choose the token endpoint authentication method the worker app uses.';
  }

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      name,
      region: region as Region,
      environmentId: environmentId.toLowerCase(),
      clientId: clientId.toLowerCase(),
      authMethod: authMethod as AuthMethod,
      ...(clientSecret ? { clientSecret } : {}),
    },
  };
}

/** Last four characters: enough to tell two secrets apart, far too little to guess one. */
export function secretFingerprint(secret: string): string {
  return `…${secret.slice(-4)}`;
}
