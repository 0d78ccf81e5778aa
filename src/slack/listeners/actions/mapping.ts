import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { ModalView } from '@slack/types';
import { z } from 'zod';
import { isMappingKind } from '../../../core/mappings/kinds.js';
import { mappableReferences } from '../../../core/promotion/plan/mappable.js';
import type { Promotion } from '../../../core/promotion/service.js';
import type { CoreServices } from '../../../core/services.js';
import { actorOf } from '../../actor.js';
import { sendMessageToUser } from '../../direct-messages.js';
import { deadTriggerText, openThenFill } from '../../modal-opening.js';
import { type MapTarget, mapModal, mapOnlyText } from '../../views/mapping-profile.js';
import { notice } from '../../views/notices.js';
import { problemMessage } from '../../views/pingone-problem.js';
import { noticeModal } from '../../views/tenant-form.js';

type ButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const mapTargetSchema = z.object({
  p: z.string().regex(uuid),
  k: z.string().max(40),
  s: z.string().min(1).max(200),
});

/**
 * The reference a "Map…" button (or the modal it opened) names, found in the promotion's stored plan:
 * a value can be forged, so it only picks among the references the plan itself left open.
 */
export async function mappedTarget(services: CoreServices, raw: string) {
  const parsed = mapTargetSchema.safeParse(safeJson(raw));
  if (!parsed.success) return undefined;
  const target: MapTarget = parsed.data;
  const promotion = await services.promotions.find(target.p);
  const reference = promotion
    ? mappableReferences(promotion.plan).find(
        (candidate) => candidate.kind === target.k && candidate.sourceId === target.s,
      )
    : undefined;
  const tenant = promotion ? await services.tenants.findById(promotion.tenantId) : null;
  if (!promotion || !reference || !tenant || !isMappingKind(reference.kind)) return undefined;
  return { target, promotion, reference, tenant };
}

/**
 * "Map…" on a blocked plan's reference: a modal listing the destination's objects of that kind. Who
 * may change a profile is checked here, from the signed payload's user, and again at submission.
 */
export function mapClicked(services: CoreServices) {
  return async ({ ack, body, action, client }: ButtonArgs): Promise<void> => {
    await ack();
    const actor = actorOf(body);
    const title = 'Map by profile';
    const opened = await openThenFill(client, body.trigger_id, title, async (): Promise<ModalView> => {
      const found = await mappedTarget(services, action.value ?? '');
      if (!found)
        return noticeModal(
          title,
          'That reference is no longer open in a blocked plan. Request the promotion again.',
        );
      const { target, promotion, reference, tenant } = found;
      const outcome = await services.mappings.choices(actor, tenant, {
        ...(await pairOfPromotion(services, promotion)),
        kind: reference.kind,
        source: reference.name,
      });
      if (outcome.outcome === 'refused') return noticeModal('Not allowed', mapOnlyText);
      if (outcome.outcome === 'failed') return noticeModal(title, problemMessage(outcome.problem).text);
      return mapModal(
        target,
        reference,
        { from: promotion.fromEnvName, to: promotion.toEnvName },
        outcome.candidates,
      );
    });
    if (!opened) await sendMessageToUser(client, actor.userId, notice(deadTriggerText));
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The pair a promotion's profile belongs to, as `mappings` names it: environment IDs, each in its
 * tenant for a promotion across organizations (`<tenant>:<id>`, by the tenant's name now).
 */
export async function pairOfPromotion(
  services: CoreServices,
  promotion: Pick<Promotion, 'tenantId' | 'toTenantId' | 'fromEnvId' | 'toEnvId'>,
): Promise<{ from: string; to: string }> {
  if (!promotion.toTenantId) return { from: promotion.fromEnvId, to: promotion.toEnvId };
  const [source, destination] = await Promise.all([
    services.tenants.findById(promotion.tenantId),
    services.tenants.findById(promotion.toTenantId),
  ]);
  return {
    from: source ? `${source.name}:${promotion.fromEnvId}` : promotion.fromEnvId,
    to: destination ? `${destination.name}:${promotion.toEnvId}` : promotion.toEnvId,
  };
}
