import type { ModalView } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { noticeModal } from './views/tenant-form.js';

/** Slack's answers when a trigger can no longer open a view: it lived 3 s, and opens one view only. */
const deadTriggerErrors = new Set(['expired_trigger_id', 'exchanged_trigger_id']);

export function isDeadTrigger(error: unknown): boolean {
  return deadTriggerErrors.has((error as { data?: { error?: string } }).data?.error ?? '');
}

/**
 * Opens a modal with the trigger while it is still alive, and only then does the slow part (`fill`:
 * a database read) and shows its result in the same modal. A trigger dies 3 s after the click or the
 * command, and a busy database must not be what kills it. Resolves to false when the trigger was
 * already dead, so the caller can tell the person; other Slack errors are thrown.
 */
export async function openThenFill(
  client: WebClient,
  triggerId: string,
  title: string,
  fill: () => Promise<ModalView>,
): Promise<boolean> {
  let viewId: string | undefined;
  try {
    const opened = await client.views.open({ trigger_id: triggerId, view: loadingModal(title) });
    viewId = opened.view?.id;
  } catch (error) {
    if (isDeadTrigger(error)) return false;
    throw error;
  }
  if (!viewId) return true;
  let next: ModalView;
  try {
    next = await fill();
  } catch (error) {
    await client.views
      .update({
        view_id: viewId,
        view: noticeModal(title, 'Sorry, FlightIQ could not load this. Please close it and try again.'),
      })
      .catch(() => undefined);
    throw error;
  }
  await client.views.update({ view_id: viewId, view: next });
  return true;
}

/** Opens a modal that needs nothing slow; false when the trigger was already dead. */
export async function openModal(client: WebClient, triggerId: string, view: ModalView): Promise<boolean> {
  try {
    await client.views.open({ trigger_id: triggerId, view });
    return true;
  } catch (error) {
    if (isDeadTrigger(error)) return false;
    throw error;
  }
}

export function loadingModal(title: string): ModalView {
  return noticeModal(title, ':hourglass_flowing_sand: Loading…');
}

export const deadTriggerText =
  'Slack closed the window for opening the form before it was ready (it allows 3 seconds). Please try again.';
