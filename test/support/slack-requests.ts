import { createHmac, randomBytes } from 'node:crypto';
import { blockKitProblems } from './block-kit-rules.js';
import { type FakeSlack, fakeTeamId } from './fake-slack.js';

/**
 * Sends requests to the app's real HTTP receiver the way Slack does (docs/slack-facts.md, "Signed
 * requests"): the exact bytes are signed with `v0:{timestamp}:{body}`, and commands and interactions are
 * sent as `application/x-www-form-urlencoded` with no charset (Bolt compares the header exactly).
 */

export interface SignOptions {
  /** Seconds since the epoch; defaults to now. */
  timestamp?: number;
  /** Sign with this secret instead of the app's. */
  secret?: string;
  /** Send no signature headers at all. */
  unsigned?: boolean;
  /** Change the body after signing. */
  tamper?: (body: string) => string;
  headers?: Record<string, string>;
}

export interface SlackReply {
  status: number;
  /** The acknowledgement body, parsed when it is JSON. */
  body: Record<string, unknown> | undefined;
  text: string;
}

export function sign(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export const formContentType = 'application/x-www-form-urlencoded';

export class SlackClientSimulator {
  constructor(
    private readonly appUrl: string,
    private readonly signingSecret: string,
    readonly slack: FakeSlack,
  ) {}

  async post(body: string, contentType: string, options: SignOptions = {}): Promise<SlackReply> {
    const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = { 'content-type': contentType, ...options.headers };
    if (!options.unsigned) {
      headers['x-slack-request-timestamp'] = String(timestamp);
      headers['x-slack-signature'] = sign(options.secret ?? this.signingSecret, timestamp, body);
    }
    const sent = options.tamper ? options.tamper(body) : body;
    const response = await fetch(`${this.appUrl}/slack/events`, { method: 'POST', headers, body: sent });
    const text = await response.text();
    let parsed: Record<string, unknown> | undefined;
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: response.status, body: parsed, text };
  }

  /** A slash command as Slack sends it; returns the reply and the response_url the app may answer on. */
  async command(
    text: string,
    { user = 'U0USER0001', channel = 'C0CHANNEL1', command = '/flightiq', ...options }: SlashOptions = {},
  ): Promise<SlackReply & { responseUrl: string; triggerId: string }> {
    const { body, responseUrl, triggerId } = this.commandBody(text, { user, channel, command });
    const reply = await this.post(body, formContentType, options);
    assertValidAck(reply);
    return { ...reply, responseUrl, triggerId };
  }

  /** The form body of a slash command, to post (or replay) with `post`. */
  commandBody(
    text: string,
    { user = 'U0USER0001', channel = 'C0CHANNEL1', command = '/flightiq' } = {},
  ): { body: string; responseUrl: string; triggerId: string } {
    const responseUrl = this.slack.issueResponseUrl();
    const triggerId = this.slack.issueTriggerId();
    const body = new URLSearchParams({
      token: 'deprecated-verification-token',
      team_id: fakeTeamId,
      team_domain: 'fake',
      channel_id: channel,
      channel_name: 'flightiq-test',
      user_id: user,
      user_name: user.toLowerCase(),
      command,
      // Slack escapes these in what a person typed before it sends the command.
      text: text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'),
      api_app_id: 'A0FAKEAPP1',
      is_enterprise_install: 'false',
      response_url: responseUrl,
      trigger_id: triggerId,
    }).toString();
    return { body, responseUrl, triggerId };
  }

  /** An Events API callback (JSON body), such as `app_home_opened`. */
  async event(event: Record<string, unknown>, options: SignOptions = {}): Promise<SlackReply> {
    const body = JSON.stringify({
      token: 'deprecated-verification-token',
      team_id: fakeTeamId,
      api_app_id: 'A0FAKEAPP1',
      type: 'event_callback',
      event_id: `Ev${Date.now()}${randomBytes(4).toString('hex')}`,
      event_time: Math.floor(Date.now() / 1000),
      event,
    });
    return this.post(body, 'application/json', options);
  }

  /** An interaction (`block_actions`, `view_submission`, …): form-encoded with a JSON `payload` field. */
  async interaction(payload: Record<string, unknown>, options: SignOptions = {}): Promise<SlackReply> {
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    return this.post(body, formContentType, options);
  }

  async blockAction(
    action: { action_id: string; value?: string; block_id?: string },
    { user = 'U0USER0001', channel = 'C0CHANNEL1', messageTs, ...options }: ActionOptions = {},
  ): Promise<SlackReply & { responseUrl: string; triggerId: string }> {
    const responseUrl = this.slack.issueResponseUrl();
    const triggerId = this.slack.issueTriggerId();
    const reply = await this.interaction(
      {
        type: 'block_actions',
        team: { id: fakeTeamId, domain: 'fake' },
        user: { id: user, username: user.toLowerCase(), team_id: fakeTeamId },
        api_app_id: 'A0FAKEAPP1',
        trigger_id: triggerId,
        response_url: responseUrl,
        container: {
          type: 'message',
          channel_id: channel,
          message_ts: messageTs ?? '0.0',
          is_ephemeral: false,
        },
        channel: { id: channel, name: 'flightiq-test' },
        message: { ts: messageTs ?? '0.0', type: 'message' },
        actions: [{ type: 'button', block_id: 'actions', action_ts: String(Date.now() / 1000), ...action }],
      },
      options,
    );
    return { ...reply, responseUrl, triggerId };
  }

  /** A button clicked on the App Home tab: a trigger, but no channel and no response URL. */
  async homeAction(
    action: { action_id: string; value?: string | undefined },
    { user = 'U0USER0001', ...options }: { user?: string } & SignOptions = {},
  ): Promise<SlackReply> {
    return this.interaction(
      {
        type: 'block_actions',
        team: { id: fakeTeamId, domain: 'fake' },
        user: { id: user, username: user.toLowerCase(), team_id: fakeTeamId },
        api_app_id: 'A0FAKEAPP1',
        trigger_id: this.slack.issueTriggerId(),
        container: { type: 'view', view_id: 'V0HOME' },
        view: { id: 'V0HOME', type: 'home' },
        actions: [{ type: 'button', block_id: 'b', action_ts: String(Date.now() / 1000), ...action }],
      },
      options,
    );
  }

  async viewSubmission(
    view: { callback_id: string; private_metadata?: string; state: Record<string, unknown>; id?: string },
    { user = 'U0USER0001', ...options }: { user?: string } & SignOptions = {},
  ): Promise<SlackReply> {
    return this.interaction(
      {
        type: 'view_submission',
        team: { id: fakeTeamId, domain: 'fake' },
        user: { id: user, username: user.toLowerCase(), team_id: fakeTeamId },
        api_app_id: 'A0FAKEAPP1',
        trigger_id: this.slack.issueTriggerId(),
        view: {
          id: view.id ?? 'V0SUBMITTED',
          type: 'modal',
          team_id: fakeTeamId,
          callback_id: view.callback_id,
          private_metadata: view.private_metadata ?? '',
          state: { values: view.state },
          hash: 'fake-hash',
        },
      },
      options,
    );
  }
}

export interface SlashOptions extends SignOptions {
  user?: string;
  channel?: string;
  command?: string;
}

export interface ActionOptions extends SignOptions {
  user?: string;
  channel?: string;
  messageTs?: string;
}

/** Slack refuses an acknowledgement with invalid blocks: so do our tests. */
function assertValidAck(reply: SlackReply): void {
  const problems = blockKitProblems(reply.body?.blocks, 'message');
  if (problems.length > 0) throw new Error(`acknowledgement breaks Block Kit rules: ${problems.join('; ')}`);
}
