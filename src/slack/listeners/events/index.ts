import type { App } from '@slack/bolt';
import type { HomePublisher } from '../../home.js';
import { appHomeOpened } from './app-home-opened.js';

export function register(app: Pick<App, 'event'>, deps: { publishHome: HomePublisher }): void {
  app.event('app_home_opened', appHomeOpened(deps.publishHome));
}
