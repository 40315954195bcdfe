// An audit event as one sentence with the names people know ("Ada Admin changed Bo Lee's roles from
// Finance to Operations"), in the reader's language: the templates are the `audit` catalogue's
// `sentences`, keyed by action. Typed by the server's catalogue: an action added there does not
// compile here until it has its sentence.
import type { AuditAction } from "../../../../server/audit/actions.js";
import { type AuditText, englishAuditText } from "./auditText.js";
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
  isSystem: boolean;
  /** The member, account or role the event was done to, or the email the details name. */
  target: string;
  /** The email the details name (an invitee, a login's email), else the target's. */
  email: string;
  reason: string;
  details: Record<string, unknown>;
  text: AuditText;
  /** The action's sentence (or one of its variants, `<action>_<variant>`) with these values. */
  say: (values?: Record<string, unknown>, variant?: string) => string;
}

type Sentence = (parts: SentenceParts) => string;

const beforeAfter = (details: Record<string, unknown>, key: string): [unknown, unknown] => {
  const { before, after } = details;
  return [isRecord(before) ? before[key] : undefined, isRecord(after) ? after[key] : undefined];
};
const roles = ({ text }: SentenceParts, value: unknown) => listWords(roleNamesOf(value, text) ?? [], text);
const roleName = ({ target, details, text }: SentenceParts) => {
  if (target !== "") return target;
  if (typeof details.name === "string") return details.name;
  const [before] = beforeAfter(details, "name");
  return typeof before === "string" ? before : text("words.aRole");
};
const endpoint = ({ details, text }: SentenceParts) =>
  typeof details.url === "string" && details.url !== ""
    ? text("words.theEndpoint", { url: details.url })
    : text("words.anEndpoint");
const domain = ({ details, text }: SentenceParts) => textOf(details.domain) || text("words.aDomain");
const token = ({ details, text }: SentenceParts) => textOf(details.name) || text("words.withoutName");
const plain: Sentence = (parts) => parts.say();
const withRoles: Sentence = (parts) => parts.say({ roles: roles(parts, parts.details.roles) });
const beforeAndAfterRoles: Sentence = (parts) => {
  const [before, after] = beforeAfter(parts.details, "roles");
  return parts.say({ before: roles(parts, before), after: roles(parts, after) });
};
const aboutRole: Sentence = (parts) => parts.say({ role: roleName(parts) });
const aboutDomain: Sentence = (parts) => parts.say({ domain: domain(parts) });
const aboutToken: Sentence = (parts) => parts.say({ token: token(parts) });
const aboutEndpoint: Sentence = (parts) => parts.say({ endpoint: endpoint(parts) });

