import type { PingOneClient, WorkerCredentials } from '../../pingone/client.js';
import { davinciPaths, flowPolicyEventSchema } from '../../pingone/davinci.js';
import { problemOf } from '../problem.js';
import type { PlannedPolicyUse } from '../promotion/plan/types.js';

/** Policies whose events are read at once: a flow may be in many. */
const eventReads = 4;

/**
 * How often each policy use ran its flow, from PingOne's flow policy events (docs/pingone-facts.md,
 * "Flow policy events"), summed over the flow's versions: what an approver weighs before a change.
 * Informational: a policy whose events PingOne will not give keeps no count, and nothing fails.
 */
export async function markPolicyRuns(
  pingone: PingOneClient,
  credentials: WorkerCredentials,
  envId: string,
  uses: PlannedPolicyUse[],
): Promise<void> {
  const queue = [...uses];
  const worker = async () => {
    for (let use = queue.shift(); use; use = queue.shift()) {
      const { ids } = use;
      if (!ids) continue;
      try {
        const { items } = await pingone.collect(
          credentials,
          davinciPaths.flowPolicyEvents(envId, ids.davinciApplication, ids.policy),
          'events',
          flowPolicyEventSchema,
        );
        const mine = items.filter((item) => item.flow.id === ids.flow);
        const stamps = mine.flatMap((item) => (item.events ?? []).flatMap((event) => event.timestamp ?? []));
        const times = stamps.map((stamp) => Date.parse(stamp)).filter((time) => !Number.isNaN(time));
        use.runs = {
          total: mine.reduce((sum, item) => sum + (item.totalCount ?? 0), 0),
          succeeded: mine.reduce((sum, item) => sum + (item.successCount ?? 0), 0),
          lastAt: times.length > 0 ? new Date(Math.max(...times)).toISOString() : null,
        };
      } catch (error) {
        // What PingOne would not give shows no count rather than a wrong one; a bug of ours still fails.
        if (!problemOf(error)) throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: eventReads }, worker));
}
