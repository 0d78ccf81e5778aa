import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { SubcommandInfo } from '../../subcommands.js';
import { homeView } from '../../views/home.js';

export function appHomeOpened(catalog: readonly SubcommandInfo[]) {
  return async ({
    event,
    client,
  }: SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs): Promise<void> => {
    if (event.tab !== 'home') return;
    await client.views.publish({ user_id: event.user, view: homeView(catalog) });
  };
}