export const AUDIT_SENTENCES: Record<AuditAction, Sentence> = {
  "member.roles_changed": (parts) => {
    const [before, after] = beforeAfter(parts.details, "roles");
    const values = { before: roles(parts, before), after: roles(parts, after) };
    // A change of merchant accounts (SPEC §6.4) carries the scope before and after.
    const [, scope] = beforeAfter(parts.details, "scope");
    if (!isRecord(scope)) return parts.say(values);
    if (scope.kind === "all") return parts.say(values, "all_accounts");
    const accounts = Array.isArray(scope.merchantAccountIds) ? scope.merchantAccountIds.length : 0;
    return parts.say({ ...values, accounts }, "chosen_accounts");
  },
  "member.roles_change_refused": plain,
  "member.deactivated": plain,
  "member.deactivate_refused": plain,
  "member.reactivated": plain,
  "member.reactivate_refused": plain,
  "member.removed": (parts) =>
    parts.say({
      removed: orSomeone(
        parts.target || (typeof parts.details.name === "string" ? parts.details.name : parts.email),
        parts.text,
      ),
    }),
  "member.remove_refused": plain,
  "member.list_exported": plain,
  "member.account_deleted": plain,
  "member.account_delete_refused": plain,
  "member.role_expired": (parts) =>
    parts.say({ role: roles(parts, parts.details.role ? [parts.details.role] : []) }),
  "member.role_expiry_kept": plain,
  "member.deactivated_for_inactivity": plain,
  "invitation.created": withRoles,
  "invitation.create_refused": plain,
  "invitation.resent": plain,
  "invitation.resend_refused": plain,
  "invitation.revoked": (parts) =>
    parts.details.reason === "inviter_lost_rights" ? parts.say({}, "inviter_lost_rights") : parts.say(),
  "invitation.revoke_refused": plain,
  "invitation.accepted": withRoles,
  "invitation.accept_refused": plain,
  "invitation.accept_failed": (parts) => (parts.email === "" ? parts.say({}, "no_email") : parts.say()),
  "invitation.expired": plain,
  "role.created": aboutRole,
  "role.create_refused": (parts) =>
    typeof parts.details.name === "string" ? parts.say({ role: parts.details.name }, "named") : parts.say(),
  "role.updated": (parts) => {
    const [before, after] = beforeAfter(parts.details, "name");
    return typeof before === "string" && typeof after === "string" && before !== after
      ? parts.say({ before, after }, "renamed")
      : parts.say({ role: roleName(parts) });
  },
  "role.update_refused": aboutRole,
  "role.deleted": aboutRole,
  "role.delete_refused": aboutRole,
  "auth.login_succeeded": plain,
  "auth.login_failed": (parts) =>
    parts.details.accountExists === false ? parts.say({}, "no_account") : parts.say(),
  "auth.login_refused": plain,
  "auth.login_locked": plain,
  "auth.login_rate_limited": plain,
  "auth.login_unlocked": plain,
  "auth.unlock_link_failed": plain,
  "auth.logout": plain,
  "step_up.code_sent": plain,
  "step_up.verified": plain,
  "step_up.passkey_requested": plain,
  "passkey.registered": plain,
  "passkey.register_refused": plain,
  "step_up.failed": plain,
  "step_up.code_refused": plain,
  "step_up.locked": plain,
  "password.changed": plain,
  "password.change_refused": plain,
  "password.reset_requested": plain,
  "password.reset": plain,
  "password.reset_failed": plain,
  "alternate_email.code_sent": plain,
  "alternate_email.changed": plain,
  "alternate_email.failed": plain,
  "alternate_email.code_refused": plain,
  "alternate_email.locked": plain,
  "session.ended": plain,
  "profile.preferences_changed": plain,
  "access.denied": plain,
  "security.rate_limited": plain,
  "security.csrf_rejected": plain,
  "security.input_rejected": plain,
  "security.policy_changed": plain,
  "sso.settings_changed": plain,
  "sso.settings_change_refused": plain,
  "sso.login_refused": plain,
  "sso.member_joined": withRoles,
  "sso.roles_applied": beforeAndAfterRoles,
  "sso.roles_apply_refused": plain,
  "auth.password_login_refused_sso": plain,
  "domain.added": aboutDomain,
  "domain.verified": aboutDomain,
  "domain.verification_failed": (parts) =>
    parts.say({ domain: domain(parts) }, parts.details.reason === "domain_taken" ? "taken" : undefined),
  "domain.removed": aboutDomain,
  "scim.token_created": aboutToken,
  "scim.token_revoked": aboutToken,
  "scim.user_created": plain,
  "scim.user_linked": plain,
  "scim.request_refused": plain,
  "webhook.endpoint_created": aboutEndpoint,
  "webhook.endpoint_updated": aboutEndpoint,
  "webhook.endpoint_deleted": aboutEndpoint,
  "webhook.secret_rotated": aboutEndpoint,
  "webhook.redelivery_requested": aboutEndpoint,
  "webhook.endpoint_disabled": (parts) =>
    typeof parts.details.url === "string" && parts.details.url !== ""
      ? parts.say({ url: parts.details.url })
      : parts.say({}, "unnamed"),
  "security.access_review_started": plain,
  "security.access_review_decided": (parts) => {
    const decision = typeof parts.details.decision === "string" ? parts.details.decision : "review";
    return parts.say({
      decision: parts.text(`decisions.${decision}`, { defaultValue: decision }),
    });
  },
  "security.access_review_completed": plain,
  "security.access_review_report_exported": plain,
  "audit.exported": plain,
  "audit.partition_dropped": (parts) =>
    parts.say({
      month: typeof parts.details.month === "string" ? parts.details.month : parts.text("words.aMonth"),
    }),
  "transactions.exported": plain,
  "settlements.exported": plain,
  "auth.second_step_required": plain,
  "auth.second_step_failed": plain,
  "auth.second_step_ended": plain,
  "step_up.factor_requested": plain,
  "mfa.totp_enrolment_started": plain,
  "mfa.totp_confirmed": plain,
  "mfa.totp_confirm_failed": plain,
  "mfa.factor_renamed": plain,
  "mfa.factor_removed": plain,
  "mfa.factor_remove_refused": plain,
  "mfa.recovery_codes_generated": plain,
  "mfa.recovery_code_used": plain,
  "mfa.reset_by_operator": (parts) =>
    parts.say({ account: parts.target === "" ? parts.text("words.anAccount") : parts.target }),
  "company.created": (parts) =>
    typeof parts.details.name === "string"
      ? parts.say({ company: parts.details.name }, "named")
      : parts.say(),
};

