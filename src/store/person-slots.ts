import type { Queryable } from './queryable.js';

/**
 * Takes one of the person's `perPerson` slots for `holder`: a free one, or one whose lease ran out.
 * The slot number, or null when all are held. Two takers racing for the same free slot: one gets it,
 * the other gets null here and is asked to try again by the caller while slots are free.
 */
export async function takePersonSlot(
  db: Queryable,
  {
    userId,
    holder,
    perPerson,
    leaseMs,
  }: { userId: string; holder: string; perPerson: number; leaseMs: number },
): Promise<number | null> {
  const { rows } = await db.query(
    `INSERT INTO person_slots (user_id, slot, holder, expires_at)
     SELECT $1, s, $2, now() + make_interval(secs => $4::double precision / 1000)
       FROM generate_series(1, $3::int) AS s
      WHERE NOT EXISTS (
        SELECT 1 FROM person_slots p WHERE p.user_id = $1 AND p.slot = s AND p.expires_at > now())
      ORDER BY s
      LIMIT 1
     ON CONFLICT (user_id, slot) DO UPDATE
        SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
      WHERE person_slots.expires_at <= now()
     RETURNING slot`,
    [userId, holder, perPerson, leaseMs],
  );
  return rows[0] ? Number(rows[0].slot) : null;
}

/** How many of the person's slots are held now (leases not run out). */
export async function heldPersonSlots(db: Queryable, userId: string, perPerson: number): Promise<number> {
  const { rows } = await db.query(
    'SELECT count(*)::int AS n FROM person_slots WHERE user_id = $1 AND slot <= $2 AND expires_at > now()',
    [userId, perPerson],
  );
  return rows[0]?.n ?? 0;
}

/** Extends the lease while the command runs; false when the slot is no longer this holder's. */
export async function renewPersonSlot(
  db: Queryable,
  { userId, slot, holder, leaseMs }: { userId: string; slot: number; holder: string; leaseMs: number },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE person_slots SET expires_at = now() + make_interval(secs => $4::double precision / 1000)
      WHERE user_id = $1 AND slot = $2 AND holder = $3`,
    [userId, slot, holder, leaseMs],
  );
  return (rowCount ?? 0) > 0;
}

export async function releasePersonSlot(
  db: Queryable,
  { userId, slot, holder }: { userId: string; slot: number; holder: string },
): Promise<void> {
  await db.query('DELETE FROM person_slots WHERE user_id = $1 AND slot = $2 AND holder = $3', [
    userId,
    slot,
    holder,
  ]);
}

/** Rows of slots whose lease ran out long ago (their replica stopped): removed by the sweeper. */
export async function forgetStalePersonSlots(db: Queryable): Promise<void> {
  await db.query("DELETE FROM person_slots WHERE expires_at < now() - interval '1 hour'");
}
