// The end of every single sign-on login, whatever the protocol: an identity the IdP vouched for
// becomes a member (just in time) with roles and merchant-account scope from its groups, then a
// full session (SPEC §6.3, §6.4).
import { randomBytes } from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import { ADMIN_ROLE_KEY } from "../access/permissions.js";
import { ALL_ACCOUNTS, isSameScope, type Scope, unionOfScopes } from "../access/scope.js";
import type { SessionPolicy } from "../access/session-queries.js";
import { type RequestMeta, recordAudit } from "../audit/writer.js";
import { type FullSession, openFullSession } from "../auth/full-session.js";
import { hashPassword } from "../auth/passwords.js";
import { findCredentialsByEmail, insertAccount } from "../auth/queries.js";
import type { Clock } from "../clock.js";
import { addMember } from "../companies/queries.js";
import { isUniqueViolation } from "../db/error-kinds.js";
import type { DB } from "../db/schema.js";
import { AppError } from "../errors.js";
import type { Language } from "../i18n/languages.js";
import { t } from "../i18n/translate.js";
import { canonicalizeEmail } from "../identity/email.js";
import { checkName, PERSON_NAME } from "../identity/names.js";
import { findMemberStanding } from "../invitations/queries.js";
import { mailLocaleOf } from "../mail/templates.js";
import { rolesChangedMail } from "../members/mails.js";
import { loadChange, shareLockAccount, writeMemberRoles } from "../members/queries.js";
import { writeMemberScope } from "../merchant-accounts/queries.js";
import { lockCompany } from "../roles/queries.js";
import { emitWebhookEvent, memberWebhookEvent, webhookEvent } from "../webhooks/events.js";
import { findConnectionForShare, findRoleRefs, isVerifiedDomainOf, matchedMappings } from "./queries.js";

/** Who changed the roles, in a roles-changed mail of a single sign-on login, in each language. */
const SSO_AS_CHANGER: Record<Language, { name: string; email: string }> = {
  en: { name: t("en", "mail.sso.name"), email: t("en", "mail.sso.provider") },
  "zh-CN": { name: t("zh-CN", "mail.sso.name"), email: t("zh-CN", "mail.sso.provider") },
};

export type SsoDeps = { db: Kysely<DB>; clock: Clock; sessionPolicy: SessionPolicy };

/** What a protocol (OIDC, SAML) hands over once it has checked the IdP's answer. */
export type SsoIdentity = {
  companyId: string;
  protocol: "oidc" | "saml";
  /** The IdP's stable id of the person (OIDC `sub`, SAML NameID). */
  subject: string;
  email: string;
  name: string | null;
  groups: readonly string[];
};

/**
 * Why an SSO login was refused; the login page explains each (`/login?sso_error=<reason>`) and the
 * company's audit log records it.
 */
export const SSO_REFUSAL_REASONS = {
  sso_not_enabled: "Single sign-on is not enabled for this company.",
  invalid_email: "Your identity provider did not give a valid email address.",
  domain_not_verified: "Your email's domain is not a verified domain of this company.",
  no_role_mapped:
    "None of your identity provider groups gives a role in this company, and it has no default role.",
  member_deactivated: "Your membership in this company is deactivated; ask an Admin to reactivate you.",
  idp_error: "Your identity provider did not sign you in.",
  invalid_response: "The answer from your identity provider could not be trusted; start again.",
  expired: "The sign-in took too long or was started in another browser; start again.",
} as const;

export type SsoRefusalReason = keyof typeof SSO_REFUSAL_REASONS;

export function ssoRefusal(reason: SsoRefusalReason): AppError {
  return new AppError("sso_refused", SSO_REFUSAL_REASONS[reason], { reason });
}

export type SsoLoginInput = {
  /** The session cookie the browser held before, whatever its stage: it ends with this login. */
  previousSessionToken: string | null;
  deviceTokens: readonly string[];
  meta: RequestMeta;
};

type Decided =
  | { kind: "session"; session: FullSession }
  | { kind: "refused"; reason: SsoRefusalReason; accountId: string | null };

/**
 * Logs in the person an IdP vouched for. The IdP is the authentication: the account's own second
 * factor is not asked (the company chose its IdP and its MFA). Refusals are audited in the
 * company and thrown as `403 sso_refused {reason}`. One transaction under the company lock, so
 * rule 4 and a concurrent deactivation see this login in order.
 */
