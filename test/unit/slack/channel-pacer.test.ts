import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ChannelPacer } from '../../../src/slack/channel-pacer.js';

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

function recorder() {
  const sent: { what: string; at: number }[] = [];
  const post = (what: string) => async () => {
    sent.push({ what, at: Date.now() });
    return what;
  };
  return { sent, post };
}

describe('ChannelPacer', () => {
  it('sends one post a second into a channel, and other channels meanwhile', async () => {
    const pacer = new ChannelPacer(1_000);
    const { sent, post } = recorder();
    const start = Date.now();
    const results = Promise.all([
      pacer.send('C1', post('a1')),
      pacer.send('C1', post('a2')),
      pacer.send('C1', post('a3')),
      pacer.send('C2', post('b1')),
    ]);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(await results).toEqual(['a1', 'a2', 'a3', 'b1']);
    const at = Object.fromEntries(sent.map((entry) => [entry.what, entry.at - start]));
    expect(at).toEqual({ a1: 0, b1: 0, a2: 1_000, a3: 2_000 });
  });

  it('sends a message updated while it waited once, as it is last', async () => {
    const pacer = new ChannelPacer(1_000);
    const { sent, post } = recorder();
    const first = pacer.send('C1', post('other'));
    const updates = [1, 2, 3].map((n) => pacer.send('C1', post(`card v${n}`), 'card'));
    await vi.advanceTimersByTimeAsync(3_000);
    await first;
    expect(await Promise.all(updates)).toEqual(['card v3', 'card v3', 'card v3']);
    expect(sent.map((entry) => entry.what)).toEqual(['other', 'card v3']);
  });

  it('gives a failed post its error and goes on with the next', async () => {
    const pacer = new ChannelPacer(1_000);
    const failing = pacer.send('C1', async () => {
      throw new Error('channel_not_found');
    });
    const next = pacer.send('C1', async () => 'next');
    const outcome = expect(failing).rejects.toThrow('channel_not_found');
    await vi.advanceTimersByTimeAsync(2_000);
    await outcome;
    expect(await next).toBe('next');
    expect(pacer.waiting).toBe(0);
  });
});
