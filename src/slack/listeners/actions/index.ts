import type { App } from '@slack/bolt';
import type { CoreServices } from '../../../core/services.js';
import { removeTenantActions } from '../../views/tenant-remove.js';
import { removeTenantCancelled, removeTenantConfirmed } from './tenant-remove.js';

export function register(app: Pick<App, 'action'>, services: CoreServices): void {
  app.action(removeTenantActions.confirm, removeTenantConfirmed(services));
  app.action(removeTenantActions.cancel, removeTenantCancelled);
}
