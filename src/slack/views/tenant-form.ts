import type { InputBlock, KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import type { Problem } from '../../core/problem.js';
import { authMethodNames, regionNames, type TenantField } from '../../core/tenants/input.js';
import type { Tenant } from '../../core/tenants/service.js';
import { authMethods, regions } from '../../pingone/regions.js';
import { shorten } from './mrkdwn.js';
import { problemBlocks } from './pingone-problem.js';

export const tenantFormCallbackId = 'tenant_form';

/** Block IDs of the form's inputs: Slack reports values, and we report errors, by these. */
export const tenantFormBlocks: Record<TenantField, string> = {
  name: 'name',
  region: 'region',
  environmentId: 'environment_id',
  clientId: 'client_id',
  clientSecret: 'client_secret',
  authMethod: 'auth_method',
};
export const inputActionId = 'value';
/** The "test before saving" checkbox: on by default, so credentials that cannot mint a token are not saved by accident. */
export const testFirstBlock = 'test_first';
export const testFirstValue = 'mint_token';

/**
 * What the form carries to its submission: which tenant and which version of it the admin saw. Only
 * the target of the edit, never who is editing (that comes from the signed payload).
 */
export interface TenantFormMetadata {
  mode: 'add' | 'edit';
  tenantId?: string;
  version?: number;
}

const regionOptions: PlainTextOption[] = regions.map((region) => ({
  text: { type: 'plain_text', text: `${regionNames[region]} (${region})` },
  value: region,
}));
const authOptions: PlainTextOption[] = authMethods.map((method) => ({
  text: { type: 'plain_text', text: authMethodNames[method] },
  value: method,
}));

const testFirstOption: PlainTextOption = {
  text: { type: 'plain_text', text: 'Test the credentials: mint a token first' },
  value: testFirstValue,
};

/** The add form, or the edit form filled in from `tenant` (its secret shown only as a fingerprint). */
export function tenantFormModal(tenant?: Tenant): ModalView {
  const metadata: TenantFormMetadata = tenant
    ? { mode: 'edit', tenantId: tenant.id, version: tenant.version }
    : { mode: 'add' };
  const text = (
    field: TenantField,
    label: string,
    options: { initial?: string; placeholder?: string; hint?: string; max?: number; optional?: boolean },
  ): InputBlock => ({
    type: 'input',
    block_id: tenantFormBlocks[field],
    label: { type: 'plain_text', text: label },
    ...(options.hint ? { hint: { type: 'plain_text', text: options.hint } } : {}),
    ...(options.optional ? { optional: true } : {}),
    element: {
      type: 'plain_text_input',
      action_id: inputActionId,
      ...(options.initial ? { initial_value: options.initial } : {}),
      ...(options.placeholder ? { placeholder: { type: 'plain_text', text: options.placeholder } } : {}),
      ...(options.max ? { max_length: options.max } : {}),
    },
  });
  const initialRegion = regionOptions.find((option) => option.value === (tenant?.region ?? 'com'));
  const initialAuth = authOptions.find(
    (option) => option.value === (tenant?.authMethod ?? 'client_secret_basic'),
  );

  const blocks: KnownBlock[] = [
    text('name', 'Tenant name', {
      initial: tenant?.name,
      placeholder: 'Acme production',
      hint: 'How you will refer to it in commands. 1–64 characters, unique.',
      max: 64,
    }),
    {
      type: 'input',
      block_id: tenantFormBlocks.region,
      label: { type: 'plain_text', text: 'Region' },
      element: {
        type: 'static_select',
        action_id: inputActionId,
        options: regionOptions,
        ...(initialRegion ? { initial_option: initialRegion } : {}),
      },
    },
    text('environmentId', 'Environment ID of the worker app', {
      initial: tenant?.environmentId,
      placeholder: '5b2a6c1e-0000-4000-8000-000000000000',
      hint: 'The environment that holds the worker app, usually Administrators.',
      max: 64,
    }),
    text('clientId', 'Client ID', {
      initial: tenant?.clientId,
      placeholder: 'UUID of the worker app',
      max: 64,
    }),
    text('clientSecret', tenant ? 'New client secret' : 'Client secret', {
      hint: tenant
        ? `The stored secret ends in ${tenant.secretFingerprint.replace('…', '')}. Leave this empty to keep it.`
        : 'Stored encrypted. It is never shown again, not even to admins.',
      max: 512,
      optional: Boolean(tenant),
    }),
    {
      type: 'input',
      block_id: tenantFormBlocks.authMethod,
      label: { type: 'plain_text', text: 'Token endpoint authentication method' },
      hint: { type: 'plain_text', text: "As set on the worker app's Configuration tab in PingOne." },
      element: {
        type: 'radio_buttons',
        action_id: inputActionId,
        options: authOptions,
        ...(initialAuth ? { initial_option: initialAuth } : {}),
      },
    },
    {
      type: 'input',
      block_id: testFirstBlock,
      optional: true,
      label: { type: 'plain_text', text: 'Before saving' },
      element: {
        type: 'checkboxes',
        action_id: inputActionId,
        options: [testFirstOption],
        initial_options: [testFirstOption],
      },
    },
  ];

  return {
    type: 'modal',
    callback_id: tenantFormCallbackId,
    private_metadata: JSON.stringify(metadata),
    title: { type: 'plain_text', text: tenant ? 'Edit tenant' : 'Add tenant' },
    submit: { type: 'plain_text', text: 'Save' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks,
  };
}

/** Shown while the credentials are tried, after the form was answered (Slack waits 3 s at most). */
export function savingModal(): ModalView {
  return noticeModal('Saving', ':hourglass_flowing_sand: Saving the tenant…');
}

export function testingModal(): ModalView {
  return noticeModal(
    'Testing credentials',
    ':hourglass_flowing_sand: Minting a worker token with these credentials…',
  );
}

/** The credentials could not mint a token: nothing saved, and why. */
export function testFailedModal(problem: Problem): ModalView {
  return {
    type: 'modal',
    title: { type: 'plain_text', text: 'Not saved' },
    close: { type: 'plain_text', text: 'Close' },
    blocks: [
      ...problemBlocks(problem),
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: 'Nothing was saved. Fix the credentials and run the command again, or untick "Test the credentials" to save them anyway.',
          },
        ],
      },
    ],
  };
}

/** A modal that only tells something (saved, refused, changed meanwhile), replacing the form. */
export function noticeModal(title: string, text: string): ModalView {
  return {
    type: 'modal',
    title: { type: 'plain_text', text: title.slice(0, 24) },
    close: { type: 'plain_text', text: 'Close' },
    // It can quote what people typed and list every tenant: Slack refuses a section over 3,000 characters.
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: shorten(text, 3000) } }],
  };
}
