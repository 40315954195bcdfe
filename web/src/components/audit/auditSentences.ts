// An audit event as one sentence with the names people know ("Ada Admin changed Bo Lee's roles from
// Finance to Operations"). Typed by the server's catalogue: an action added there does not compile
// here until it has its sentence.
import type { AuditAction } from "../../../../server/audit/actions.js";
import { isRecord, listWords, reasonWords, roleNamesOf } from "./auditWords.js";

/** The parts of an audit log item (the API's `AuditEvent`) a sentence reads. */
export interface AuditEventParts {
  action: string;
  outcome: string;
  actor: { accountId: string; email: string | null; name: string | null } | null;
  target: { type: string; id: string; name: string | null; email: string | null } | null;
  details: Record<string, unknown>;
}

/** What a sentence is made of, read once from the event. */
interface SentenceParts {
  /** Who acted: their name while a member, else their email, else "The system". */
  actor: string;
  /** The member, account or role the event was done to, or the email the details name. */
  target: string;
  /** The email the details name (an invitee, a login's email), else the target's. */
  email: string;
  reason: string;
  details: Record<string, unknown>;
}

type Sentence = (parts: SentenceParts) => string;

const possessive = (name: string) => `${name}'s`;
const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const endpoint = (details: Record<string, unknown>) =>
  typeof details.url === "string" && details.url !== ""
    ? `the webhook endpoint ${details.url}`
    : "a webhook endpoint";
const roles = (value: unknown) => listWords(roleNamesOf(value) ?? []);
const beforeAfter = (details: Record<string, unknown>, key: string): [unknown, unknown] => {
  const { before, after } = details;
  return [isRecord(before) ? before[key] : undefined, isRecord(after) ? after[key] : undefined];
};
const roleName = ({ target, details }: SentenceParts) => {
  if (target !== "") return target;
  if (typeof details.name === "string") return details.name;
  const [before] = beforeAfter(details, "name");
  return typeof before === "string" ? before : "a role";
};
const refused = (what: string) => (parts: SentenceParts) => `${what} was refused: ${parts.reason}`;
const orSomeone = (text: string) => (text === "" ? "someone" : text);

