import type { App } from '@slack/bolt';
import type { CoreServices } from '../../../core/services.js';
import { tenantFormCallbackId } from '../../views/tenant-form.js';
import { tenantFormSubmitted } from './tenant-form.js';

export function register(app: Pick<App, 'view'>, services: CoreServices): void {
  app.view(tenantFormCallbackId, tenantFormSubmitted(services));
}
