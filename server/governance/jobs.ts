// The team-governance jobs every instance runs (SPEC §6.4): role expiry and inactivity. Each is
// safe on many instances at once (unique notices, DELETE … RETURNING, company locks), so no leader
// is elected; a failing run is logged and the next one tries again.
import type { Kysely } from "kysely";
import type { DB } from "../db/schema.js";
import { runRoleExpiry } from "../expiry/service.js";
import { runInactivity } from "../inactivity/service.js";

/** How often each instance runs them: the guard already ignores an expired role in between. */
export const GOVERNANCE_JOB_INTERVAL_MS = 60_000;

export async function runGovernanceJobs(db: Kysely<DB>, now: Date) {
  const expiry = await runRoleExpiry(db, now);
  const inactivity = await runInactivity(db, now);
  return { expiry, inactivity };
}

export function startGovernanceJobs(
  db: Kysely<DB>,
  now: () => Date,
  onError: (error: unknown) => void,
): NodeJS.Timeout {
  const timer = setInterval(() => {
    runGovernanceJobs(db, now()).catch(onError);
  }, GOVERNANCE_JOB_INTERVAL_MS);
  timer.unref();
  return timer;
}
