// A company's Home page for an Admin (SPEC §6.7): who has no second factor and how many invitations
// are open. What a caller may not see is answered null, never counted for them.
import type { Kysely } from "kysely";
import type { DB } from "../db/schema.js";
import {
  countMembersWithoutSecondFactor,
  listMembersWithoutSecondFactor,
} from "../security-policy/queries.js";
import { countOpenInvitations, listExpiringAssignments } from "./queries.js";

/** Counts stop here and say `totalExact: false` beyond. */
export const HOME_COUNT_CAP = 1_000;
/** How many of the members without a second factor the card names (the first by name, as the policy page lists them). */
export const HOME_SAMPLE_SIZE = 5;

export type CappedCount = { total: number; totalExact: boolean };

export type HomeSummary = {
  membersWithoutSecondFactor: CappedCount & {
    sample: { memberId: string; name: string; email: string }[];
  };
  /** Null when the caller may not see invitations (`members.invite`). */
  pendingInvitations: CappedCount | null;
  /** Role assignments expiring within EXPIRING_WITHIN_DAYS, soonest first (SPEC §6.4, §6.7). */
  expiringAccess: { memberId: string; name: string; email: string; roleName: string; expiresAt: string }[];
};

/** Home names the assignments expiring this soon. */
export const EXPIRING_WITHIN_DAYS = 14;
const EXPIRING_SHOWN = 20;

const capped = (counted: number): CappedCount => ({
  total: Math.min(counted, HOME_COUNT_CAP),
  totalExact: counted <= HOME_COUNT_CAP,
});

export async function loadHomeSummary(
  db: Kysely<DB>,
  companyId: string,
  callerPermissions: readonly string[],
  now: Date,
): Promise<HomeSummary> {
  const mayViewInvitations = callerPermissions.includes("members.invite");
  const until = new Date(now.getTime() + EXPIRING_WITHIN_DAYS * 86_400_000);
  const [withoutFactor, sample, openInvitations, expiring] = await Promise.all([
    countMembersWithoutSecondFactor(db, companyId, HOME_COUNT_CAP),
    listMembersWithoutSecondFactor(db, companyId, HOME_SAMPLE_SIZE),
    mayViewInvitations ? countOpenInvitations(db, companyId, now, HOME_COUNT_CAP) : null,
    listExpiringAssignments(db, companyId, until, EXPIRING_SHOWN),
  ]);
  return {
    membersWithoutSecondFactor: {
      ...capped(withoutFactor),
      sample: sample.map((row) => ({ memberId: row.member_id, name: row.name, email: row.email })),
    },
    pendingInvitations: openInvitations === null ? null : capped(openInvitations),
    expiringAccess: expiring.map((row) => ({
      memberId: row.member_id,
      name: row.name,
      email: row.email,
      roleName: row.role_name,
      expiresAt: row.expires_at,
    })),
  };
}
