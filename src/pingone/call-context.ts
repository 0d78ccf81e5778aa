import { AsyncLocalStorage } from 'node:async_hooks';

/** Why FlightIQ is holding a PingOne call back before sending it again. */
export interface PingOneWait {
  reason: 'rate_limited' | 'unavailable';
  /** How long FlightIQ waits before the next try. */
  seconds: number;
  path: string;
}

/**
 * What one piece of work (a command, a promotion run, a background check) allows its PingOne calls:
 * a deadline for the whole of it, and someone to tell when a call waits on PingOne's rate limit, so a
 * person sees "waiting for PingOne's rate limit" instead of a spinner that says nothing.
 */
interface CallContext {
  /** Epoch ms after which no call is sent or waited for; unset: each call only has its own deadlines. */
  deadline?: number;
  onWait?: (wait: PingOneWait) => void;
}

/** How far ahead a call with no deadline of its own may still wait. */
const openEndedMs = 120_000;

const storage = new AsyncLocalStorage<CallContext>();

/**
 * Runs `work` with a deadline and a wait listener; every PingOne call inside it sees them. Nested
 * contexts keep the earlier deadline, and the outer listener unless they bring their own.
 */
export function withCallContext<T>(
  context: { timeoutMs?: number; onWait?: (wait: PingOneWait) => void },
  work: () => Promise<T>,
): Promise<T> {
  const outer = storage.getStore();
  const own = context.timeoutMs === undefined ? undefined : Date.now() + context.timeoutMs;
  const deadline =
    own === undefined ? outer?.deadline : outer?.deadline === undefined ? own : Math.min(own, outer.deadline);
  const onWait = context.onWait ?? outer?.onWait;
  return storage.run(
    { ...(deadline === undefined ? {} : { deadline }), ...(onWait ? { onWait } : {}) },
    work,
  );
}

/** The deadline and wait listener of the work running now. */
export function currentCallContext(): { deadline: number; onWait?: (wait: PingOneWait) => void } {
  const store = storage.getStore();
  return { ...store, deadline: store?.deadline ?? Date.now() + openEndedMs };
}
