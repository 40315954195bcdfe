// THE permission matrix: every API route × every kind of caller → the status it must get.
// The tests in matrix.test.ts are generated from this one table; a route of the app without a
// row here fails the suite. Roles' permissions are SPEC §1's table, copied here on purpose
// so the server's own catalogue is checked against the spec, not against itself.

export const ACTORS = [
  "anonymous",
  "non_member",
  "admin",
  "finance",
  "operations",
  "developer",
  "data_analytics",
  "custom",
  "deactivated",
] as const;
export type Actor = (typeof ACTORS)[number];

/** SPEC §1, column by column. */
export const SPEC_ROLE_PERMISSIONS: Record<
  Exclude<Actor, "anonymous" | "non_member" | "deactivated">,
  string[]
> = {
  admin: [
    "account.view",
    "company.view",
    "transactions.view",
    "settlements.view",
    "members.view",
    "members.invite",
    "members.edit_roles",
    "members.deactivate",
    "roles.manage",
    "audit.view",
    "security.manage",
  ],
  finance: ["transactions.view", "transactions.download", "settlements.view", "settlements.download"],
  operations: ["transactions.view"],
  developer: ["developer_center.view", "webhooks.manage"],
  data_analytics: ["insights.view"],
  // A custom role, made by the matrix suite: company info plus transactions, nothing else.
  custom: ["company.view", "transactions.view"],
};

/** What the request of one cell looks like, given the actor's context. */
export type CellContext = {
  companyId: string;
  otherSessionId: string;
  customRoleId: string;
  /** Pending invitations of the company, sent an hour ago (past the resend cooldown). */
  invitationToResend: string;
  invitationToRevoke: string;
  /** The custom actor's membership (active, holding only the custom role, version 1). */
  customMemberId: string;
  /** The deactivated actor's membership in the matrix company. */
  deactivatedMemberId: string;
  /** The deactivated actor's email (the SCIM rows' userName); given by the matrix suite. */
  deactivatedEmail?: string;
  /** A webhook endpoint of the company, and one delivery of it. */
  webhookId: string;
  webhookDeliveryId: string;
  /** Another endpoint, which the one cell allowed to delete it deletes. */
  webhookToDeleteId: string;
};

// Ids no row of any table has: a route's access is decided before the id is looked up, so a caller
// who may use the route gets 404 and the others their refusal (a real id would change the matrix
// company between cells: a verified domain, a revoked token).
const NO_DOMAIN = "0c5d8a3e-41f2-4b7a-9d0e-1a2b3c4d5e6f";
const NO_SCIM_TOKEN = "7e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b";
const scimPatch = (operations: unknown[]) => ({
  schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
  Operations: operations,
});
export type CellRequest = { url: string; payload?: unknown };

export type Row = {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** The route as registered, e.g. /api/companies/:cid */
  route: string;
  /** Declared requirement, restated here: public, session, second_step, member or a permission key. */
  requires: "public" | "session" | "second_step" | "member" | "scim_token" | `${string}.${string}`;
  /** Status when the caller may use the route. */
  ok: number;
  request?: (context: CellContext) => CellRequest;
  /** Exceptions to the derived expectation, by actor. */
  override?: Partial<Record<Actor, number>>;
  /** The call ends the caller's session, so each cell gets a fresh one. */
  consumesSession?: boolean;
  /**
   * The route also needs a session verified by email in the last 10 minutes (rule 7). Cells then
   * run with a verified session; a separate test shows an unverified one gets step_up_required.
   */
  stepUp?: boolean;
};

// WebAuthn answers that are well-formed but sign nothing the server asked for.
const MATRIX_REGISTRATION = {
  id: "bWF0cml4",
  rawId: "bWF0cml4",
  type: "public-key",
  response: { clientDataJSON: "e30", attestationObject: "oA" },
  clientExtensionResults: {},
};
const MATRIX_ASSERTION = {
  id: "bWF0cml4",
  rawId: "bWF0cml4",
  type: "public-key",
  response: { clientDataJSON: "e30", authenticatorData: "AA", signature: "AA" },
  clientExtensionResults: {},
};

