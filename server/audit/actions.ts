// The catalogue of audit actions (rule 11): every event the server records is named here, and the
// writer takes no other name. The web's audit log imports it for its action filter and its words.

/** What an action's name starts with; the audit log's `action` filter accepts one to match all of it. */
export const AUDIT_ACTION_CATEGORIES = [
  "member",
  "invitation",
  "role",
  "auth",
  "step_up",
  "password",
  "alternate_email",
  "session",
  "access",
  "security",
  "audit",
  "transactions",
  "settlements",
  "company",
] as const;

/**
 * The categories whose events concern a person's account itself (signing in, password, alternate
 * email, sessions, verification), not a company: the person sees them on their profile.
 */
export const ACCOUNT_AUDIT_CATEGORIES = [
  "auth",
  "step_up",
  "password",
  "alternate_email",
  "session",
] as const satisfies readonly (typeof AUDIT_ACTION_CATEGORIES)[number][];

export const AUDIT_ACTIONS = [
  "member.roles_changed",
  "member.roles_change_refused",
  "member.deactivated",
  "member.deactivate_refused",
  "member.reactivated",
  "member.reactivate_refused",
  "invitation.created",
  "invitation.create_refused",
  "invitation.resent",
  "invitation.resend_refused",
  "invitation.revoked",
  "invitation.revoke_refused",
  "invitation.accepted",
  "invitation.accept_refused",
  "invitation.accept_failed",
  "invitation.expired",
  "role.created",
  "role.create_refused",
  "role.updated",
  "role.update_refused",
  "role.deleted",
  "role.delete_refused",
  "auth.login_succeeded",
  "auth.login_failed",
  "auth.login_refused",
  "auth.login_locked",
  "auth.login_rate_limited",
  "auth.login_unlocked",
  "auth.unlock_link_failed",
  "auth.logout",
  "step_up.code_sent",
  "step_up.verified",
  "step_up.failed",
  "step_up.code_refused",
  "step_up.locked",
  "password.changed",
  "password.change_refused",
  "password.reset_requested",
  "password.reset",
  "password.reset_failed",
  "alternate_email.code_sent",
  "alternate_email.changed",
  "alternate_email.failed",
  "alternate_email.code_refused",
  "alternate_email.locked",
  "session.ended",
  "access.denied",
  "security.rate_limited",
  "security.csrf_rejected",
  "security.input_rejected",
  "audit.exported",
  "transactions.exported",
  "settlements.exported",
  "company.created",
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** What the audit log's `action` filter accepts: a category, or one action (`category.action`). */
export const AUDIT_ACTION_FILTER_PATTERN = "^[a-z_]+(\\.[a-z_]+)?$";