function textOf(value: unknown): string {
  return typeof value === "string" ? value : "";
}

function orSomeone(value: string, text: AuditText): string {
  return value === "" ? text("words.someone") : value;
}

export function describeAuditActor(
  actor: AuditEventParts["actor"],
  text: AuditText = englishAuditText,
): string {
  if (actor === null) return text("words.theSystem");
  return actor.name || actor.email || text("words.Someone");
}

function partsOf(event: AuditEventParts, text: AuditText): SentenceParts {
  const details = isRecord(event.details) ? event.details : {};
  const email = textOf(details.email) || textOf(details.invitedEmail) || textOf(event.target?.email);
  // A change made through SCIM has no person behind it: the token's name says which provider.
  const scimClient = event.actor === null ? textOf(details.scimClient) : "";
  const actor =
    scimClient === "" ? describeAuditActor(event.actor, text) : text("words.scimToken", { name: scimClient });
  const isSystem = event.actor === null && scimClient === "";
  const target = textOf(event.target?.name) || textOf(event.target?.email) || textOf(details.email);
  const reason = reasonWords(details.reason, text);
  // Every sentence may name these; "someone" stands in for a name the event does not have.
  const values = {
    actor,
    target: orSomeone(target, text),
    email: orSomeone(email, text),
    reason,
    actorOrEmail: isSystem ? orSomeone(email, text) : actor,
    actorOrTarget: isSystem ? orSomeone(target, text) : actor,
    targetOrEmail: orSomeone(target || email, text),
  };
  return {
    actor,
    isSystem,
    target,
    email,
    reason,
    details,
    text,
    say: (extra = {}, variant) =>
      text(`sentences.${event.action}${variant === undefined ? "" : `_${variant}`}`, { ...values, ...extra }),
  };
}

/**
 * The event as a sentence in the language of `text` (English by default); an action this client
 * does not know (a newer server) says what it can.
 */
export function describeAuditEvent(event: AuditEventParts, text: AuditText = englishAuditText): string {
  const parts = partsOf(event, text);
  const write = Object.hasOwn(AUDIT_SENTENCES, event.action)
    ? AUDIT_SENTENCES[event.action as AuditAction]
    : undefined;
  const sentence = write
    ? write(parts)
    : text("words.unknownAction", { actor: parts.actor, action: event.action.replaceAll("_", " ") });
  return text("words.sentenceEnd", { sentence });
}
