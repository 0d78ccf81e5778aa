import type { App } from '@slack/bolt';
import type { CoreServices } from '../../../core/services.js';
import type { Logger } from '../../../logger.js';
import type { HomePublisher } from '../../home.js';
import { alertActions } from '../../views/alert.js';
import { listActions } from '../../views/artifact-list.js';
import { auditActions } from '../../views/audit.js';
import { diffActions } from '../../views/flow-diff.js';
import { homeActions } from '../../views/home.js';
import { mapActions } from '../../views/mapping-profile.js';
import { promotionActions } from '../../views/promotion.js';
import { removeTenantActions } from '../../views/tenant-remove.js';
import { alertTestAgain } from './alert.js';
import { auditCsvClicked } from './audit.js';
import { diffPageClicked, showDiffClicked } from './diff.js';
import { homeTenantButton } from './home.js';
import { listCsvClicked, listPageClicked } from './list-navigation.js';
import { mapClicked } from './mapping.js';
import { promotionButton } from './promotion.js';
import { removeTenantCancelled, removeTenantConfirmed } from './tenant-remove.js';

/**
 * Clicks that change something (in PingOne or in what FlightIQ holds): refused, not handled, when
 * FlightIQ cannot make sure in time that the click is not a repeat (deduplicate.ts).
 */
export const stateChangingActions: ReadonlySet<string> = new Set([
  ...Object.values(promotionActions),
  removeTenantActions.confirm,
  alertActions.testAgain,
]);

export function register(
  app: Pick<App, 'action'>,
  services: CoreServices,
  logger: Logger,
  publishHome: HomePublisher,
  workspaceUrl?: string,
): void {
  app.action(removeTenantActions.confirm, removeTenantConfirmed(services));
  app.action(removeTenantActions.cancel, removeTenantCancelled);
  app.action(listActions.previous, listPageClicked(services));
  app.action(listActions.next, listPageClicked(services));
  app.action(listActions.csv, listCsvClicked(services, logger));
  app.action(alertActions.testAgain, alertTestAgain(services));
  app.action(auditActions.csv, auditCsvClicked(services, logger));
  app.action(homeActions.addTenant, homeTenantButton(services, 'add'));
  app.action(homeActions.editTenant, homeTenantButton(services, 'edit'));
  app.action(diffActions.show, showDiffClicked(services));
  app.action(new RegExp(`^${diffActions.page}_(previous|next)$`), diffPageClicked(services));
  app.action(new RegExp(`^${mapActions.open}_\\d+$`), mapClicked(services));
  for (const decision of Object.keys(promotionActions) as (keyof typeof promotionActions)[]) {
    app.action(
      promotionActions[decision],
      promotionButton(services, logger, decision, publishHome, workspaceUrl),
    );
  }
}