export async function completeSsoLogin(
  deps: SsoDeps,
  identity: SsoIdentity,
  input: SsoLoginInput,
): Promise<FullSession> {
  const now = deps.clock.now();
  const canonical = canonicalizeEmail(identity.email);
  const email = canonical.ok ? canonical.email : null;
  let decided: Decided;
  try {
    decided = await decide(deps, identity, email, input, now);
  } catch (error) {
    // Two first logins of one new person at once: the loser's account or membership insert hits
    // the unique key; a second run finds what the winner made.
    if (!isUniqueViolation(error)) throw error;
    decided = await decide(deps, identity, email, input, now);
  }
  if (decided.kind === "session") return decided.session;
  await recordAudit(deps.db, {
    action: "sso.login_refused",
    outcome: "denied",
    companyId: identity.companyId,
    actor: decided.accountId && email ? { accountId: decided.accountId, email } : null,
    target: decided.accountId ? { type: "account", id: decided.accountId } : null,
    details: {
      reason: decided.reason,
      protocol: identity.protocol,
      email: email ?? "(invalid)",
      groups: identity.groups.slice(0, 50),
    },
    meta: input.meta,
    at: now,
  });
  throw ssoRefusal(decided.reason);
}

function decide(
  deps: SsoDeps,
  identity: SsoIdentity,
  email: string | null,
  input: SsoLoginInput,
  now: Date,
): Promise<Decided> {
  const refuse = (reason: SsoRefusalReason, accountId: string | null = null): Decided => ({
    kind: "refused",
    reason,
    accountId,
  });
  const { companyId } = identity;
  return deps.db.transaction().execute(async (trx): Promise<Decided> => {
    const connection = await findConnectionForShare(trx, companyId);
    if (!connection?.enabled || connection.protocol !== identity.protocol) return refuse("sso_not_enabled");
    if (!email) return refuse("invalid_email");
    // An IdP speaks only for its company's verified domains: one claiming another company's
    // domain (or an unverified one) would otherwise take over that company's accounts.
    const domain = email.slice(email.lastIndexOf("@") + 1);
    const verified = await isVerifiedDomainOf(trx, companyId, domain);
    if (!verified) return refuse("domain_not_verified");

    const matched = await matchedMappings(trx, companyId, identity.groups);
    const mapped = [...new Set(matched.map((mapping) => mapping.role_id))].sort();
    const roleIds =
      mapped.length > 0 ? mapped : connection.default_role_id ? [connection.default_role_id] : [];
    // The union of the matched mappings' scopes; the default role gives all accounts.
    const scope = unionOfScopes(matched.map((mapping) => mapping.scope));

    await lockCompany(trx, companyId);
    const account = await findOrCreateAccount(trx, email, identity.name, now);
    await shareLockAccount(trx, account.id);
    const standing = await findMemberStanding(trx, companyId, account.id);
    if (standing?.status === "deactivated") return refuse("member_deactivated", account.id);
    if (!standing) {
      if (roleIds.length === 0) return refuse("no_role_mapped", account.id);
      const memberId = await addMember(trx, {
        companyId,
        accountId: account.id,
        roleIds,
        invitedBy: null,
        now,
      });
      if (scope.kind === "restricted") await writeMemberScope(trx, companyId, memberId, scope);
      const roles = await findRoleRefs(trx, companyId, roleIds);
      await recordAudit(trx, {
        action: "sso.member_joined",
        outcome: "success",
        companyId,
        actor: { accountId: account.id, email },
        target: { type: "member", id: memberId },
        details: {
          protocol: identity.protocol,
          email,
          roles,
          scope,
          groups: identity.groups.slice(0, 50),
          accountCreated: account.created,
        },
        meta: input.meta,
        at: now,
      });
      // A provisioning event (SPEC §6.5): the merchant's systems hear of the new member as of one
      // who accepted an invitation, with how they came.
      await emitWebhookEvent(
        trx,
        webhookEvent(companyId, "member.joined", now, {
          memberId,
          accountId: account.id,
          email,
          roles: roles.map((role) => role.name),
          provisionedBy: "sso",
          protocol: identity.protocol,
        }),
      );
    } else if (roleIds.length > 0) {
      // Existing member: the mapping is re-applied. Nothing mapped and no default leaves the roles
      // as they are (an Admin invited before SSO is not stripped by an empty group list).
      await applyMappedRoles(trx, {
        companyId,
        memberId: standing.memberId,
        roleIds,
        scope,
        email,
        identity,
        input,
        now,
      });
    }

    const session = await openFullSession(trx, {
      account: { id: account.id, email },
      previousSession: input.previousSessionToken ? { token: input.previousSessionToken } : null,
      deviceTokens: input.deviceTokens,
      policy: deps.sessionPolicy,
      details: { method: "sso", protocol: identity.protocol, companyId },
      meta: input.meta,
      now,
    });
    return { kind: "session", session };
  });
}

