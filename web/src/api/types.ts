// Request and response shapes of the HTTP API (SPEC §3) used by the web client.
// All API types live here so the file can be swapped for types generated from the server's OpenAPI.
import type { components, paths } from "./schema";

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
 * alternate email, else its primary one) and of `POST /api/me/alternate-email` (to the new address):
 * `sentTo` masked by the server (e.g. `j***n@example.com`), `sentAt`, `expiresAt` and
 * `resendAvailableAt` as ISO 8601.
 */
export type EmailCodeChallenge = OkBody<paths["/api/verification/step-up"]["post"]>;

/**
 * `POST /api/verification/step-up`: `companyId` is the company whose action needs the step-up;
 * without `resend`, a pending code of this session comes back instead of a new one.
 */
export type StepUpRequest = RequestOf<paths["/api/verification/step-up"]["post"]>;

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

/** A page of `GET /api/me/audit-events`: the caller's own account events, newest first. */
export type AccountAuditEventPage = OkBody<paths["/api/me/audit-events"]["get"]>;
export type AccountAuditEvent = AccountAuditEventPage["items"][number];

/** `POST /api/auth/password-reset` → always `202`. */
export interface PasswordResetRequest {
  email: string;
}

/** `POST /api/auth/password-reset/confirm` → `204`. */
export interface PasswordResetConfirmRequest {
  token: string;
  password: string;
}

// Portal sections and roles: derived from the generated OpenAPI types (schema.d.ts), so a changed
// server field breaks the build here rather than at run time.

type JsonBody<Response> = Response extends { content: { "application/json": infer Body } } ? Body : never;
/** The JSON body of an operation's 200 (or 201) answer. */
type OkBody<Operation> = Operation extends { responses: { 200: infer Response } }
  ? JsonBody<Response>
  : Operation extends { responses: { 201: infer Response } }
    ? JsonBody<Response>
    : never;
type QueryOf<Operation> = Operation extends { parameters: { query?: infer Query } }
  ? NonNullable<Query>
  : never;
type RequestOf<Operation> = Operation extends { requestBody: { content: { "application/json": infer Body } } }
  ? Body
  : never;

type TransactionsOperation = paths["/api/companies/{cid}/transactions"]["get"];
/** A page of `GET /api/companies/{cid}/transactions` (`transactions.view`). */
export type TransactionPage = OkBody<TransactionsOperation>;
export type Transaction = TransactionPage["items"][number];
/** The filters shared by the list and `…/transactions/export` (ISO 8601 `from` inclusive, `to` exclusive). */
export type TransactionFilters = QueryOf<paths["/api/companies/{cid}/transactions/export"]["get"]>;
export type TransactionStatus = NonNullable<TransactionFilters["status"]>;
export type PaymentMethod = NonNullable<TransactionFilters["paymentMethod"]>;

type LoginUnlockOperation = paths["/api/auth/login-unlock"]["post"];
/** `POST /api/auth/login-unlock`: redeems an emailed unlock link for this browser. */
export type LoginUnlockRequest = RequestOf<LoginUnlockOperation>;
export type LoginUnlock = OkBody<LoginUnlockOperation>;

/** A page of `GET /api/companies/{cid}/settlements` (`settlements.view`). */
export type SettlementPage = OkBody<paths["/api/companies/{cid}/settlements"]["get"]>;
export type Settlement = SettlementPage["items"][number];
export type SettlementFilters = QueryOf<paths["/api/companies/{cid}/settlements/export"]["get"]>;
export type SettlementStatus = NonNullable<SettlementFilters["status"]>;

/** `GET /api/companies/{cid}/developer-center` (`developer_center.view`). */
export type DeveloperCenter = OkBody<paths["/api/companies/{cid}/developer-center"]["get"]>;
export type ApiKey = DeveloperCenter["apiKeys"][number];
export type Webhook = DeveloperCenter["webhooks"][number];

/** `GET /api/companies/{cid}/insights` (`insights.view`); rates are fractions (0.97), null without data. */
export type Insights = OkBody<paths["/api/companies/{cid}/insights"]["get"]>;
export type InsightsQuery = QueryOf<paths["/api/companies/{cid}/insights"]["get"]>;
export type PaymentMethodPerformance = Insights["byPaymentMethod"][number];
export type ErrorReportEntry = Insights["errors"][number];
export type DailyVolume = Insights["daily"][number];

