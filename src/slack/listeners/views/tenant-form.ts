import type {
  AllMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewResponseAction,
  ViewStateValue,
  ViewSubmitAction,
} from '@slack/bolt';
import type { ModalView } from '@slack/types';
import { z } from 'zod';
import type { CoreServices } from '../../../core/services.js';
import { type RawTenantInput, type TenantField, validateTenantInput } from '../../../core/tenants/input.js';
import { type AddResult, type EditResult, nameTakenText } from '../../../core/tenants/service.js';
import { actorOf } from '../../actor.js';
import { escapeMrkdwn } from '../../views/mrkdwn.js';
import { adminOnlyText, formBusyText } from '../../views/notices.js';
import {
  inputActionId,
  noticeModal,
  savingModal,
  tenantFormBlocks,
  testFailedModal,
  testFirstBlock,
  testFirstValue,
  testingModal,
} from '../../views/tenant-form.js';

const metadataSchema = z.union([
  z.object({ mode: z.literal('add') }),
  z.object({ mode: z.literal('edit'), tenantId: z.string(), version: z.number().int() }),
]);

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/**
 * Saves the tenant form. Who is saving comes from the signed payload (`body.user`), checked again here:
 * the form may have been opened by an admin who since lost the right, or forged by someone who never had it.
 * Slack waits 3 s for the answer to a submission, and only that answer can put an error on a field: so
 * the fields are checked first (and the name, if the database answers quickly), then the form is
 * answered at once with a "saving" (or "testing") view, and the outcome of the admin check, the
 * credential test and the save replaces it when it is known.
 */
export function tenantFormSubmitted({ tenants, checks, commandSlots: slots }: CoreServices) {
  return async ({ ack, body, view, client, logger }: Args): Promise<void> => {
    const metadata = metadataSchema.safeParse(safeJson(view.private_metadata));
    if (!metadata.success) {
      await ack({
        response_action: 'update',
        view: noticeModal('Form expired', 'This form is out of date. Please run the command again.'),
      });
      return;
    }
    const target = metadata.data;
    const actor = actorOf(body);
    const raw = readForm(view.state.values);
    const checked = validateTenantInput(raw, target.mode);
    if (!checked.ok) {
      await ack(answer({ outcome: 'invalid', errors: checked.errors }));
      return;
    }
    const except = target.mode === 'edit' ? target.tenantId : undefined;
    if (await tenants.nameTaken(checked.value.name, except, nameCheckMs)) {
      await ack(answer({ outcome: 'invalid', errors: { name: nameTakenText(checked.value.name) } }));
      return;
    }
    const testing = testFirst(view.state.values);
    // The test calls PingOne, so it takes one of the person's slots; a busy person is told on the
    // checkbox, with the form and what they typed still there.
    const release = testing
      ? await slots.take(actor.userId, { timeoutMs: nameCheckMs })
      : async () => undefined;
    if (!release) {
      await ack({ response_action: 'errors', errors: { [testFirstBlock]: formBusyText(slots.perPerson) } });
      return;
    }
    await ack({ response_action: 'update', view: testing ? testingModal() : savingModal() });
    const show = (next: ModalView) => client.views.update({ view_id: view.id, view: next });
    const save = () =>
      target.mode === 'add'
        ? tenants.add(actor, raw)
        : tenants.edit(actor, target.tenantId, target.version, raw);
    try {
      if (!testing) {
        await show(finalView(await save()));
        return;
      }
      const prepared = await tenants.prepare(actor, raw, target);
      if (prepared.outcome !== 'ready') {
        await show(finalView(prepared));
        return;
      }
      const minted = await checks.tryToMint(prepared.credentials).finally(release);
      if (!minted.ok) {
        await tenants.auditRefusal(
          actor,
          target.mode === 'add' ? 'tenant.add' : 'tenant.edit',
          prepared.input.name,
          `credential test failed: ${minted.problem.code}`,
        );
        await show(testFailedModal(minted.problem));
        return;
      }
      const result = await save();
      if (result.outcome === 'saved') {
        await checks.record(
          actor,
          result.tenant,
          'passed',
          `token in ${minted.mintedInMs} ms (tested before saving)`,
        );
      }
      await show(finalView(result));
    } catch (error) {
      logger.error({ err: error }, 'tenant form could not be completed');
      await show(
        noticeModal(
          'Not saved',
          'Sorry, FlightIQ failed while testing or saving. Nothing may have been saved; check with `/flightiq tenant list` and try again.',
        ),
      ).catch(() => undefined);
    } finally {
      await release();
    }
  };
}

/** How long the name check may hold up the form's answer before it is left to the save. */
const nameCheckMs = 500;

/** What replaces the "saving" view: the outcome, or (once the form is gone) its errors as a notice. */
function finalView(result: Parameters<typeof answer>[0]): ModalView {
  const answered = answer(result);
  return answered.response_action === 'update'
    ? answered.view
    : noticeModal(
        'Not saved',
        `${Object.values(answered.errors).join('\n')}\nNothing was saved; run the command again.`,
      );
}

function answer(
  result:
    | AddResult
    | EditResult
    | { outcome: 'refused' }
    | { outcome: 'invalid'; errors: Partial<Record<TenantField, string>> },
): ViewResponseAction &
  (
    | { response_action: 'update'; view: ModalView }
    | { response_action: 'errors'; errors: Record<string, string> }
  ) {
  switch (result.outcome) {
    case 'refused':
      return { response_action: 'update', view: noticeModal('Not allowed', adminOnlyText) };
    case 'invalid': {
      const errors: Record<string, string> = {};
      for (const [field, message] of Object.entries(result.errors)) {
        errors[tenantFormBlocks[field as TenantField]] = message;
      }
      return { response_action: 'errors', errors };
    }
    case 'not_found':
      return {
        response_action: 'update',
        view: noticeModal(
          'Tenant removed',
          'This tenant was removed while the form was open. Nothing was saved.',
        ),
      };
    case 'conflict':
      return {
        response_action: 'update',
        view: noticeModal(
          'Changed meanwhile',
          `Someone changed *${escapeMrkdwn(result.tenant.name)}* while this form was open, so nothing was saved. Run \`/flightiq tenant edit ${escapeMrkdwn(result.tenant.name)}\` to edit the current version.`,
        ),
      };
    case 'saved': {
      const what =
        'changed' in result ? (result.changed.length > 0 ? 'updated' : 'saved (nothing changed)') : 'added';
      return {
        response_action: 'update',
        view: noticeModal(
          'Tenant saved',
          `:white_check_mark: Tenant *${escapeMrkdwn(result.tenant.name)}* ${what}. The client secret is stored encrypted and ends in ${result.tenant.secretFingerprint.replace('…', '')}.`,
        ),
      };
    }
  }
}

/** Absent from the state (a form from before the checkbox existed, or a forged one): no test. */
function testFirst(values: Record<string, Record<string, ViewStateValue>>): boolean {
  return (
    values[testFirstBlock]?.[inputActionId]?.selected_options?.some(
      (option) => option.value === testFirstValue,
    ) ?? false
  );
}

function readForm(values: Record<string, Record<string, ViewStateValue>>): RawTenantInput {
  const raw: RawTenantInput = {};
  for (const [field, blockId] of Object.entries(tenantFormBlocks) as [TenantField, string][]) {
    const state = values[blockId]?.[inputActionId];
    raw[field] = state?.selected_option?.value ?? state?.value ?? undefined;
  }
  return raw;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