// A review id no company has (access reviews' cells).
const MISSING_REVIEW = "00000000-0000-4000-8000-000000000000";

export const ROWS: Row[] = [
  {
    method: "POST",
    route: "/api/auth/login",
    requires: "public",
    ok: 401,
    // Public: reachable by anyone; wrong credentials give the same 401 to every caller.
    request: () => ({
      url: "/api/auth/login",
      payload: { email: "nobody@example.com", password: "not the password" },
    }),
  },
  { method: "POST", route: "/api/auth/logout", requires: "session", ok: 204, consumesSession: true },
  // SPEC §6.2. Every actor of the matrix holds a full session, which is no session for the login's
  // second step: 401 for all. A second-step session is tested in spec-6-2-login-second-step.test.ts.
  {
    method: "POST",
    route: "/api/auth/mfa/totp",
    requires: "second_step",
    ok: 401,
    request: () => ({ url: "/api/auth/mfa/totp", payload: { code: "000000" } }),
  },
  {
    method: "POST",
    route: "/api/auth/mfa/recovery",
    requires: "second_step",
    ok: 401,
    request: () => ({ url: "/api/auth/mfa/recovery", payload: { code: "aaaaa-bbbbb" } }),
  },
  // The caller's own second factors. No matrix actor has one: the list is empty, a factor id is
  // not_found, and new recovery codes need a factor first (409).
  { method: "GET", route: "/api/me/mfa", requires: "session", ok: 200 },
  {
    method: "POST",
    route: "/api/me/mfa/totp",
    requires: "session",
    stepUp: true,
    ok: 201,
    request: () => ({ url: "/api/me/mfa/totp", payload: {} }),
  },
  {
    method: "POST",
    route: "/api/me/mfa/totp/confirm",
    requires: "session",
    // The row above left each actor's account an authenticator app being set up; a code made of
    // zeros is wrong for it (400 invalid_code) but for a chance of about three in a million.
    ok: 400,
    request: () => ({ url: "/api/me/mfa/totp/confirm", payload: { code: "000000" } }),
  },
  {
    method: "PATCH",
    route: "/api/me/mfa/:factorId",
    requires: "session",
    stepUp: true,
    ok: 404,
    request: () => ({
      url: "/api/me/mfa/00000000-0000-4000-8000-000000000703",
      payload: { name: "Phone" },
    }),
  },
  {
    method: "DELETE",
    route: "/api/me/mfa/:factorId",
    requires: "session",
    stepUp: true,
    ok: 404,
    request: () => ({ url: "/api/me/mfa/00000000-0000-4000-8000-000000000703" }),
  },
  {
    method: "POST",
    route: "/api/me/mfa/recovery-codes",
    requires: "session",
    stepUp: true,
    ok: 409,
    request: () => ({ url: "/api/me/mfa/recovery-codes", payload: {} }),
  },
  {
    method: "POST",
    route: "/api/auth/password-reset",
    requires: "public",
    ok: 202,
    // Public and always 202 with the same body, whether or not the email has an account.
    request: () => ({ url: "/api/auth/password-reset", payload: { email: "nobody@example.com" } }),
  },
  {
    method: "POST",
    route: "/api/auth/password-reset/confirm",
    requires: "public",
    ok: 400,
    // Public: a well-formed token that was never issued is reset_token_invalid for every caller.
    request: () => ({
      url: "/api/auth/password-reset/confirm",
      payload: { token: "A".repeat(43), password: "a perfectly long new password 7" },
    }),
  },
  {
    method: "POST",
    route: "/api/auth/login-unlock",
    requires: "public",
    ok: 400,
    // Public: a well-formed unlock token that was never mailed is unlock_link_invalid for every caller.
    request: () => ({ url: "/api/auth/login-unlock", payload: { token: "A".repeat(43) } }),
  },
  { method: "GET", route: "/api/me", requires: "session", ok: 200 },
  { method: "GET", route: "/api/me/sessions", requires: "session", ok: 200 },
  { method: "GET", route: "/api/me/audit-events", requires: "session", ok: 200 },
  {
    method: "PUT",
    route: "/api/me/preferences",
    requires: "session",
    ok: 200,
    // English and UTC: every actor keeps the portal's defaults for the cells after this one.
    request: () => ({ url: "/api/me/preferences", payload: { language: "en", timeZone: "UTC" } }),
  },
  {
    method: "POST",
    route: "/api/me/password",
    requires: "session",
    ok: 400,
    // Any session may call it; a wrong current password is current_password_incorrect (400) for
    // everyone, so no cell changes a password the other cells log in with.
    request: () => ({
      url: "/api/me/password",
      payload: {
        currentPassword: "not the current password",
        newPassword: "a perfectly long new password 7",
      },
    }),
  },
  {
    method: "DELETE",
    route: "/api/me/sessions/:sessionId",
    requires: "session",
    ok: 204,
    request: (c) => ({ url: `/api/me/sessions/${c.otherSessionId}` }),
  },
  { method: "GET", route: "/api/companies", requires: "session", ok: 200 },
  { method: "GET", route: "/api/companies/:cid", requires: "company.view", ok: 200 },
  { method: "GET", route: "/api/companies/:cid/account", requires: "account.view", ok: 200 },
  { method: "GET", route: "/api/companies/:cid/transactions", requires: "transactions.view", ok: 200 },
  {
    method: "GET",
    route: "/api/companies/:cid/transactions/:transactionId",
    requires: "transactions.view",
    // The matrix company has no transactions: an allowed caller learns that the id is none of its.
    ok: 404,
    request: (c) => ({
      url: `/api/companies/${c.companyId}/transactions/5d1c2f1e-8f4a-4f0e-9a51-2b0d7c9e6a11`,
    }),
  },
  { method: "GET", route: "/api/companies/:cid/merchant-accounts", requires: "member", ok: 200 },
  {
    method: "GET",
    route: "/api/companies/:cid/transactions/export",
    requires: "transactions.download",
    ok: 200,
  },
  { method: "GET", route: "/api/companies/:cid/settlements", requires: "settlements.view", ok: 200 },
  {
    method: "GET",
    route: "/api/companies/:cid/settlements/export",
    requires: "settlements.download",
    ok: 200,
  },
  {
    method: "GET",
    route: "/api/companies/:cid/developer-center",
    requires: "developer_center.view",
    ok: 200,
  },
  { method: "GET", route: "/api/companies/:cid/insights", requires: "insights.view", ok: 200 },
  { method: "GET", route: "/api/permissions", requires: "session", ok: 200 },
  { method: "GET", route: "/api/companies/:cid/roles", requires: "member", ok: 200 },
  {
    method: "POST",
    route: "/api/companies/:cid/roles",
    requires: "roles.manage",
    stepUp: true,
    ok: 201,
    request: (c) => ({
      url: `/api/companies/${c.companyId}/roles`,
      payload: { name: "Matrix made role", permissions: ["transactions.view"] },
    }),
  },
  {
    method: "PATCH",
    route: "/api/companies/:cid/roles/:roleId",
    requires: "roles.manage",
    stepUp: true,
    ok: 200,
    request: (c) => ({
      url: `/api/companies/${c.companyId}/roles/${c.customRoleId}`,
      payload: { description: "Changed by the matrix" },
    }),
  },
  {
    method: "DELETE",
    route: "/api/companies/:cid/roles/:roleId",
    requires: "roles.manage",
    stepUp: true,
    // The matrix's custom role is held by the custom actor, so whoever may delete it is told
    // role_in_use (409); everyone else is refused before that.
    ok: 409,
    request: (c) => ({ url: `/api/companies/${c.companyId}/roles/${c.customRoleId}` }),
  },
  { method: "GET", route: "/api/openapi.json", requires: "public", ok: 200 },
  // Rule 7. Any session may ask for a code; each cell asks once, for its own account.
  { method: "POST", route: "/api/verification/step-up", requires: "session", ok: 201 },
  {
    method: "POST",
    route: "/api/verification/step-up/:challengeId/verify",
    requires: "session",
    // Open to every session, but a challenge that is not the caller's own is not_found for all.
    ok: 404,
    request: () => ({
      url: "/api/verification/step-up/00000000-0000-4000-8000-000000000701/verify",
      payload: { code: "000000" },
    }),
  },
  {
    method: "POST",
    route: "/api/me/alternate-email",
    requires: "session",
    stepUp: true,
    // Any verified session may ask to change its own alternate email: the code goes to the new address.
    ok: 201,
    request: () => ({ url: "/api/me/alternate-email", payload: { email: "matrix.alternate@example.com" } }),
  },
  {
    method: "POST",
    route: "/api/me/alternate-email/verify",
    requires: "session",
    // As for the step-up verify: a challenge that is not the caller's own is not_found for all.
    ok: 404,
    request: () => ({
      url: "/api/me/alternate-email/verify",
      payload: { challengeId: "00000000-0000-4000-8000-000000000702", code: "000000" },
    }),
  },
  // SPEC §6.2 passkeys. A malformed answer is refused alike for every caller, so no cell registers one.
  { method: "GET", route: "/api/me/passkeys", requires: "session", ok: 200 },
  { method: "POST", route: "/api/me/passkeys/options", requires: "session", stepUp: true, ok: 200 },
  {
    method: "POST",
    route: "/api/me/passkeys",
    requires: "session",
    stepUp: true,
    ok: 400,
    request: () => ({ url: "/api/me/passkeys", payload: { response: MATRIX_REGISTRATION } }),
  },
  { method: "POST", route: "/api/auth/passkey/options", requires: "public", ok: 200 },
  {
    method: "POST",
    route: "/api/auth/passkey",
    requires: "public",
    // Public: an answer to no challenge is the same 401 for every caller.
    ok: 401,
    request: () => ({ url: "/api/auth/passkey", payload: { response: MATRIX_ASSERTION } }),
  },
  // SAML 2.0 login (SPEC §6.3): public, the IdP authenticates; the matrix company has no connection.
  {
    method: "GET",
    route: "/api/auth/sso/saml/metadata",
    requires: "public",
    ok: 200,
    request: (c) => ({ url: `/api/auth/sso/saml/metadata?companyId=${c.companyId}` }),
  },
  {
    method: "GET",
    route: "/api/auth/sso/saml/login",
    requires: "public",
    // No enabled SAML connection: the same 404 for every caller.
    ok: 404,
    request: (c) => ({ url: `/api/auth/sso/saml/login?companyId=${c.companyId}` }),
  },
  {
    method: "POST",
    route: "/api/auth/sso/saml/acs",
    requires: "public",
    // A body without a SAMLResponse: 400 for every caller.
    ok: 400,
    request: (c) => ({ url: `/api/auth/sso/saml/acs?companyId=${c.companyId}`, payload: {} }),
  },
  {
    method: "GET",
    route: "/api/auth/sso/saml/complete",
    requires: "public",
    // Without this browser's SAML cookie the login page is told the sign-in expired.
    ok: 303,
  },
  // Rule 8. Only Admin holds members.invite among the matrix's actors (the custom role does not).
  {
    method: "POST",
    route: "/api/companies/:cid/invitations",
    requires: "members.invite",
    stepUp: true,
    // One cell per database gets through (admin), so one fixed address never meets itself pending.
    ok: 201,
    request: (c) => ({
      url: `/api/companies/${c.companyId}/invitations`,
      payload: { email: "matrix.invitee@example.com", roleIds: [c.customRoleId], acceptTerms: true },
    }),
  },
  { method: "GET", route: "/api/companies/:cid/invitations", requires: "members.invite", ok: 200 },
  // SPEC §6.4 bulk invitations: the row's result says what happened; an email of its own per cell.
  {
    method: "POST",
    route: "/api/companies/:cid/invitations/batch",
    requires: "members.invite",
    stepUp: true,
    ok: 200,
    request: (c) => ({
      url: `/api/companies/${c.companyId}/invitations/batch`,
      payload: { emails: ["matrix.batch@example.com"], roleIds: [c.customRoleId], acceptTerms: true },
    }),
  },
  {
    method: "POST",
    route: "/api/companies/:cid/invitations/import/preview",
    requires: "members.invite",
    ok: 200,
    request: (c) => ({
      url: `/api/companies/${c.companyId}/invitations/import/preview`,
      payload: { csv: "email\nmatrix.preview@example.com\n", roleIds: [c.customRoleId] },
    }),
  },
  {
    method: "POST",
    route: "/api/companies/:cid/invitations/import",
    requires: "members.invite",
    stepUp: true,
    ok: 200,
    request: (c) => ({
      url: `/api/companies/${c.companyId}/invitations/import`,
      payload: { csv: "email\nmatrix.import@example.com\n", roleIds: [c.customRoleId], acceptTerms: true },
    }),
  },

  {
    method: "GET",
    route: "/api/companies/:cid/invitations/email-check",
    requires: "members.invite",
    ok: 200,
    request: (c) => ({
      url: `/api/companies/${c.companyId}/invitations/email-check?email=matrix.check@example.com`,
    }),
  },
  {
    method: "POST",
    route: "/api/companies/:cid/invitations/:invitationId/resend",
    requires: "members.invite",
    stepUp: true,
    ok: 200,
    request: (c) => ({ url: `/api/companies/${c.companyId}/invitations/${c.invitationToResend}/resend` }),
  },
  {
    method: "DELETE",
    route: "/api/companies/:cid/invitations/:invitationId",
    requires: "members.invite",
    ok: 204,
    request: (c) => ({ url: `/api/companies/${c.companyId}/invitations/${c.invitationToRevoke}` }),
  },
  {
    method: "GET",
    route: "/api/invitations/:token",
    requires: "public",
    // Public: a well-formed token that was never issued is invitation_revoked (410) for every caller.
    ok: 410,
    request: () => ({ url: `/api/invitations/${"A".repeat(43)}` }),
  },
  {
    method: "POST",
    route: "/api/invitations/:token/accept",
    requires: "public",
    // As above: a session changes nothing about a link that does not exist.
    ok: 410,
    request: () => ({ url: `/api/invitations/${"A".repeat(43)}/accept`, payload: {} }),
  },
  { method: "GET", route: "/api/companies/:cid/members", requires: "members.view", ok: 200 },
  { method: "GET", route: "/api/companies/:cid/members/export", requires: "members.view", ok: 200 },
  {
    method: "DELETE",
    route: "/api/companies/:cid/members/:memberId",
    requires: "members.deactivate",
    stepUp: true,
    // The custom actor is active: whoever may remove members is told to deactivate first (409).
    ok: 409,
    request: (c) => ({ url: `/api/companies/${c.companyId}/members/${c.customMemberId}` }),
  },
  {
    method: "DELETE",
    route: "/api/me",
    requires: "session",
    stepUp: true,
    // A wrong password: every logged-in caller gets 400 and keeps their account.
    ok: 400,
    request: () => ({ url: "/api/me", payload: { password: "not the password at all" } }),
  },

  {
    method: "GET",
    route: "/api/companies/:cid/members/:memberId",
    requires: "members.view",
    ok: 200,
    request: (c) => ({ url: `/api/companies/${c.companyId}/members/${c.customMemberId}` }),
  },
  {
    method: "PUT",
    route: "/api/companies/:cid/members/:memberId/roles",
    requires: "members.edit_roles",
    stepUp: true,
    // The custom actor is given the role they already hold, at the version they have: whoever may
    // change roles gets 200 and nothing changes, so no other cell is affected.
    ok: 200,
    request: (c) => ({
      url: `/api/companies/${c.companyId}/members/${c.customMemberId}/roles`,
      payload: { roleIds: [c.customRoleId], version: 1 },
    }),
  },
  {
    method: "POST",
    route: "/api/companies/:cid/members/:memberId/deactivate",
    requires: "members.deactivate",
    stepUp: true,
    // The deactivated actor's membership: whoever may deactivate is told it already is (409
    // conflict); everyone else is refused before that.
    ok: 409,
    request: (c) => ({
      url: `/api/companies/${c.companyId}/members/${c.deactivatedMemberId}/deactivate`,
      payload: {},
    }),
  },
  {
    method: "POST",
    route: "/api/companies/:cid/members/:memberId/reactivate",
    requires: "members.deactivate",
    stepUp: true,
    // The custom actor is active: whoever may reactivate is told so (409 conflict).
    ok: 409,
    request: (c) => ({
      url: `/api/companies/${c.companyId}/members/${c.customMemberId}/reactivate`,
      payload: {},
    }),
  },
  { method: "GET", route: "/api/companies/:cid/security-policy", requires: "security.manage", ok: 200 },
  {
    method: "PUT",
    route: "/api/companies/:cid/security-policy",
    requires: "security.manage",
    stepUp: true,
    ok: 200,
    // The defaults again: the matrix company keeps no requirement between cells.
    request: (c) => ({
      url: `/api/companies/${c.companyId}/security-policy`,
      payload: { requireMfa: false, sessionIdleMinutes: null, inviteDomains: [] },
    }),
  },
  { method: "GET", route: "/api/companies/:cid/sso", requires: "security.manage", ok: 200 },
  {
    method: "PUT",
    route: "/api/companies/:cid/sso",
    requires: "security.manage",
    stepUp: true,
    // A stale version: allowed callers reach the service, which refuses it without changing anything.
    ok: 409,
    request: (c) => ({
      url: `/api/companies/${c.companyId}/sso`,
      payload: {
        protocol: "oidc",
        enabled: false,
        oidcIssuer: "https://idp.example.com",
        oidcClientId: "portal",
        samlIdpEntityId: null,
        samlSsoUrl: null,
        samlCertificate: null,
        samlAllowIdpInitiated: false,
        groupsAttribute: "groups",
        defaultRoleId: null,
        mappings: [],
        requireSso: false,
        breakGlassMemberIds: [],
        version: 99,
      },
    }),
  },
  { method: "GET", route: "/api/companies/:cid/webhooks", requires: "webhooks.manage", ok: 200 },
  {
    method: "POST",
    route: "/api/companies/:cid/webhooks",
    requires: "webhooks.manage",
    stepUp: true,
    ok: 201,
    request: (c) => ({
      url: `/api/companies/${c.companyId}/webhooks`,
      payload: { url: "http://127.0.0.1:9/matrix", events: ["member.invited"] },
    }),
  },
  {
    method: "PATCH",
    route: "/api/companies/:cid/webhooks/:webhookId",
    requires: "webhooks.manage",
    stepUp: true,
    ok: 200,
    request: (c) => ({
      url: `/api/companies/${c.companyId}/webhooks/${c.webhookId}`,
      payload: { description: "Matrix endpoint" },
    }),
  },
  {
    method: "DELETE",
    route: "/api/companies/:cid/webhooks/:webhookId",
    requires: "webhooks.manage",
    stepUp: true,
    ok: 204,
    request: (c) => ({ url: `/api/companies/${c.companyId}/webhooks/${c.webhookToDeleteId}` }),
  },
  {
    method: "POST",
    route: "/api/auth/sso/start",
    requires: "public",
    // Public: a domain no company verified has no SSO, for every caller.
    ok: 404,
    request: () => ({ url: "/api/auth/sso/start", payload: { email: "someone@no-sso.example.com" } }),
  },
  {
    method: "GET",
    route: "/api/auth/sso/oidc/callback",
    requires: "public",
    // Public: without this browser's flow cookie the login page is told the sign-in expired.
    ok: 303,
    request: () => ({ url: "/api/auth/sso/oidc/callback?code=abc&state=xyz" }),
  },
  {
    method: "POST",
    route: "/api/companies/:cid/webhooks/:webhookId/rotate-secret",
    requires: "webhooks.manage",
    stepUp: true,
    ok: 200,
    request: (c) => ({
      url: `/api/companies/${c.companyId}/webhooks/${c.webhookId}/rotate-secret`,
      payload: {},
    }),
  },
  {
    method: "GET",
    route: "/api/companies/:cid/webhooks/:webhookId/deliveries",
    requires: "webhooks.manage",
    ok: 200,
    request: (c) => ({ url: `/api/companies/${c.companyId}/webhooks/${c.webhookId}/deliveries` }),
  },
  {
    method: "POST",
    route: "/api/companies/:cid/webhooks/deliveries/:deliveryId/redeliver",
    requires: "webhooks.manage",
    ok: 202,
    request: (c) => ({
      url: `/api/companies/${c.companyId}/webhooks/deliveries/${c.webhookDeliveryId}/redeliver`,
      payload: {},
    }),
  },
  // SPEC §6.4 access reviews. Starting one is the only cell that writes: the matrix company then has
  // an open review, which no other cell reads. The others name a review that does not exist.
  { method: "GET", route: "/api/companies/:cid/access-reviews", requires: "security.manage", ok: 200 },
  { method: "POST", route: "/api/companies/:cid/access-reviews", requires: "security.manage", ok: 201 },
  {
    method: "GET",
    route: "/api/companies/:cid/access-reviews/:reviewId",
    requires: "security.manage",
    ok: 404,
    request: (c) => ({ url: `/api/companies/${c.companyId}/access-reviews/${MISSING_REVIEW}` }),
  },
  {
    method: "PUT",
    route: "/api/companies/:cid/access-reviews/:reviewId/decisions/:memberId",
    requires: "security.manage",
    ok: 404,
    request: (c) => ({
      url: `/api/companies/${c.companyId}/access-reviews/${MISSING_REVIEW}/decisions/${c.customMemberId}`,
      payload: { decision: "keep" },
    }),
  },
  {
    method: "POST",
    route: "/api/companies/:cid/access-reviews/:reviewId/complete",
    requires: "security.manage",
    stepUp: true,
    // Not 404, which a non-member gets too: a review id that is no id, refused by validation (400)
    // once the guard and the step-up have let the caller through.
    ok: 400,
    request: (c) => ({ url: `/api/companies/${c.companyId}/access-reviews/not-a-review/complete` }),
  },
  {
    method: "GET",
    route: "/api/companies/:cid/access-reviews/:reviewId/report",
    requires: "security.manage",
    ok: 404,
    request: (c) => ({ url: `/api/companies/${c.companyId}/access-reviews/${MISSING_REVIEW}/report` }),
  },
  { method: "GET", route: "/api/companies/:cid/audit-events", requires: "audit.view", ok: 200 },
  { method: "GET", route: "/api/companies/:cid/audit-events/export", requires: "audit.view", ok: 200 },
  { method: "GET", route: "/api/companies/:cid/audit-events/actions", requires: "audit.view", ok: 200 },
  { method: "GET", route: "/api/companies/:cid/home", requires: "members.view", ok: 200 },
  {
    method: "GET",
    route: "/api/companies/:cid/members/:memberId/audit-events",
    requires: "audit.view",
    ok: 200,
    request: (c) => ({ url: `/api/companies/${c.companyId}/members/${c.customMemberId}/audit-events` }),
  },
  // Verified domains and SCIM tokens (SPEC §6.3): security.manage, step-up to change.
  { method: "GET", route: "/api/companies/:cid/domains", requires: "security.manage", ok: 200 },
  {
    method: "POST",
    route: "/api/companies/:cid/domains",
    requires: "security.manage",
    stepUp: true,
    ok: 201,
    request: (c) => ({
      url: `/api/companies/${c.companyId}/domains`,
      payload: { domain: "matrix-cell.example" },
    }),
  },
  {
    method: "POST",
    route: "/api/companies/:cid/domains/:domainId/verify",
    requires: "security.manage",
    stepUp: true,
    ok: 404,
    request: (c) => ({ url: `/api/companies/${c.companyId}/domains/${NO_DOMAIN}/verify`, payload: {} }),
  },
  {
    method: "DELETE",
    route: "/api/companies/:cid/domains/:domainId",
    requires: "security.manage",
    stepUp: true,
    ok: 404,
    request: (c) => ({ url: `/api/companies/${c.companyId}/domains/${NO_DOMAIN}` }),
  },
  { method: "GET", route: "/api/companies/:cid/scim-tokens", requires: "security.manage", ok: 200 },
  {
    method: "POST",
    route: "/api/companies/:cid/scim-tokens",
    requires: "security.manage",
    stepUp: true,
    ok: 201,
    request: (c) => ({ url: `/api/companies/${c.companyId}/scim-tokens`, payload: { name: "Matrix cell" } }),
  },
  {
    method: "DELETE",
    route: "/api/companies/:cid/scim-tokens/:tokenId",
    requires: "security.manage",
    stepUp: true,
    ok: 404,
    request: (c) => ({ url: `/api/companies/${c.companyId}/scim-tokens/${NO_SCIM_TOKEN}` }),
  },
  // The SCIM server: its bearer token alone. Every session caller gets 401 (a cookie is no SCIM
  // credential); `ok` is what the matrix company's token gets (matrix.test.ts sends it).
  { method: "GET", route: "/scim/v2/ServiceProviderConfig", requires: "scim_token", ok: 200 },
  { method: "GET", route: "/scim/v2/ResourceTypes", requires: "scim_token", ok: 200 },
  { method: "GET", route: "/scim/v2/Schemas", requires: "scim_token", ok: 200 },
  { method: "GET", route: "/scim/v2/Users", requires: "scim_token", ok: 200 },
  {
    method: "POST",
    route: "/scim/v2/Users",
    requires: "scim_token",
    ok: 201,
    request: () => ({
      url: "/scim/v2/Users",
      payload: {
        schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
        userName: "provisioned@matrix-scim.example",
        name: { givenName: "Matrix", familyName: "Provisioned" },
        active: true,
      },
    }),
  },
  {
    method: "GET",
    route: "/scim/v2/Users/:id",
    requires: "scim_token",
    ok: 200,
    request: (c) => ({ url: `/scim/v2/Users/${c.customMemberId}` }),
  },
  {
    method: "PUT",
    route: "/scim/v2/Users/:id",
    requires: "scim_token",
    ok: 200,
    // The deactivated actor, kept deactivated: a replace that changes nothing the matrix relies on.
    request: (c) => ({
      url: `/scim/v2/Users/${c.deactivatedMemberId}`,
      payload: {
        schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
        userName: c.deactivatedEmail ?? "",
        active: false,
      },
    }),
  },
  {
    method: "PATCH",
    route: "/scim/v2/Users/:id",
    requires: "scim_token",
    ok: 200,
    request: (c) => ({
      url: `/scim/v2/Users/${c.customMemberId}`,
      payload: scimPatch([{ op: "replace", path: "externalId", value: "matrix-external-id" }]),
    }),
  },
  {
    method: "DELETE",
    route: "/scim/v2/Users/:id",
    requires: "scim_token",
    ok: 204,
    // Deprovisioning the deactivated actor again: it stays deactivated.
    request: (c) => ({ url: `/scim/v2/Users/${c.deactivatedMemberId}` }),
  },
  { method: "GET", route: "/scim/v2/Groups", requires: "scim_token", ok: 200 },
  {
    method: "GET",
    route: "/scim/v2/Groups/:id",
    requires: "scim_token",
    ok: 200,
    request: (c) => ({ url: `/scim/v2/Groups/${c.customRoleId}` }),
  },
  {
    method: "PATCH",
    route: "/scim/v2/Groups/:id",
    requires: "scim_token",
    ok: 204,
    // The custom actor already holds the custom role: nothing changes.
    request: (c) => ({
      url: `/scim/v2/Groups/${c.customRoleId}`,
      payload: scimPatch([{ op: "add", path: "members", value: [{ value: c.customMemberId }] }]),
    }),
  },
  // Development mailbox: present outside production only (the matrix runs with NODE_ENV=test).
  { method: "GET", route: "/api/dev/outbox", requires: "public", ok: 200 },
];

/** The status a cell must get: derived from the row's requirement and SPEC's role table. */
export function expectedStatus(row: Row, actor: Actor): number {
  const override = row.override?.[actor];
  if (override !== undefined) return override;
  if (row.requires === "public") return row.ok;
  if (actor === "anonymous" || row.requires === "scim_token") return 401;
  if (row.requires === "session" || row.requires === "second_step") return row.ok;
  if (actor === "non_member" || actor === "deactivated") return 404;
  if (row.requires === "member") return row.ok;
  return SPEC_ROLE_PERMISSIONS[actor].includes(row.requires) ? row.ok : 403;
}