export const AUDIT_SENTENCES: Record<AuditAction, Sentence> = {
  "member.roles_changed": ({ actor, target, details }) => {
    const [before, after] = beforeAfter(details, "roles");
    const sentence = `${actor} changed ${possessive(orSomeone(target))} roles from ${roles(before)} to ${roles(after)}`;
    // A change of merchant accounts (SPEC §6.4) carries the scope before and after.
    const [, scope] = beforeAfter(details, "scope");
    if (!isRecord(scope)) return sentence;
    const reach =
      scope.kind === "all"
        ? "all merchant accounts"
        : `${Array.isArray(scope.merchantAccountIds) ? scope.merchantAccountIds.length : 0} chosen merchant account(s)`;
    return `${sentence}, with access to ${reach}`;
  },
  "member.roles_change_refused": (parts) =>
    refused(`${possessive(parts.actor)} change of ${possessive(orSomeone(parts.target))} roles`)(parts),
  "member.deactivated": ({ actor, target }) => `${actor} deactivated ${orSomeone(target)}`,
  "member.deactivate_refused": (parts) =>
    refused(`${possessive(parts.actor)} deactivation of ${orSomeone(parts.target)}`)(parts),
  "member.reactivated": ({ actor, target }) => `${actor} reactivated ${orSomeone(target)}`,
  "member.reactivate_refused": (parts) =>
    refused(`${possessive(parts.actor)} reactivation of ${orSomeone(parts.target)}`)(parts),
  "member.removed": ({ actor, target, email, details }) =>
    `${actor} removed ${orSomeone(target || (typeof details.name === "string" ? details.name : email))} from the company`,
  "member.remove_refused": (parts) =>
    refused(`${possessive(parts.actor)} removal of ${orSomeone(parts.target)}`)(parts),
  "member.list_exported": ({ actor }) => `${actor} downloaded the member list`,
  "member.account_deleted": ({ actor }) => `${actor} deleted their account`,
  "member.account_delete_refused": (parts) =>
    refused(`${possessive(parts.actor)} deletion of their account`)(parts),
  "member.role_expired": (parts) =>
    `${possessive(orSomeone(parts.target))} ${roles(parts.details.role ? [parts.details.role] : [])} role expired and was removed`,
  "member.role_expiry_kept": (parts) =>
    `${possessive(orSomeone(parts.target))} Admin role expired but was kept: the company has no other Admin`,
  "member.deactivated_for_inactivity": ({ target }) =>
    `${orSomeone(target)} was deactivated for inactivity by the system`,
  "invitation.created": ({ actor, email, details }) =>
    `${actor} invited ${orSomeone(email)} as ${roles(details.roles)}`,
  "invitation.create_refused": (parts) =>
    refused(`${possessive(parts.actor)} invitation of ${orSomeone(parts.email)}`)(parts),
  "invitation.resent": ({ actor, email }) => `${actor} resent the invitation to ${orSomeone(email)}`,
  "invitation.resend_refused": (parts) =>
    refused(`${possessive(parts.actor)} resending of the invitation to ${orSomeone(parts.email)}`)(parts),
  "invitation.revoked": ({ actor, email, details, reason }) =>
    details.reason === "inviter_lost_rights"
      ? `The invitation to ${orSomeone(email)} was revoked: ${reason}`
      : `${actor} revoked the invitation to ${orSomeone(email)}`,
  "invitation.revoke_refused": (parts) =>
    refused(`${possessive(parts.actor)} revoking of the invitation to ${orSomeone(parts.email)}`)(parts),
  "invitation.accepted": ({ actor, email, details }) =>
    `${actor === "The system" ? orSomeone(email) : actor} accepted the invitation and joined as ${roles(details.roles)}`,
  "invitation.accept_refused": (parts) =>
    refused(`Accepting the invitation to ${orSomeone(parts.email)}`)(parts),
  "invitation.accept_failed": ({ email, reason }) =>
    email === ""
      ? `An invitation link could not be used: ${reason}`
      : `The invitation link to ${email} could not be used: ${reason}`,
  "invitation.expired": ({ email }) => `The invitation to ${orSomeone(email)} expired`,
  "role.created": (parts) => `${parts.actor} created the role ${roleName(parts)}`,
  "role.create_refused": (parts) =>
    refused(
      `${possessive(parts.actor)} creation of a role${typeof parts.details.name === "string" ? ` ${parts.details.name}` : ""}`,
    )(parts),
  "role.updated": (parts) => {
    const [before, after] = beforeAfter(parts.details, "name");
    return typeof before === "string" && typeof after === "string" && before !== after
      ? `${parts.actor} renamed the role ${before} to ${after}`
      : `${parts.actor} changed the role ${roleName(parts)}`;
  },
  "role.update_refused": (parts) =>
    refused(`${possessive(parts.actor)} change of the role ${roleName(parts)}`)(parts),
  "role.deleted": (parts) => `${parts.actor} deleted the role ${roleName(parts)}`,
  "role.delete_refused": (parts) =>
    refused(`${possessive(parts.actor)} deletion of the role ${roleName(parts)}`)(parts),
  "auth.login_succeeded": ({ actor }) => `${actor} logged in`,
  "auth.login_failed": ({ email, details }) =>
    `Login failed for ${orSomeone(email)}: ${details.accountExists === false ? "no account with this email" : "wrong password"}`,
  "auth.login_refused": ({ actor, email, reason }) =>
    `Login refused for ${actor === "The system" ? orSomeone(email) : actor}: ${reason}`,
  "auth.login_locked": ({ email }) => `Login for ${orSomeone(email)} was locked after repeated failures`,
  "auth.login_rate_limited": ({ email }) => `Login attempts for ${orSomeone(email)} were rate limited`,
  "auth.login_unlocked": ({ actor, target }) =>
    `${actor === "The system" ? orSomeone(target) : actor} unlocked login on a browser with the emailed link`,
  "auth.unlock_link_failed": ({ reason }) => `A login unlock link could not be used: ${reason}`,
  "auth.logout": ({ actor }) => `${actor} logged out`,
  "step_up.code_sent": ({ actor }) => `${actor} was sent a verification code`,
  "step_up.verified": ({ actor }) => `${actor} passed email verification`,
  "step_up.passkey_requested": ({ actor }) => `${actor} was asked to verify with a passkey`,
  "passkey.registered": ({ actor }) => `${actor} added a passkey`,
  "passkey.register_refused": (parts) => refused(`Adding a passkey for ${parts.actor}`)(parts),
  "step_up.failed": ({ actor, reason }) => `${possessive(actor)} email verification failed: ${reason}`,
  "step_up.code_refused": (parts) => refused(`A verification code for ${parts.actor}`)(parts),
  "step_up.locked": ({ actor }) =>
    `${possessive(actor)} email verification was locked after too many wrong codes`,
  "password.changed": ({ actor }) => `${actor} changed their password`,
  "password.change_refused": (parts) => refused(`${possessive(parts.actor)} password change`)(parts),
  "password.reset_requested": ({ email }) => `A password reset was requested for ${orSomeone(email)}`,
  "password.reset": ({ actor, target }) =>
    `${actor === "The system" ? orSomeone(target) : actor} reset their password with the emailed link`,
  "password.reset_failed": ({ reason }) => `A password reset link could not be used: ${reason}`,
  "alternate_email.code_sent": ({ actor }) => `${actor} was sent a code to confirm an alternate email`,
  "alternate_email.changed": ({ actor }) => `${actor} changed their alternate email`,
  "alternate_email.failed": ({ actor, reason }) =>
    `${possessive(actor)} alternate email confirmation failed: ${reason}`,
  "alternate_email.code_refused": (parts) => refused(`An alternate email code for ${parts.actor}`)(parts),
  "alternate_email.locked": ({ actor }) =>
    `${possessive(actor)} alternate email confirmation was locked after too many wrong codes`,
  "session.ended": ({ actor }) => `${actor} ended one of their sessions`,
  "access.denied": (parts) => refused(`${possessive(parts.actor)} request`)(parts),
  "security.rate_limited": () => "A request was refused: too many requests",
  "security.csrf_rejected": ({ actor }) =>
    `A request from another site carrying ${possessive(actor)} session was refused`,
  "security.input_rejected": ({ actor }) => `${possessive(actor)} request with invalid fields was refused`,
  "security.policy_changed": ({ actor }) => `${actor} changed the company's security policy`,
  "sso.settings_changed": ({ actor }) => `${actor} changed the company's single sign-on settings`,
  "sso.settings_change_refused": (parts) =>
    refused(`${possessive(parts.actor)} change of the single sign-on settings`)(parts),
  "sso.login_refused": ({ email, reason }) =>
    `Single sign-on login refused for ${orSomeone(email)}: ${reason}`,
  "sso.member_joined": ({ actor, email, details }) =>
    `${actor === "The system" ? orSomeone(email) : actor} joined through single sign-on as ${roles(details.roles)}`,
  "sso.roles_applied": ({ actor, details }) => {
    const [before, after] = beforeAfter(details, "roles");
    return `${possessive(actor)} roles were set from their identity provider groups: from ${roles(before)} to ${roles(after)}`;
  },
  "sso.roles_apply_refused": (parts) =>
    refused(`Applying identity provider groups to ${possessive(parts.actor)} roles`)(parts),
  "auth.password_login_refused_sso": ({ email }) =>
    `Password login refused for ${orSomeone(email)}: the company requires single sign-on`,
  "domain.added": ({ actor, details }) => `${actor} added the domain ${textOf(details.domain) || "a domain"}`,
  "domain.verified": ({ actor, details }) =>
    `${actor} verified the domain ${textOf(details.domain) || "a domain"}`,
  "domain.verification_failed": ({ actor, details }) =>
    `${possessive(actor)} verification of the domain ${textOf(details.domain) || "a domain"} failed: ${
      details.reason === "domain_taken" ? "another company has verified it" : "its TXT record was not found"
    }`,
  "domain.removed": ({ actor, details }) =>
    `${actor} removed the domain ${textOf(details.domain) || "a domain"}`,
  "scim.token_created": ({ actor, details }) =>
    `${actor} created the SCIM token ${textOf(details.name) || "without a name"}`,
  "scim.token_revoked": ({ actor, details }) =>
    `${actor} revoked the SCIM token ${textOf(details.name) || "without a name"}`,
  "scim.user_created": ({ actor, target, email }) =>
    `${actor} provisioned ${orSomeone(target || email)} as a new member`,
  "scim.user_linked": ({ actor, target, email }) =>
    `${actor} linked ${orSomeone(target || email)} to the identity provider`,
  "scim.request_refused": (parts) => refused(`A SCIM request of ${parts.actor}`)(parts),
  "webhook.endpoint_created": ({ actor, details }) => `${actor} added ${endpoint(details)}`,
  "webhook.endpoint_updated": ({ actor, details }) => `${actor} changed ${endpoint(details)}`,
  "webhook.endpoint_deleted": ({ actor, details }) => `${actor} deleted ${endpoint(details)}`,
  "webhook.secret_rotated": ({ actor, details }) =>
    `${actor} rotated the signing secret of ${endpoint(details)}`,
  "webhook.redelivery_requested": ({ actor, details }) =>
    `${actor} sent a webhook event to ${endpoint(details)} again`,
  "webhook.endpoint_disabled": ({ details }) =>
    `${capitalized(endpoint(details))} was disabled after 3 days of failed deliveries`,
  "security.access_review_started": ({ actor }) => `${actor} started an access review`,
  "security.access_review_decided": ({ actor, target, details }) =>
    `${actor} decided to ${typeof details.decision === "string" ? details.decision : "review"} ${possessive(orSomeone(target))} access in an access review`,
  "security.access_review_completed": ({ actor }) => `${actor} completed an access review`,
  "security.access_review_report_exported": ({ actor }) =>
    `${actor} downloaded an access review's attestation`,
  "audit.exported": ({ actor }) => `${actor} downloaded the audit log`,
  "audit.partition_dropped": ({ details }) =>
    `Audit events of ${typeof details.month === "string" ? details.month : "a month"} were removed after the retention period`,
  "transactions.exported": ({ actor }) => `${actor} downloaded transactions`,
  "settlements.exported": ({ actor }) => `${actor} downloaded settlements`,
  "auth.second_step_required": ({ actor }) =>
    `${actor} entered the right password; a second factor was asked`,
  "auth.second_step_failed": ({ actor, reason }) =>
    `${possessive(actor)} second-factor code at login was refused${reason ? `: ${reason}` : ""}`,
  "auth.second_step_ended": ({ actor }) =>
    `${possessive(actor)} login ended after too many wrong second-factor codes`,
  "step_up.factor_requested": ({ actor }) => `${actor} was asked to verify with their authenticator app`,
  "mfa.totp_enrolment_started": ({ actor }) => `${actor} started setting up an authenticator app`,
  "mfa.totp_confirmed": ({ actor }) => `${actor} added an authenticator app`,
  "mfa.totp_confirm_failed": ({ actor }) => `${actor} entered a wrong code while adding an authenticator app`,
  "mfa.factor_renamed": ({ actor }) => `${actor} renamed a second factor`,
  "mfa.factor_removed": ({ actor }) => `${actor} removed a second factor`,
  "mfa.factor_remove_refused": ({ actor }) =>
    `${possessive(actor)} removal of their last second factor was refused: a company requires two-factor authentication`,
  "mfa.recovery_codes_generated": ({ actor }) => `${actor} generated new recovery codes`,
  "mfa.recovery_code_used": ({ actor }) => `${actor} logged in with a recovery code`,
  "mfa.reset_by_operator": ({ target }) =>
    `The operator reset the second factors of ${target === "" ? "an account" : target}`,
  "company.created": ({ actor, details }) =>
    `${actor} created the company${typeof details.name === "string" ? ` ${details.name}` : ""}`,
};

