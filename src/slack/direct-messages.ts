import type { WebClient } from '@slack/web-api';

/**
 * Sends a file to one person, in their direct messages with the app: a download asked for from an
 * ephemeral answer must not land in the channel, where everyone would see it.
 */
export async function sendFileToUser(
  client: WebClient,
  userId: string,
  file: { filename: string; content: string; comment: string },
): Promise<void> {
  const channel = await directMessages(client, userId);
  await client.filesUploadV2({
    channel_id: channel,
    file: Buffer.from(file.content, 'utf8'),
    filename: file.filename,
    title: file.filename,
    initial_comment: file.comment,
  });
}

/** Tells one person something where only they see it, when there is no channel to answer in. */
export async function sendMessageToUser(
  client: WebClient,
  userId: string,
  message: { text: string; blocks?: unknown[] },
): Promise<void> {
  const channel = await directMessages(client, userId);
  await client.chat.postMessage({
    channel,
    text: message.text,
    ...(message.blocks ? { blocks: message.blocks as never } : {}),
  });
}

async function directMessages(client: WebClient, userId: string): Promise<string> {
  const dm = await client.conversations.open({ users: userId });
  const channel = dm.channel?.id;
  if (!channel) throw new Error('conversations.open returned no channel');
  return channel;
}
