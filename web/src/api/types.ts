// Request and response shapes of the HTTP API (SPEC §3) used by the web client.
// All API types live here so the file can be swapped for types generated from the server's OpenAPI.

/** The permission catalogue (SPEC §1). */
export type PermissionKey =
  | "account.view"
  | "company.view"
  | "transactions.view"
  | "transactions.download"
  | "settlements.view"
  | "settlements.download"
  | "members.view"
  | "members.invite"
  | "members.edit_roles"
  | "members.deactivate"
  | "roles.manage"
  | "audit.view"
  | "developer_center.view"
  | "insights.view";

export type MembershipStatus = "active" | "deactivated";

/** A role as listed on a membership; `key` names a predefined role (e.g. `admin`). */
export interface RoleSummary {
  id: string;
  key: string | null;
  name: string;
}

export interface Account {
  id: string;
  email: string;
  name: string;
  alternateEmail: string | null;
}

export interface Membership {
  companyId: string;
  companyName: string;
  status: MembershipStatus;
  roles: RoleSummary[];
  permissions: string[];
}

/** `GET /api/me`, also the body of a successful `POST /api/auth/login`. */
export interface Me {
  account: Account;
  memberships: Membership[];
}

export interface LoginRequest {
  email: string;
  password: string;
}

/** An item of `GET /api/companies`. */
export interface CompanySummary {
  id: string;
  name: string;
  status: MembershipStatus;
  roles: RoleSummary[];
  permissions: string[];
}

export interface CompanyList {
  items: CompanySummary[];
}

/** `GET /api/companies/{cid}` (`company.view`). */
export interface CompanyInfo {
  id: string;
  name: string;
  legalName: string;
  registrationNumber: string;
  country: string;
  address: string;
}

/** `GET /api/companies/{cid}/account` (`account.view`). */
export interface MerchantAccount {
  merchantId: string;
  status: string;
  settlementCurrency: string;
  contactEmail: string;
}

/** The body of every error response. Codes may carry details, e.g. `{ attemptsLeft: 4 }`. */
export interface ApiErrorBody {
  error: {
    code: string;
    message: string;
    details?: Record<string, unknown>;
    [field: string]: unknown;
  };
}

/**
 * A code mailed for verification: `201` of `POST /api/verification/step-up` (to the account's
 * alternate email, else its primary one) and of `POST /api/me/alternate-email` (to the new address).
 */
export interface EmailCodeChallenge {
  challengeId: string;
  /** The address the code went to, masked by the server (e.g. `j***@example.com`). */
  sentTo: string;
  /** ISO 8601; the code stops working then. */
  expiresAt: string;
  /** ISO 8601; a new code may not be requested earlier. */
  resendAvailableAt: string;
}

/** `POST /api/verification/step-up/{challengeId}/verify`. */
export interface StepUpVerifyRequest {
  code: string;
}

/** `200` of `POST /api/verification/step-up/{challengeId}/verify`: the session passed step-up until then. */
export interface StepUpVerification {
  verifiedUntil: string;
}

/** `POST /api/me/alternate-email` (needs step-up). */
export interface AlternateEmailRequest {
  email: string;
}

/** `POST /api/me/alternate-email/verify`. */
export interface AlternateEmailConfirmRequest {
  challengeId: string;
  code: string;
}

/** `200` of `POST /api/me/alternate-email/verify`. */
export interface AlternateEmailConfirmation {
  alternateEmail: string;
}

/** `POST /api/me/password` → `204`. */
export interface PasswordChangeRequest {
  currentPassword: string;
  newPassword: string;
}

/** An item of `GET /api/me/sessions`: one of the caller's own sessions. */
export interface OwnSession {
  id: string;
  /** The session this request was made with. */
  current: boolean;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  ip: string | null;
  /** The browser's user agent as it logged in. */
  device: string | null;
}

export interface OwnSessionList {
  items: OwnSession[];
}

/** `POST /api/auth/password-reset` → always `202`. */
export interface PasswordResetRequest {
  email: string;
}

/** `POST /api/auth/password-reset/confirm` → `204`. */
export interface PasswordResetConfirmRequest {
  token: string;
  password: string;
}
