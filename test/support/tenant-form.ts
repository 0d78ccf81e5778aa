import type { TenantField } from '../../src/core/tenants/input.js';
import { tenantFormBlocks } from '../../src/slack/views/tenant-form.js';
import type { FakeSlack } from './fake-slack.js';
import type { SlackClientSimulator } from './slack-requests.js';

export const validTenant = {
  name: 'Acme production',
  region: 'eu',
  environmentId: '5b2a6c1e-1111-4a2b-8c3d-0123456789ab',
  clientId: '9f8e7d6c-2222-4b3c-9d4e-abcdefabcdef',
  clientSecret: 'pq7~Vx2.sEcReT-0123456789abcdefXYZ9',
  authMethod: 'client_secret_basic',
} satisfies Record<TenantField, string>;

const selects: TenantField[] = ['region', 'authMethod'];

/** `view.state.values` as Slack sends it for the tenant form; `testFirst` is the "test before saving" box. */
export function formState(values: Partial<Record<TenantField, string>>, testFirst?: boolean) {
  const state: Record<string, Record<string, unknown>> = {};
  for (const [field, blockId] of Object.entries(tenantFormBlocks) as [TenantField, string][]) {
    const value = values[field];
    state[blockId] = {
      value: selects.includes(field)
        ? {
            type: field === 'region' ? 'static_select' : 'radio_buttons',
            selected_option: value ? { value } : null,
          }
        : { type: 'plain_text_input', value: value ?? null },
    };
  }
  if (testFirst !== undefined) {
    state.test_first = {
      value: { type: 'checkboxes', selected_options: testFirst ? [{ value: 'mint_token' }] : [] },
    };
  }
  return state;
}

/** Runs `/flightiq tenant add|edit …` and returns the form Slack was asked to open. */
export async function openTenantForm(
  slack: SlackClientSimulator,
  fake: FakeSlack,
  text: string,
  user: string,
  timeoutMs = 5_000,
) {
  const before = fake.views.length;
  const reply = await slack.command(text, { user });
  const opened = await fake.waitFor(
    () => fake.views.slice(before).find((view) => view.callback_id === 'tenant_form'),
    timeoutMs,
  );
  return {
    reply,
    view: opened as { id: string; private_metadata: string; callback_id: string; blocks: unknown[] },
  };
}
/**
 * Submits the tenant form as Slack would. The app answers at once (errors on fields, or a "Saving…" /
 * "Testing…" view) and shows the outcome later with views.update: `outcome` is that final answer as
 * text (the field errors, or the last view shown in place of the form).
 */
export async function submitTenantForm(
  slack: SlackClientSimulator,
  view: { id?: string; private_metadata: string; callback_id: string },
  values: Partial<Record<TenantField, string>>,
  user: string,
  testFirst?: boolean,
) {
  const fake = slack.slack;
  const viewId = view.id ?? 'V0SUBMITTED';
  const before = fake.views.length;
  const reply = await slack.viewSubmission(
    {
      callback_id: view.callback_id,
      private_metadata: view.private_metadata,
      state: formState(values, testFirst),
      ...(view.id ? { id: view.id } : {}),
    },
    { user },
  );
  const answered = JSON.stringify(reply.body ?? reply.text);
  if (!pending(answered)) return { ...reply, outcome: answered };
  const final = await fake.waitFor(() => {
    const shown = fake.views
      .slice(before)
      .filter((shownView) => (shownView as { id?: string }).id === viewId)
      .map((shownView) => JSON.stringify(shownView));
    const last = shown.at(-1);
    return last !== undefined && !pending(last) && last;
  }, 15_000);
  return { ...reply, outcome: final };
}

/** The views shown while the app is still working on a submission. */
function pending(text: string): boolean {
  return text.includes('Saving the tenant') || text.includes('Minting a worker token with these');
}
