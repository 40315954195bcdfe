// The names the web client gives the API's request and response shapes (SPEC §3). Every one is an
// alias of the types generated from the server's OpenAPI document (schema.d.ts, `npm run gen:api`),
// so a field renamed on the server fails the web's type-check where it is still used.
import type { components, paths } from "./schema";

type Schemas = components["schemas"];
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
type RequestOf<Operation> = Operation extends {
  requestBody?: { content: { "application/json": infer Body } };
}
  ? Body
  : never;
/** A list's filters: its query without the page (`cursor`, `limit`). */
type FiltersOf<Operation> = Omit<QueryOf<Operation>, "cursor" | "limit">;

/** The permission catalogue's keys (SPEC §1). */
export type PermissionKey = Schemas["PermissionKey"];

/** The body of every error response. Codes may carry details, e.g. `{ attemptsLeft: 4 }`. */
export type ApiErrorBody = Schemas["ErrorBody"];
/** The error codes of server/errors.ts. */
export type ErrorCode = ApiErrorBody["error"]["code"];

/** `GET /api/me`, also the body of a successful `POST /api/auth/login`. */
export type Me = Schemas["Me"];
export type Account = Me["account"];
export type Membership = Me["memberships"][number];
export type MembershipStatus = Membership["status"];

export type LoginRequest = RequestOf<paths["/api/auth/login"]["post"]>;
/** The `200` of a login: the body of `GET /api/me`, or for an account with a factor the second step. */
export type LoginAnswer = OkBody<paths["/api/auth/login"]["post"]>;
/** A correct password for an account with a second factor (SPEC §6.2): how to finish the login. */
export type MfaRequired = Extract<LoginAnswer, { mfaRequired: true }>;
export type SecondStepMethod = MfaRequired["methods"][number];

/** A confirmed factor of the caller (`GET /api/me/mfa`). */
export type SecondFactor = OkBody<paths["/api/me/mfa"]["get"]>["items"][number];
/** `POST /api/me/mfa/totp`: the secret and its otpauth URL, shown once. */
export type TotpEnrolment = OkBody<paths["/api/me/mfa/totp"]["post"]>;
/** Recovery codes as issued at a confirmation or a renewal, shown once. */
export type RecoveryCodes = OkBody<paths["/api/me/mfa/recovery-codes"]["post"]>["recoveryCodes"];
type LoginUnlockOperation = paths["/api/auth/login-unlock"]["post"];
/** `POST /api/auth/login-unlock`: redeems an emailed unlock link for this browser. */
export type LoginUnlockRequest = RequestOf<LoginUnlockOperation>;
export type LoginUnlock = OkBody<LoginUnlockOperation>;

/** `GET /api/companies/{cid}` (`company.view`). */
export type CompanyInfo = OkBody<paths["/api/companies/{cid}"]["get"]>;
/** `GET /api/companies/{cid}/account` (`account.view`). */
export type MerchantAccount = OkBody<paths["/api/companies/{cid}/account"]["get"]>;

/**
 * A code mailed for verification: the `201` of the step-up and of a new alternate email, `sentTo`
 * masked by the server (e.g. `j***n@example.com`).
 */
export type EmailCodeChallenge = OkBody<paths["/api/verification/step-up"]["post"]>;
/**
 * `POST /api/verification/step-up`: `companyId` is the company whose action needs the step-up;
 * without `resend`, a pending code of this session comes back instead of a new one.
 */
export type StepUpRequest = RequestOf<paths["/api/verification/step-up"]["post"]>;

export type AlternateEmailRequest = RequestOf<paths["/api/me/alternate-email"]["post"]>;
export type AlternateEmailConfirmRequest = RequestOf<paths["/api/me/alternate-email/verify"]["post"]>;
export type PasswordChangeRequest = RequestOf<paths["/api/me/password"]["post"]>;
/** An item of `GET /api/me/sessions`: one of the caller's own sessions. */
export type OwnSession = OkBody<paths["/api/me/sessions"]["get"]>["items"][number];

export type PasswordResetRequest = RequestOf<paths["/api/auth/password-reset"]["post"]>;
export type PasswordResetConfirmRequest = RequestOf<paths["/api/auth/password-reset/confirm"]["post"]>;

type TransactionsOperation = paths["/api/companies/{cid}/transactions"]["get"];
export type Transaction = OkBody<TransactionsOperation>["items"][number];
/** The filters shared by the list and `…/transactions/export` (ISO 8601 `from` inclusive, `to` exclusive). */
export type TransactionFilters = QueryOf<paths["/api/companies/{cid}/transactions/export"]["get"]>;
export type TransactionStatus = NonNullable<TransactionFilters["status"]>;
export type PaymentMethod = NonNullable<TransactionFilters["paymentMethod"]>;