/** An item of `GET /api/permissions`: the catalogue with the UI's labels and descriptions. */
export type PermissionDescription = OkBody<paths["/api/permissions"]["get"]>["items"][number];
export type PermissionCatalogue = OkBody<paths["/api/permissions"]["get"]>;

/** A predefined or custom role of a company (`GET /api/companies/{cid}/roles`). */
export type Role = components["schemas"]["Role"];
export type RoleList = OkBody<paths["/api/companies/{cid}/roles"]["get"]>;
/** `POST /api/companies/{cid}/roles` (`roles.manage` + step-up) → `201` Role. */
export type RoleCreateRequest = RequestOf<paths["/api/companies/{cid}/roles"]["post"]>;
/** `PATCH /api/companies/{cid}/roles/{roleId}` (`roles.manage` + step-up) → Role. */
export type RoleUpdateRequest = RequestOf<paths["/api/companies/{cid}/roles/{roleId}"]["patch"]>;

// Members, invitations and the audit log: written by hand after server/{members,invitations,audit}/
// routes.ts until schema.d.ts is regenerated with those routes.

/** A page of a keyset-paginated collection (SPEC §3); `totalExact: false` means "at least `total`". */
export interface CollectionPage<Item> {
  items: Item[];
  total: number;
  totalExact: boolean;
  nextCursor: string | null;
}

/** An item of `GET /api/companies/{cid}/members` (`members.view`), also the answer of every member change. */
export interface Member {
  id: string;
  accountId: string;
  email: string;
  name: string;
  roles: RoleSummary[];
  status: MembershipStatus;
  joinedAt: string;
  lastActiveAt: string | null;
  /** Sent back with a change; a member changed since answers `409 conflict`. */
  version: number;
}

export type MemberPage = CollectionPage<Member>;

/** The member list's search: `email` a case-insensitive substring, `role` a role id or predefined key. */
export interface MemberFilters {
  email?: string;
  role?: string;
  status?: MembershipStatus;
}

/** `PUT /api/companies/{cid}/members/{memberId}/roles` (`members.edit_roles` + step-up) → Member. */
export interface MemberRolesChangeRequest {
  roleIds: string[];
  version: number;
}

/** `POST …/members/{memberId}/deactivate` and `…/reactivate` (`members.deactivate` + step-up) → Member. */
export interface MemberStatusChangeRequest {
  version?: number;
}

export type InvitationStatus = "pending" | "accepted" | "revoked" | "expired";

/** An invitation as the company sees it (`members.invite`); never its token. */
export interface Invitation {
  id: string;
  email: string;
  roles: RoleSummary[];
  status: InvitationStatus;
  expiresAt: string;
  invitedBy: { accountId: string; name: string; email: string } | null;
  createdAt: string;
  lastSentAt: string;
}

export type InvitationPage = CollectionPage<Invitation>;

/** `POST /api/companies/{cid}/invitations` (`members.invite` + step-up) → `201` Invitation. */
export interface InvitationRequest {
  email: string;
  roleIds: string[];
  acceptTerms: boolean;
}

/** `GET /api/invitations/{token}` (public): what the link offers. */
export interface PublicInvitation {
  companyName: string;
  email: string;
  roles: RoleSummary[];
  invitedBy: { name: string; email: string } | null;
  expiresAt: string;
  /** An account exists for the invited email: it accepts with its session or password. */
  accountExists: boolean;
}

/** `POST /api/invitations/{token}/accept`: `{name, password}` (new person), `{password}`, or `{}` (session). */
export interface InvitationAcceptRequest {
  name?: string;
  password?: string;
}

/** `200` of `POST /api/invitations/{token}/accept`: the person is logged in (as `me`) and a member. */
export interface InvitationAcceptance {
  companyId: string;
  me: Me;
}

export type AuditOutcome = "success" | "denied" | "failure";

/** An item of `GET /api/companies/{cid}/audit-events` (`audit.view`), newest first. */
export interface AuditEvent {
  id: string;
  occurredAt: string;
  action: string;
  outcome: AuditOutcome;
  actor: { accountId: string; email: string | null } | null;
  target: { type: string; id: string } | null;
  details: Record<string, unknown>;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

export type AuditEventPage = CollectionPage<AuditEvent>;

/** Filters of the audit log and its CSV export: `action` exact (`member.deactivated`) or a category
 * (`member`), `actor` an account id or email, `from` inclusive and `to` exclusive (ISO 8601). */
export interface AuditFilters {
  action?: string;
  actor?: string;
  from?: string;
  to?: string;
  outcome?: AuditOutcome;
}
