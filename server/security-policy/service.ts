// A company's security policy (SPEC §6.2): reading it with the members who have no second factor,
// and changing it (validated, audited with before and after). The guard enforces the two-factor
// requirement and the idle timeout; invitations check the domains through invitationDomainRefusal.
import type { Kysely, Transaction } from "kysely";
import type { RequestMeta } from "../audit/writer.js";
import { recordAudit } from "../audit/writer.js";
import type { DB } from "../db/schema.js";
import { AppError } from "../errors.js";
import { canonicalizeEmail } from "../identity/email.js";
import {
  findSecurityPolicy,
  listMembersWithoutSecondFactor,
  lockSecurityPolicy,
  type SecurityPolicyRow,
  writeSecurityPolicy,
} from "./queries.js";

export const MAX_INVITE_DOMAINS = 50;
/** The shortest company idle timeout: shorter would end sessions between two clicks. */
export const MIN_SESSION_IDLE_MINUTES = 5;
/** The policy page lists at most this many members without a factor, and says when there are more. */
export const MEMBERS_WITHOUT_FACTOR_SHOWN = 100;

export type SecurityPolicy = {
  requireMfa: boolean;
  sessionIdleMinutes: number | null;
  inviteDomains: string[];
  inactivityDays: number;
};

/** A change of the policy: without `inactivityDays` the company's limit stays as it is. */
export type SecurityPolicyChange = Omit<SecurityPolicy, "inactivityDays"> & { inactivityDays?: number };

type Context = {
  db: Kysely<DB>;
  companyId: string;
  actor: { accountId: string; email: string };
  meta: RequestMeta;
  now: Date;
  /** The deployment's idle timeout (SESSION_IDLE_MINUTES): a company may only shorten it. */
  globalIdleMinutes: number;
};

function policyView(row: SecurityPolicyRow): SecurityPolicy {
  return {
    requireMfa: row.require_mfa,
    sessionIdleMinutes: row.session_idle_minutes,
    inviteDomains: row.invite_domains,
    inactivityDays: row.inactivity_days,
  };
}

// Audit details avoid key names the writer redacts as secrets (a "sessionId…" key would be).
function audited(policy: SecurityPolicy) {
  return {
    requireMfa: policy.requireMfa,
    idleTimeoutMinutes: policy.sessionIdleMinutes,
    inviteDomains: policy.inviteDomains,
  };
}

export async function readSecurityPolicy(db: Kysely<DB>, companyId: string) {
  const [policy, members] = await Promise.all([
    findSecurityPolicy(db, companyId),
    listMembersWithoutSecondFactor(db, companyId, MEMBERS_WITHOUT_FACTOR_SHOWN + 1),
  ]);
  return {
    ...policyView(policy),
    membersWithoutSecondFactor: members
      .slice(0, MEMBERS_WITHOUT_FACTOR_SHOWN)
      .map((m) => ({ memberId: m.member_id, name: m.name, email: m.email })),
    hasMoreMembersWithoutSecondFactor: members.length > MEMBERS_WITHOUT_FACTOR_SHOWN,
  };
}

/** A domain as emails store it (NFKC, lowercase, IDNA), by the one email canonicalizer; null if invalid. */
export function canonicalInviteDomain(raw: string): string | null {
  const canonical = canonicalizeEmail(`postmaster@${raw.trim()}`);
  return canonical.ok ? canonical.email.slice("postmaster@".length) : null;
}