function textOf(value: unknown): string {
  return typeof value === "string" ? value : "";
}

export function describeAuditActor(actor: AuditEventParts["actor"]): string {
  if (actor === null) return "The system";
  return actor.name || actor.email || "Someone";
}

function partsOf(event: Pick<AuditEventParts, "actor" | "target" | "details">): SentenceParts {
  const details = isRecord(event.details) ? event.details : {};
  const email = textOf(details.email) || textOf(details.invitedEmail) || textOf(event.target?.email);
  // A change made through SCIM has no person behind it: the token's name says which provider.
  const scimClient = event.actor === null ? textOf(details.scimClient) : "";
  return {
    actor: scimClient === "" ? describeAuditActor(event.actor) : `SCIM token "${scimClient}"`,
    target: textOf(event.target?.name) || textOf(event.target?.email) || textOf(details.email),
    email,
    reason: reasonWords(details.reason),
    details,
  };
}

/** The event as a sentence; an action this client does not know (a newer server) says what it can. */
export function describeAuditEvent(event: AuditEventParts): string {
  const parts = partsOf(event);
  const write = Object.hasOwn(AUDIT_SENTENCES, event.action)
    ? AUDIT_SENTENCES[event.action as AuditAction]
    : undefined;
  const sentence = write ? write(parts) : `${parts.actor}: ${event.action.replaceAll("_", " ")}`;
  return `${sentence}.`;
}
