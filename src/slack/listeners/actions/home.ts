import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { CoreServices } from '../../../core/services.js';
import { adminOnlyText } from '../../views/notices.js';
import { noticeModal, tenantFormModal } from '../../views/tenant-form.js';

type ButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/** Add tenant / Edit on the App Home tab: the same admin check and the same modal as `/flightiq tenant`. */
export function homeTenantButton({ access, tenants }: CoreServices, mode: 'add' | 'edit') {
  return async ({ ack, body, action, client }: ButtonArgs): Promise<void> => {
    await ack();
    const actor = { userId: body.user.id, ...(body.user.team_id ? { teamId: body.user.team_id } : {}) };
    const open = (view: Parameters<typeof client.views.open>[0]['view']) =>
      client.views.open({ trigger_id: body.trigger_id, view });
    if (!(await access.isAdmin(actor))) {
      await tenants.auditRefusal(
        actor,
        mode === 'add' ? 'tenant.add' : 'tenant.edit',
        undefined,
        'not an admin',
      );
      await open(noticeModal('FlightIQ', adminOnlyText));
      return;
    }
    if (mode === 'add') {
      await open(tenantFormModal());
      return;
    }
    const tenant = await tenants.findById(action.value ?? '');
    await open(tenant ? tenantFormModal(tenant) : noticeModal('FlightIQ', 'That tenant no longer exists.'));
  };
}
