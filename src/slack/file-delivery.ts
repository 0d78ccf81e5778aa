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
  const dm = await client.conversations.open({ users: userId });
  const channel = dm.channel?.id;
  if (!channel) throw new Error('conversations.open returned no channel');
  await client.filesUploadV2({
    channel_id: channel,
    file: Buffer.from(file.content, 'utf8'),
    filename: file.filename,
    title: file.filename,
    initial_comment: file.comment,
  });
}