async function findOrCreateAccount(
  trx: Transaction<DB>,
  email: string,
  name: string | null,
  now: Date,
): Promise<{ id: string; created: boolean }> {
  const existing = await findCredentialsByEmail(trx, email);
  if (existing) return { id: existing.id, created: false };
  const checked = name ? checkName(name, PERSON_NAME) : null;
  const localPart = email.slice(0, email.lastIndexOf("@"));
  // A password nobody knows: the person signs in through the IdP; a reset can give them one
  // unless the company requires SSO.
  const passwordHash = await hashPassword(randomBytes(32).toString("base64url"));
  const inserted = await insertAccount(trx, {
    email,
    name: checked?.ok ? checked.name : localPart,
    passwordHash,
    now,
  });
  return { id: inserted.id, created: true };
}

/**
 * Gives an existing member exactly the roles and scope the mapping says, under the company lock the
 * caller holds. Rule 4: the last active Admin keeps their roles and scope (the refusal is audited,
 * the login goes on).
 */
async function applyMappedRoles(
  trx: Transaction<DB>,
  input: {
    companyId: string;
    memberId: string;
    roleIds: string[];
    scope: Scope;
    email: string;
    identity: SsoIdentity;
    input: SsoLoginInput;
    now: Date;
  },
): Promise<void> {
  const { companyId, memberId, roleIds, scope, now } = input;
  const state = await loadChange(trx, companyId, memberId, memberId, roleIds);
  const target = state.target;
  if (!target) throw new Error("The member vanished under the company lock.");
  const before = target.roles.map((role) => role.id).sort();
  const isSameRoles = before.length === roleIds.length && before.every((id, i) => id === roleIds[i]);
  const isScopeChanged = !isSameScope(target.scope ?? ALL_ACCOUNTS, scope);
  if (isSameRoles && !isScopeChanged) return;
  // The scope appears in the events when it changes, as in a member change by a person.
  const scopes = (wanted: Scope) =>
    isScopeChanged ? { before: { scope: target.scope }, after: { scope: wanted } } : null;
  const actor = { accountId: target.account_id, email: input.email };
  const keepsAdmin = state.roles.some((role) => role.key === ADMIN_ROLE_KEY);
  if (!keepsAdmin && state.otherActiveAdmins === 0) {
    await recordAudit(trx, {
      action: "sso.roles_apply_refused",
      outcome: "denied",
      companyId,
      actor,
      target: { type: "member", id: memberId },
      details: {
        reason: "last_admin",
        protocol: input.identity.protocol,
        before: { roles: target.roles, ...scopes(scope)?.before },
        wanted: {
          roles: state.roles.map(({ id, key, name }) => ({ id, key, name })),
          ...scopes(scope)?.after,
        },
      },
      meta: input.input.meta,
      at: now,
    });
    return;
  }
  const after = state.roles.map(({ id, key, name }) => ({ id, key, name }));
  await writeMemberRoles(
    trx,
    companyId,
    memberId,
    roleIds,
    {
      action: "sso.roles_applied",
      outcome: "success",
      companyId,
      actor,
      target: { type: "member", id: memberId },
      details: {
        protocol: input.identity.protocol,
        groups: input.identity.groups.slice(0, 50),
        before: { roles: target.roles, ...scopes(scope)?.before },
        after: { roles: after, ...scopes(scope)?.after },
      },
      meta: input.input.meta,
      at: now,
    },
    undefined,
    {
      mail: {
        kind: "member_roles_changed",
        to: target.email,
        mail: rolesChangedMail({
          locale: mailLocaleOf(state.targetPreferences),
          name: target.name,
          companyName: state.companyName,
          roles: after,
          changedBy: SSO_AS_CHANGER[mailLocaleOf(state.targetPreferences).language],
          at: now,
        }),
        isSensitive: false,
      },
      now,
    },
    memberWebhookEvent(companyId, "member.roles_changed", target, now, {
      roles: after,
      previousRoles: target.roles,
      provisionedBy: "sso",
    }),
  );
  if (isScopeChanged) await writeMemberScope(trx, companyId, memberId, scope);
}
