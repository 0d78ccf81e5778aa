import { expect, it } from 'vitest';
import { useWorld } from '../support/world.js';

const world = useWorld({
  withoutSimulator: true,
  handlers: {
    test: async ({ ack, respond }) => {
      await ack('Checking…');
      await new Promise((resolve) => setTimeout(resolve, 700));
      await respond({ response_type: 'ephemeral', text: 'slow work finished' });
    },
  },
});

it('finishes acknowledged work before stopping, and then refuses new connections', async () => {
  const reply = await world.app.slack.command('test');
  expect(reply.text).toContain('Checking…');
  await world.app.stop();
  expect(world.fakeSlack.responsesTo(reply.responseUrl)).toEqual([
    expect.objectContaining({ text: 'slow work finished' }),
  ]);
  await expect(fetch(`${world.app.url}/healthz`)).rejects.toThrow();
});
