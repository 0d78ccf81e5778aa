import type { App, ViewSubmitAction } from '@slack/bolt';
import type { CoreServices } from '../../../core/services.js';
import type { HomePublisher } from '../../home.js';
import { mapEntryCallbackId } from '../../views/mapping-profile.js';
import { tenantFormCallbackId } from '../../views/tenant-form.js';
import { mapEntrySubmitted } from './mapping-entry.js';
import { tenantFormSubmitted } from './tenant-form.js';

export function register(app: Pick<App, 'view'>, services: CoreServices, publishHome: HomePublisher): void {
  const submitted = tenantFormSubmitted(services);
  app.view<ViewSubmitAction>(tenantFormCallbackId, async (args) => {
    await submitted(args);
    // The form may have been opened from the Home tab, which lists the tenants: show it as it is now.
    await publishHome(args.client, args.body.user.id, args.body.user.team_id ?? undefined);
  });
  app.view<ViewSubmitAction>(mapEntryCallbackId, mapEntrySubmitted(services));
}
