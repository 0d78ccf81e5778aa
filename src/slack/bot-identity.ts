import { ErrorCode, LogLevel, WebClient, type WebClientOptions } from '@slack/web-api';

export interface BotIdentity {
  botId: string;
  botUserId: string;
  teamId: string;
  /** The workspace's web address (`https://acme.slack.com/`), for links to messages. */
  workspaceUrl: string | undefined;
}

/** Start-up stops with this: one line that says what to fix. */
export class SlackStartupError extends Error {
  override name = 'SlackStartupError';
}

/**
 * Asks Slack who our bot token belongs to before the app is built. Bolt would otherwise call
 * `auth.test` itself in its constructor, where a failure is an unhandled rejection that kills the
 * process with a stack trace instead of a message.
 */
export async function fetchBotIdentity(token: string, clientOptions: WebClientOptions): Promise<BotIdentity> {
  // The SDK's own "http request failed" warnings would come before, and say less than, our one line;
  // a failure here is reported by the error thrown below, so this client logs nothing of its own.
  const { logger: _ours, ...options } = clientOptions;
  const client = new WebClient(token, {
    ...options,
    logLevel: LogLevel.ERROR,
    retryConfig: { retries: 1 },
    timeout: 10_000,
  });
  let result: Awaited<ReturnType<WebClient['auth']['test']>>;
  try {
    result = await client.auth.test();
  } catch (error) {
    const code = (error as { code?: string; data?: { error?: string } }).code;
    const slackError = (error as { data?: { error?: string } }).data?.error;
    if (code === ErrorCode.PlatformError && slackError) {
      throw new SlackStartupError(
        `Slack rejected SLACK_BOT_TOKEN (${slackError}): copy the Bot User OAuth Token (xoxb-…) again from the app's "OAuth & Permissions" page, and reinstall the app if it was revoked.`,
      );
    }
    throw new SlackStartupError(
      `could not reach the Slack Web API at ${clientOptions.slackApiUrl ?? 'https://slack.com/api/'} to check SLACK_BOT_TOKEN (${(error as Error).message}); check the network, proxy and SLACK_API_URL.`,
    );
  }
  if (!result.bot_id || !result.user_id || !result.team_id) {
    throw new SlackStartupError(
      'SLACK_BOT_TOKEN is not a bot token (auth.test returned no bot): use the Bot User OAuth Token (xoxb-…).',
    );
  }
  return {
    botId: result.bot_id,
    botUserId: result.user_id,
    teamId: result.team_id,
    workspaceUrl: result.url,
  };
}
