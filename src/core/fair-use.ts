/**
 * How many commands that call PingOne one person may have running at once. PingOne's rate limit is
 * the tenant's, shared with promotions: two hundred `/flightiq test` typed in a loop must not spend it.
 * Counted per replica, in memory: it is there to stop a burst, which reaches one replica's share of
 * the requests at a time, not to meter anyone exactly.
 */
export class CommandSlots {
  private readonly inUse = new Map<string, number>();

  constructor(readonly perPerson: number) {}

  /** A release function when the person has a free slot; undefined when all of theirs are taken. */
  take(userId: string): (() => void) | undefined {
    const used = this.inUse.get(userId) ?? 0;
    if (used >= this.perPerson) return undefined;
    this.inUse.set(userId, used + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.inUse.get(userId) ?? 1) - 1;
      if (left > 0) this.inUse.set(userId, left);
      else this.inUse.delete(userId);
    };
  }
}
