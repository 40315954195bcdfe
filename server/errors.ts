// The one catalogue of API error codes and the AppError every service throws.
// Routes never build error bodies themselves; the error handler in http/errors-plugin.ts does.

export const ERROR_CODES = {
  validation_failed: { status: 400, message: "The request is not valid." },
  bad_request: { status: 400, message: "The request could not be understood." },
  invalid_json: { status: 400, message: "The request body is not valid JSON." },
  password_rejected: { status: 400, message: "The password does not meet the password policy." },
  invalid_code: { status: 400, message: "The verification code is not correct." },
  passkey_rejected: {
    status: 400,
    message: "The passkey's answer could not be verified; start again.",
  },
  current_password_incorrect: { status: 400, message: "The current password is not correct." },
  reset_token_invalid: { status: 400, message: "This reset link is invalid or has expired." },
  unlock_link_invalid: { status: 400, message: "This unlock link is invalid, used or expired." },
  terms_not_accepted: { status: 400, message: "Accept the terms before sending the invitation." },
  invite_domain_not_allowed: {
    status: 400,
    message: "This company only invites emails at the domains its security policy lists.",
  },
  session_idle_out_of_range: {
    status: 400,
    message: "The session idle timeout is outside the range this portal allows.",
  },
  invalid_sso_settings: { status: 400, message: "The single sign-on settings are not valid." },
  invalid_invite_domain: { status: 400, message: "An invitation domain is not a valid domain name." },
  duplicate_invite_domain: { status: 400, message: "An invitation domain is listed twice." },
  too_many_invite_domains: { status: 400, message: "A company can list at most 50 invitation domains." },
  invalid_domain: { status: 400, message: "This is not a domain name." },
  webhook_url_invalid: {
    status: 400,
    message:
      "The webhook URL must be an absolute https URL (http too outside production) without credentials.",
  },
  webhook_url_not_allowed: {
    status: 400,
    message: "The webhook URL resolves to a private, loopback, link-local or metadata address.",
  },
  duplicate_in_batch: { status: 400, message: "This email is already listed earlier in the same batch." },
  unauthenticated: { status: 401, message: "You need to log in." },
  invalid_credentials: { status: 401, message: "Invalid email or password." },
  passkey_login_failed: { status: 401, message: "This passkey could not sign you in." },
  forbidden: { status: 403, message: "You do not have the permission this needs." },
  csrf_rejected: { status: 403, message: "Cross-site requests are not allowed." },
  account_deactivated: {
    status: 403,
    message:
      "Your access to every company on this portal has been deactivated. Ask an Admin of your company to reactivate you.",
  },
  self_modification: { status: 403, message: "You cannot change your own roles or deactivate yourself." },
  grant_exceeds_own: { status: 403, message: "You can only grant permissions you hold yourself." },
  step_up_required: { status: 403, message: "Verify your email before this action." },
  mfa_enrolment_required: {
    status: 403,
    message:
      "This company requires two-factor authentication. Set up a second factor on your profile's Security page.",
  },
  sso_required: {
    status: 403,
    message: 'Your company signs you in through its identity provider: use "Continue with SSO".',
  },
  sso_refused: { status: 403, message: "Single sign-on could not let you in." },
  not_found: { status: 404, message: "Not found." },
  sso_not_available: { status: 404, message: "Single sign-on is not set up for this email's domain." },
  method_not_allowed: { status: 405, message: "Method not allowed." },
  conflict: { status: 409, message: "The resource changed; reload and try again." },
  mfa_not_enrolled: { status: 409, message: "Set up a second factor first." },
  mfa_required_by_policy: {
    status: 409,
    message: "A company you belong to requires two-factor authentication: add another factor first.",
  },
  predefined_role: { status: 409, message: "Predefined roles cannot be changed or deleted." },
  passkey_already_registered: {
    status: 409,
    message: "This passkey is already registered to an account.",
  },
  role_name_taken: { status: 409, message: "A role with this name already exists in the company." },
  role_in_use: { status: 409, message: "The role is still assigned to members or pending invitations." },
  role_limit_reached: { status: 409, message: "The company has reached its limit of custom roles." },
  webhook_limit_reached: { status: 409, message: "The company has reached its limit of webhook endpoints." },
  last_admin: { status: 409, message: "The company must keep at least one active Admin." },
  member_active: {
    status: 409,
    message: "This member is active; deactivate them before removing them from the company.",
  },
  access_review_open: {
    status: 409,
    message: "An access review of this company is already open: complete it first.",
  },
  access_review_completed: {
    status: 409,
    message: "This access review is completed and can no longer change.",
  },
  access_review_undecided: {
    status: 409,
    message: "Decide keep, change or deactivate for every member before completing the review.",
  },
  already_member: { status: 409, message: "This email is already an active member of the company." },
  member_deactivated: {
    status: 409,
    message: "This email belongs to a deactivated member; reactivate them instead.",
  },
  invitation_pending: {
    status: 409,
    message: "This email already has a pending invitation; resend it instead.",
  },
  invitation_not_pending: {
    status: 409,
    message: "This invitation is no longer pending; send a new one if needed.",
  },
  invitation_limit_reached: {
    status: 409,
    message: "The company has reached its limit of pending invitations; revoke some first.",
  },
  email_mismatch: {
    status: 409,
    message: "This invitation is for another email address; log in as that address to accept it.",
  },
  invitation_expired: { status: 410, message: "This invitation has expired; ask for a new one." },
  invitation_revoked: { status: 410, message: "This invitation is no longer valid; ask for a new one." },
  invitation_used: { status: 410, message: "This invitation has already been accepted." },
  challenge_expired: { status: 410, message: "This verification code has expired; request a new one." },
  payload_too_large: { status: 413, message: "The request body is too large." },
  unsupported_media_type: { status: 415, message: "State-changing requests must send application/json." },
  rate_limited: { status: 429, message: "Too many requests; try again later." },
  too_many_attempts: { status: 429, message: "Too many wrong codes; request a new one." },
  invitation_rate_limited: {
    status: 429,
    message: "The company has sent too many invitations in the last hour; try again later.",
  },
  domain_already_added: { status: 409, message: "The company has already added this domain." },
  domain_limit_reached: { status: 409, message: "A company can add at most 20 domains." },
  domain_taken: { status: 409, message: "Another company has verified this domain." },
  domain_verification_failed: {
    status: 409,
    message: "The domain's TXT record was not found; publish it, then verify again.",
  },
  scim_token_limit_reached: {
    status: 409,
    message: "A company can have at most 10 active SCIM tokens; revoke one first.",
  },
  internal_error: { status: 500, message: "Something went wrong on our side." },
  service_unavailable: { status: 503, message: "The service is temporarily unavailable." },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

let stackTraceLimit = Error.stackTraceLimit;

/** `value`, with V8's stack capture off until the caller restores stackTraceLimit. */
function withoutStack<T>(value: T): T {
  stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  return value;
}

/**
 * An answer to the client, never a fault: the error handler turns it into its status and body and
 * logs nothing, so its stack is never read, and it captures none (in a refusal, capturing the stack
 * cost more than any other function of ours).
 */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: Record<string, unknown>,
    readonly headers?: Record<string, string>,
  ) {
    super(withoutStack(message ?? ERROR_CODES[code].message));
    Error.stackTraceLimit = stackTraceLimit;
    this.status = ERROR_CODES[code].status;
  }
}