/** The policy's fields checked and canonicalised; throws a 400 naming the first problem. */
export function validatePolicyInput(
  input: SecurityPolicyChange,
  globalIdleMinutes: number,
): SecurityPolicyChange {
  const idle = input.sessionIdleMinutes;
  if (idle !== null && (idle < MIN_SESSION_IDLE_MINUTES || idle > globalIdleMinutes)) {
    throw new AppError(
      "session_idle_out_of_range",
      `The session idle timeout must be from ${MIN_SESSION_IDLE_MINUTES} to ${globalIdleMinutes} minutes, or empty for ${globalIdleMinutes}.`,
      { field: "sessionIdleMinutes", minimum: MIN_SESSION_IDLE_MINUTES, maximum: globalIdleMinutes },
    );
  }
  if (input.inviteDomains.length > MAX_INVITE_DOMAINS) {
    throw new AppError("too_many_invite_domains", undefined, {
      field: "inviteDomains",
      maximum: MAX_INVITE_DOMAINS,
    });
  }
  const domains: string[] = [];
  for (const raw of input.inviteDomains) {
    const domain = canonicalInviteDomain(raw);
    if (domain === null) {
      throw new AppError("invalid_invite_domain", `"${raw.slice(0, 100)}" is not a valid domain name.`, {
        field: "inviteDomains",
        domain: raw.slice(0, 100),
      });
    }
    if (domains.includes(domain)) {
      throw new AppError("duplicate_invite_domain", `${domain} is listed twice.`, {
        field: "inviteDomains",
        domain,
      });
    }
    domains.push(domain);
  }
  return {
    requireMfa: input.requireMfa,
    sessionIdleMinutes: idle,
    inviteDomains: domains,
    ...(input.inactivityDays !== undefined ? { inactivityDays: input.inactivityDays } : {}),
  };
}

export async function changeSecurityPolicy(ctx: Context, input: SecurityPolicyChange): Promise<void> {
  let change: SecurityPolicyChange;
  try {
    change = validatePolicyInput(input, ctx.globalIdleMinutes);
  } catch (error) {
    if (error instanceof AppError) {
      await recordAudit(ctx.db, {
        action: "security.input_rejected",
        outcome: "denied",
        companyId: ctx.companyId,
        actor: ctx.actor,
        details: { route: "PUT /api/companies/:cid/security-policy", reason: error.code, ...error.details },
        meta: ctx.meta,
        at: ctx.now,
      });
    }
    throw error;
  }
  await ctx.db.transaction().execute(async (trx) => {
    const before = policyView(await lockSecurityPolicy(trx, ctx.companyId, ctx.now));
    const wanted: SecurityPolicy = {
      ...change,
      inactivityDays: change.inactivityDays ?? before.inactivityDays,
    };
    await writeSecurityPolicy(
      trx,
      ctx.companyId,
      {
        require_mfa: wanted.requireMfa,
        session_idle_minutes: wanted.sessionIdleMinutes,
        invite_domains: wanted.inviteDomains,
        inactivity_days: wanted.inactivityDays,
      },
      { accountId: ctx.actor.accountId, now: ctx.now },
    );
    await recordAudit(trx, {
      action: "security.policy_changed",
      outcome: "success",
      companyId: ctx.companyId,
      actor: ctx.actor,
      target: { type: "company", id: ctx.companyId },
      details:
        before.inactivityDays === wanted.inactivityDays
          ? { before: audited(before), after: audited(wanted) }
          : {
              before: { ...audited(before), inactivityDays: before.inactivityDays },
              after: { ...audited(wanted), inactivityDays: wanted.inactivityDays },
            },
      meta: ctx.meta,
      at: ctx.now,
    });
  });
}

/**
 * Rule for invitations under a policy: the email's domain must be one of the company's invitation
 * domains when it lists any. Returns the refusal to throw, or null. `email` is canonical.
 */
export async function invitationDomainRefusal(
  db: Kysely<DB> | Transaction<DB>,
  companyId: string,
  email: string,
): Promise<AppError | null> {
  const { invite_domains: allowed } = await findSecurityPolicy(db, companyId);
  const domain = email.slice(email.lastIndexOf("@") + 1);
  if (allowed.length === 0 || allowed.includes(domain)) return null;
  return new AppError(
    "invite_domain_not_allowed",
    `This company only invites emails at ${allowed.join(", ")}.`,
    { field: "email", allowedDomains: allowed },
  );
}
