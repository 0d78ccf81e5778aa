import { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeSlack } from '../support/fake-slack.js';

/** The fake must refuse what Slack refuses, or tests against it prove nothing. */
let fake: FakeSlack;
let client: WebClient;

beforeEach(async () => {
  fake = await FakeSlack.start();
  client = new WebClient(fake.botToken, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
});
afterEach(() => fake.stop());

const modal = {
  type: 'modal' as const,
  title: { type: 'plain_text' as const, text: 'Add tenant' },
  blocks: [],
};

describe('fake Slack', () => {
  it('records calls with their JSON-encoded arguments decoded', async () => {
    await client.chat.postMessage({ channel: 'C1', text: 'hi', blocks: [{ type: 'divider' }] });
    expect(fake.callsOf('chat.postMessage')[0]?.args).toMatchObject({
      channel: 'C1',
      blocks: [{ type: 'divider' }],
    });
  });

  it('refuses a wrong token with invalid_auth', async () => {
    const stranger = new WebClient('xoxb-wrong', { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
    await expect(stranger.auth.test()).rejects.toMatchObject({ data: { error: 'invalid_auth' } });
  });

  it('lets a trigger ID open one view only', async () => {
    const trigger = fake.issueTriggerId();
    await client.views.open({ trigger_id: trigger, view: modal });
    await expect(client.views.open({ trigger_id: trigger, view: modal })).rejects.toMatchObject({
      data: { error: 'exchanged_trigger_id' },
    });
  });

  it('expires a trigger ID after about 3 seconds', async () => {
    const trigger = fake.issueTriggerId();
    await new Promise((resolve) => setTimeout(resolve, 3_100));
    await expect(client.views.open({ trigger_id: trigger, view: modal })).rejects.toMatchObject({
      data: { error: 'expired_trigger_id' },
    });
  });

  it('refuses a modal title over 24 characters and private_metadata over 3000', async () => {
    await expect(
      client.views.open({
        trigger_id: fake.issueTriggerId(),
        view: { ...modal, title: { type: 'plain_text', text: 'A title far too long for Slack' } },
      }),
    ).rejects.toMatchObject({ data: { error: 'invalid_arguments' } });
    await expect(
      client.views.open({
        trigger_id: fake.issueTriggerId(),
        view: { ...modal, private_metadata: 'x'.repeat(3001) },
      }),
    ).rejects.toMatchObject({ data: { error: 'invalid_arguments' } });
  });

  it('refuses a message of 51 blocks or a section text over 3000 characters', async () => {
    const blocks = Array.from({ length: 51 }, () => ({ type: 'divider' }));
    await expect(client.chat.postMessage({ channel: 'C1', text: 'x', blocks })).rejects.toMatchObject({
      data: { error: 'invalid_blocks' },
    });
    await expect(
      client.chat.postMessage({
        channel: 'C1',
        text: 'x',
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'y'.repeat(3001) } }],
      }),
    ).rejects.toMatchObject({ data: { error: 'invalid_blocks' } });
  });

  it('answers channel_not_found and not_in_channel for channels set up that way', async () => {
    fake.missingChannels.add('C404');
    fake.channelsWithoutBot.add('C0OUT');
    await expect(client.chat.postMessage({ channel: 'C404', text: 'x' })).rejects.toMatchObject({
      data: { error: 'channel_not_found' },
    });
    await expect(client.chat.postMessage({ channel: 'C0OUT', text: 'x' })).rejects.toMatchObject({
      data: { error: 'not_in_channel' },
    });
  });

  it('rate-limits with 429 and Retry-After', async () => {
    fake.rateLimit('chat.postMessage', 1);
    await client.chat.postMessage({ channel: 'C1', text: 'first' });
    const response = await fetch(`${fake.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${fake.botToken}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'channel=C1&text=second',
    });
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('accepts five posts to a response_url and refuses the sixth', async () => {
    const url = fake.issueResponseUrl();
    const post = () => fetch(url, { method: 'POST', body: JSON.stringify({ text: 'x' }) });
    for (let i = 0; i < 5; i++) expect((await post()).status).toBe(200);
    expect((await post()).status).toBe(404);
    expect(fake.responsesTo(url)).toHaveLength(5);
  });

  it('updates only messages it has seen', async () => {
    const posted = await client.chat.postMessage({ channel: 'C1', text: 'x' });
    await client.chat.update({ channel: 'C1', ts: String(posted.ts), text: 'y' });
    await expect(client.chat.update({ channel: 'C1', ts: '1.000001', text: 'y' })).rejects.toMatchObject({
      data: { error: 'message_not_found' },
    });
  });
});
