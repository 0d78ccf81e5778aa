import type { Queryable } from './queryable.js';

/** Records a delivery; true the first time its id is seen, false for a repeat. */
export async function recordDelivery(db: Queryable, deliveryId: string): Promise<boolean> {
  const { rowCount } = await db.query(
    'INSERT INTO slack_deliveries (delivery_id) VALUES ($1) ON CONFLICT DO NOTHING',
    [deliveryId],
  );
  return (rowCount ?? 0) > 0;
}

export async function forgetOldDeliveries(db: Queryable): Promise<void> {
  await db.query("DELETE FROM slack_deliveries WHERE received_at < now() - interval '1 day'");
}
