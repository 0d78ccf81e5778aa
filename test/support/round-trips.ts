/**
 * Round trips that waited on one another: the longest chain of requests in which each started only
 * after the one before it had been answered. At a given latency a command cannot answer sooner than
 * that many round trips.
 */
export function wavesOf(requests: readonly { at: number; endedAt?: number | undefined }[]): number {
  const sorted = [...requests].sort((a, b) => a.at - b.at);
  const chain: number[] = [];
  sorted.forEach((request, i) => {
    let longest = 0;
    for (let j = 0; j < i; j++) {
      const before = sorted[j];
      if (before?.endedAt !== undefined && before.endedAt <= request.at)
        longest = Math.max(longest, chain[j] ?? 0);
    }
    chain.push(longest + 1);
  });
  return Math.max(0, ...chain);
}
