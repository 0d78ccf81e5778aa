import type { PromotionStatus } from '../../src/core/promotion/state.js';
import type { World } from './world.js';

/** A promotion's row as the end-to-end tests read it: the database is what they assert on. */
export interface PromotionRow {
  id: string;
  status: PromotionStatus;
  outcome: string | null;
  channel_id: string;
  message_ts: string;
  decided_by: string | null;
  protected: boolean;
  reason: string | null;
}

/**
 * What the end-to-end files that promote do over and over: find the newest promotion, click one of
 * its buttons as someone, wait for it to reach a status, and look at a flow as the simulator holds it.
 */
export function promotionDriver(world: World) {
  return {
    /** The newest promotion. */
    async latest(): Promise<PromotionRow> {
      const { rows } = await world.db.query('SELECT * FROM promotions ORDER BY created_at DESC LIMIT 1');
      if (!rows[0]) throw new Error('no promotion yet');
      return rows[0] as PromotionRow;
    },

    /** Clicks one of a promotion's buttons as `user`; Slack got its acknowledgement. */
    async click(
      actionId: string,
      id: string,
      user: string,
      channel?: string,
    ): Promise<{ responseUrl: string }> {
      const reply = await world.app.slack.blockAction(
        { action_id: actionId, value: id },
        { user, ...(channel ? { channel } : {}) },
      );
      if (reply.status !== 200) throw new Error(`${actionId}: Slack got HTTP ${reply.status}`);
      return reply;
    },

    /** Waits for the promotion to be in `status`, and says where it stayed if it never gets there. */
    async waitForStatus(id: string, status: PromotionStatus, timeoutMs = 30_000): Promise<PromotionRow> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const { rows } = await world.db.query('SELECT * FROM promotions WHERE id = $1', [id]);
        const row = rows[0] as PromotionRow | undefined;
        if (row?.status === status) return row;
        if (Date.now() > deadline)
          throw new Error(
            `promotion stayed ${row?.status} (${row?.outcome ?? 'no outcome'}), never ${status}`,
          );
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },

    /** A flow as the simulator holds it in an environment, by name. */
    flowIn(envId: string, name: string): Record<string, unknown> | undefined {
      return world.sim.data.collections[envId]?.flows?.find((flow) => flow.name === name);
    },
  };
}
