/**
 * Paces the posts nobody is waiting on (alerts, certificate warnings, promotion cards) to one per
 * `spacingMs` per channel, which is Slack's rate for posting into a channel. A burst of warnings then
 * waits its turn here instead of earning a 429, which would pause every call of the client behind it.
 *
 * Posts with the same `replaces` key that have not started yet collapse into the last one: a card
 * updated five times while it waited needs to be sent once, as it is now.
 */
export class ChannelPacer {
  private readonly channels = new Map<string, ChannelQueue>();

  constructor(private readonly spacingMs = 1_000) {}

  send<T>(channel: string, work: () => Promise<T>, replaces?: string): Promise<T> {
    let queue = this.channels.get(channel);
    if (!queue) {
      queue = { waiting: [], running: false, nextAt: 0 };
      this.channels.set(channel, queue);
    }
    return new Promise<T>((resolve, reject) => {
      const waiter = { resolve: resolve as (value: unknown) => void, reject };
      const same = replaces === undefined ? undefined : queue.waiting.find((entry) => entry.key === replaces);
      if (same) {
        same.work = work;
        same.waiters.push(waiter);
      } else {
        queue.waiting.push({ key: replaces, work, waiters: [waiter] });
      }
      if (!queue.running) void this.drain(channel, queue);
    });
  }

  /** How many posts wait, over all channels (for tests and metrics). */
  get waiting(): number {
    let count = 0;
    for (const queue of this.channels.values()) count += queue.waiting.length;
    return count;
  }

  private async drain(channel: string, queue: ChannelQueue): Promise<void> {
    queue.running = true;
    for (let entry = queue.waiting.shift(); entry; entry = queue.waiting.shift()) {
      const wait = queue.nextAt - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      // Collapsing stops once a post has started: its waiters get this result.
      const { work, waiters } = entry;
      try {
        const result = await work();
        for (const waiter of waiters) waiter.resolve(result);
      } catch (error) {
        for (const waiter of waiters) waiter.reject(error);
      } finally {
        // Counted from when Slack answered, not from when the post left: Slack has then received it,
        // so the next one reaches Slack at least `spacingMs` later however long either was in transit.
        queue.nextAt = Date.now() + this.spacingMs;
      }
    }
    queue.running = false;
    // Forgotten once its spacing is over, so the map holds only channels that were posted to lately.
    const idle = queue.nextAt - Date.now();
    setTimeout(
      () => {
        if (!queue.running && queue.waiting.length === 0 && this.channels.get(channel) === queue) {
          this.channels.delete(channel);
        }
      },
      Math.max(0, idle),
    ).unref();
  }
}

interface ChannelQueue {
  waiting: {
    key: string | undefined;
    work: () => Promise<unknown>;
    waiters: { resolve: (value: unknown) => void; reject: (error: unknown) => void }[];
  }[];
  running: boolean;
  nextAt: number;
}
