// A member's standing as the guard reads it at a given time: member_standing (migration 009) as
// stored while its earliest expiry is ahead, recomputed at that time once one has passed (migration 033).
import { type RawBuilder, sql } from "kysely";

/**
 * One column of member_standing `ms` in force at `now`. The common case (no expiry, or none passed)
 * reads the stored column; an expired assignment not yet removed by the job is left out at once.
 */
function standingColumn(column: "role_ids" | "role_keys" | "permissions", now: Date): RawBuilder<unknown> {
  const name = sql.ref(`ms.${column}`);
  return sql`CASE WHEN ms.earliest_expiry IS NULL OR ms.earliest_expiry > ${now}::timestamptz THEN ${name}
                  ELSE (SELECT x.${sql.ref(column)} FROM member_standing_at(ms.member_id, ${now}::timestamptz) x) END`;
}

export const roleIdsInForce = (now: Date) => standingColumn("role_ids", now);
export const roleKeysInForce = (now: Date) => standingColumn("role_keys", now);
export const permissionsInForce = (now: Date) => standingColumn("permissions", now);