export type Settlement = OkBody<paths["/api/companies/{cid}/settlements"]["get"]>["items"][number];
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

/** A predefined or custom role of a company (`GET /api/companies/{cid}/roles`). */
export type Role = Schemas["Role"];
export type RoleCreateRequest = RequestOf<paths["/api/companies/{cid}/roles"]["post"]>;
export type RoleUpdateRequest = RequestOf<paths["/api/companies/{cid}/roles/{roleId}"]["patch"]>;

/** A company's security policy (`security.manage`) with its members who have no second factor. */
export type SecurityPolicy = Schemas["SecurityPolicy"];
/** A domain the company claims, pending or verified, with the TXT record that proves it. */
export type CompanyDomain = Schemas["Domain"];
/** A SCIM token as listed (never its secret). */
export type ScimToken = Schemas["ScimToken"];
/** The answer that creates a SCIM token: the only one that carries it. */
export type CreatedScimToken = OkBody<paths["/api/companies/{cid}/scim-tokens"]["post"]>;
export type SecurityPolicyRequest = RequestOf<paths["/api/companies/{cid}/security-policy"]["put"]>;

/** An item of `GET /api/companies/{cid}/members` (`members.view`), also the answer of every member change. */
export type Member = Schemas["Member"];
/** The merchant accounts a member (or an invitation) reaches (SPEC §6.4). */
export type MemberScope = Member["scope"];
export type MerchantAccountItem = OkBody<
  paths["/api/companies/{cid}/merchant-accounts"]["get"]
>["items"][number];
/** The member list's search: `email` a case-insensitive substring, `role` a role id or predefined key. */
export type MemberFilters = FiltersOf<paths["/api/companies/{cid}/members"]["get"]>;
/** The member list's orders: `email` (the default), `name`, `joinedAt`, `lastActiveAt`; ties by member id. */
export type MemberSortKey = NonNullable<MemberFilters["sort"]>;
export type MemberRolesChangeRequest = RequestOf<
  paths["/api/companies/{cid}/members/{memberId}/roles"]["put"]
>;

/** An invitation as the company sees it (`members.invite`); never its token. */
export type Invitation = Schemas["Invitation"];
export type InvitationStatus = Invitation["status"];
export type InvitationRequest = RequestOf<paths["/api/companies/{cid}/invitations"]["post"]>;
export type InvitationBatchRequest = RequestOf<paths["/api/companies/{cid}/invitations/batch"]["post"]>;
export type InvitationImportRequest = RequestOf<paths["/api/companies/{cid}/invitations/import"]["post"]>;
export type InvitationImportPreviewRequest = RequestOf<
  paths["/api/companies/{cid}/invitations/import/preview"]["post"]
>;
export type InvitationBatchResult = components["schemas"]["InvitationBatchResults"]["results"][number];
/** `GET /api/invitations/{token}` (public): what the link offers. */
export type PublicInvitation = OkBody<paths["/api/invitations/{token}"]["get"]>;
/** `{name, password}` (new person), `{password}`, or `{}` (session). */
export type InvitationAcceptRequest = RequestOf<paths["/api/invitations/{token}/accept"]["post"]>;

/** An item of `GET /api/companies/{cid}/audit-events` (`audit.view`), newest first. */
export type AuditEvent = Schemas["AuditEvent"];
export type AuditOutcome = AuditEvent["outcome"];
/** Filters of the audit log and its CSV export: `action` exact (`member.deactivated`) or a category
 * (`member`), `actor` an account id or email, `from` inclusive and `to` exclusive (ISO 8601). */
export type AuditActionEntry = OkBody<
  paths["/api/companies/{cid}/audit-events/actions"]["get"]
>["items"][number];
export type CompanyHome = OkBody<paths["/api/companies/{cid}/home"]["get"]>;
export type AuditFilters = FiltersOf<paths["/api/companies/{cid}/audit-events"]["get"]>;

/** `GET /api/me/audit-events`: the caller's own account events (Profile > Security), newest first. */
export type AccountAuditEventPage = OkBody<paths["/api/me/audit-events"]["get"]>;
export type AccountAuditEvent = AccountAuditEventPage["items"][number];

// Access reviews (SPEC §6.4).
export type AccessReview = OkBody<paths["/api/companies/{cid}/access-reviews/{reviewId}"]["get"]>;
export type AccessReviewItem = AccessReview["items"][number];
export type AccessReviewSummary = OkBody<
  paths["/api/companies/{cid}/access-reviews"]["get"]
>["items"][number];
export type AccessReviewDecision = RequestOf<
  paths["/api/companies/{cid}/access-reviews/{reviewId}/decisions/{memberId}"]["put"]
>;
