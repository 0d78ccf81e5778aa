import type { App } from '@slack/bolt';
import type { SubcommandInfo } from '../../subcommands.js';
import { appHomeOpened } from './app-home-opened.js';

export function register(app: Pick<App, 'event'>, deps: { catalog: readonly SubcommandInfo[] }): void {
  app.event('app_home_opened', appHomeOpened(deps.catalog));
}
