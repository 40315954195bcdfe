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
  "security.policy_changed",
  "audit.exported",
  "transactions.exported",
  "settlements.exported",
  "company.created",
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export type AuditActionCategory = (typeof AUDIT_ACTION_CATEGORIES)[number];

/** Each category's heading in the audit log's action filter. */
export const AUDIT_CATEGORY_LABELS: Record<AuditActionCategory, string> = {
  member: "Members",
  invitation: "Invitations",
  role: "Roles",
  auth: "Logging in",
  step_up: "Verification",
  password: "Passwords",
  alternate_email: "Alternate email",
  session: "Sessions",
  access: "Access",
  security: "Security",
  audit: "Audit log",
  transactions: "Transactions",
  settlements: "Settlements",
  company: "Company",
};

/** What each action says to a reader of the log: its name in the action filter and beside a sentence. */
export const AUDIT_ACTION_LABELS: Record<AuditAction, string> = {
  "member.roles_changed": "Member's roles changed",
  "member.roles_change_refused": "Role change refused",
  "member.deactivated": "Member deactivated",
  "member.deactivate_refused": "Deactivation refused",
  "member.reactivated": "Member reactivated",
  "member.reactivate_refused": "Reactivation refused",
  "invitation.created": "Invitation sent",
  "invitation.create_refused": "Invitation refused",
  "invitation.resent": "Invitation resent",
  "invitation.resend_refused": "Resending an invitation refused",
  "invitation.revoked": "Invitation revoked",
  "invitation.revoke_refused": "Revoking an invitation refused",
  "invitation.accepted": "Invitation accepted",
  "invitation.accept_refused": "Accepting an invitation refused",
  "invitation.accept_failed": "Invitation link not valid",
  "invitation.expired": "Invitation expired",
  "role.created": "Role created",
  "role.create_refused": "Creating a role refused",
  "role.updated": "Role changed",
  "role.update_refused": "Changing a role refused",
  "role.deleted": "Role deleted",
  "role.delete_refused": "Deleting a role refused",
  "auth.login_succeeded": "Logged in",
  "auth.login_failed": "Login failed",
  "auth.login_refused": "Login refused: no active membership",
  "auth.login_locked": "Login locked after failures",
  "auth.login_rate_limited": "Login rate limited",
  "auth.login_unlocked": "Login unlocked on a browser by the emailed link",
  "auth.unlock_link_failed": "Login unlock link not valid",
  "auth.logout": "Logged out",
  "step_up.code_sent": "Verification code sent",
  "step_up.verified": "Email verification passed",
  "step_up.failed": "Wrong verification code",
  "step_up.code_refused": "Verification code not sent",
  "step_up.locked": "Email verification locked",
  "password.changed": "Password changed",
  "password.change_refused": "Password change refused",
  "password.reset_requested": "Password reset requested",
  "password.reset": "Password reset",
  "password.reset_failed": "Password reset link not valid",
  "alternate_email.code_sent": "Alternate email code sent",
  "alternate_email.changed": "Alternate email changed",
  "alternate_email.failed": "Wrong alternate email code",
  "alternate_email.code_refused": "Alternate email code not sent",
  "alternate_email.locked": "Alternate email verification locked",
  "session.ended": "Session ended",
  "access.denied": "Access denied",
  "security.rate_limited": "Rate limited",
  "security.csrf_rejected": "Cross-site request refused",
  "security.input_rejected": "Request with invalid fields refused",
  "security.policy_changed": "Security policy changed",
  "audit.exported": "Audit log exported",
  "transactions.exported": "Transactions downloaded",
  "settlements.exported": "Settlements downloaded",
  "company.created": "Company created",
};

export function auditActionCategory(action: AuditAction): AuditActionCategory {
  return action.slice(0, action.indexOf(".")) as AuditActionCategory;
}

/** What the audit log's `action` filter accepts: a category, or one action (`category.action`). */
export const AUDIT_ACTION_FILTER_PATTERN = "^[a-z_]+(\\.[a-z_]+)?$";
