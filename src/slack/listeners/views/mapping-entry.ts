import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { CoreServices } from '../../../core/services.js';
import { actorOf } from '../../actor.js';
import { sendMessageToUser } from '../../direct-messages.js';
import { mapActions, mapOnlyText, mapSavedModal, requestAgainText } from '../../views/mapping-profile.js';
import { notice } from '../../views/notices.js';
import { noticeModal } from '../../views/tenant-form.js';
import { mappedTarget, pairOfPromotion } from '../actions/mapping.js';

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/**
 * Saves the entry the "Map…" modal chose. Who is saving is the signed payload's user, checked again
 * here before the answer (a refusal is an error on the field, and audited); what is saved is the
 * reference the stored plan left open and an object of the destination, both found again by core.
 * The requester is told to request the promotion again: its plan is not changed in place.
 */
export function mapEntrySubmitted(services: CoreServices) {
  return async ({ ack, body, view, client, logger }: Args): Promise<void> => {
    const actor = actorOf(body);
    const found = await mappedTarget(services, view.private_metadata);
    if (!found) {
      await ack({
        response_action: 'update',
        view: noticeModal(
          'Not saved',
          'That reference is no longer open in a blocked plan. Request the promotion again.',
        ),
      });
      return;
    }
    const { promotion, reference, tenant } = found;
    const chosen = view.state.values[mapActions.target]?.[mapActions.target]?.selected_option?.value;
    if (!chosen || chosen.length > 200) {
      await ack({ response_action: 'errors', errors: { [mapActions.target]: 'Choose one.' } });
      return;
    }
    const asked = {
      ...(await pairOfPromotion(services, promotion)),
      kind: reference.kind,
      source: reference.sourceId,
    };
    if (!(await services.mappings.mayChange(actor, 'mappings.set', tenant, asked))) {
      await ack({ response_action: 'errors', errors: { [mapActions.target]: mapOnlyText } });
      return;
    }
    await ack({
      response_action: 'update',
      view: noticeModal('Saving', ':hourglass_flowing_sand: Saving the entry…'),
    });
    const show = (next: Parameters<typeof mapSavedModal>[0]) =>
      client.views.update({ view_id: view.id, view: mapSavedModal(next, promotion.requestedBy) });
    try {
      const outcome = await services.mappings.set(actor, tenant, { ...asked, destination: chosen });
      await show(outcome);
      if (outcome.outcome === 'set')
        await sendMessageToUser(
          client,
          promotion.requestedBy,
          notice(requestAgainText(outcome, promotion, actor.userId)),
        );
    } catch (error) {
      logger.error({ err: error }, 'a mapping entry could not be saved');
      await client.views
        .update({
          view_id: view.id,
          view: noticeModal(
            'Not saved',
            'Sorry, FlightIQ failed while saving. Check with `/flightiq mappings` and try again.',
          ),
        })
        .catch(() => undefined);
    }
  };
}
