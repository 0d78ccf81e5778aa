import type { KnownBlock } from '@slack/types';
import type { Tenant } from '../../core/tenants/service.js';
import { escapeMrkdwn } from './mrkdwn.js';

export const removeTenantActions = {
  confirm: 'tenant_remove_confirm',
  cancel: 'tenant_remove_cancel',
} as const;

/** Asks before deleting; the button carries the tenant's id, re-checked with the clicker's rights on click. */
export function confirmRemoveMessage(tenant: Tenant): { text: string; blocks: KnownBlock[] } {
  const text = `Remove tenant *${escapeMrkdwn(tenant.name)}*? FlightIQ forgets its credentials; the worker app in PingOne is not changed.`;
  return {
    text: `Remove tenant ${escapeMrkdwn(tenant.name)}?`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      {
        type: 'actions',
        block_id: 'tenant_remove',
        elements: [
          {
            type: 'button',
            action_id: removeTenantActions.confirm,
            style: 'danger',
            text: { type: 'plain_text', text: 'Remove' },
            value: tenant.id,
          },
          {
            type: 'button',
            action_id: removeTenantActions.cancel,
            text: { type: 'plain_text', text: 'Cancel' },
            value: tenant.id,
          },
        ],
      },
    ],
  };
}
