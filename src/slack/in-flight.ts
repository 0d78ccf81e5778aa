/**
 * Work that Slack has handed us and that is still running after its acknowledgement. Shutdown waits
 * for it, so a deploy does not cut a reply in half.
 */
export class InFlightWork {
  private readonly running = new Set<Promise<unknown>>();

  track<T>(work: Promise<T>): Promise<T> {
    this.running.add(work);
    const forget = () => this.running.delete(work);
    work.then(forget, forget);
    return work;
  }

  get size(): number {
    return this.running.size;
  }

  /** Resolves when everything running has settled, or after `timeoutMs`; reports what was left. */
  async drain(timeoutMs: number): Promise<{ unfinished: number }> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const outcome = await Promise.race([
      Promise.allSettled([...this.running]).then(() => 'done' as const),
      timeout,
    ]);
    clearTimeout(timer);
    return { unfinished: outcome === 'timeout' ? this.running.size : 0 };
  }
}
