// The OpenAPI document's operation catalogue (SPEC §3): each route's stable operationId and its
// description, and the document-wide parts (servers, tags, security schemes) client generators need.
import type { FastifySchema, RouteOptions } from "fastify";
import type { Access } from "../access/policy.js";

type Operation = { operationId: string; description: string };

/** Keyed by "METHOD /path" as Fastify registers the route (`:param`). */
export const OPERATIONS: Record<string, Operation> = {
  "POST /api/auth/login": {
    operationId: "logIn",
    description:
      "Checks the email and password and sets the session cookie. Every wrong email or password gets the same `401 invalid_credentials`; repeated failures are throttled per IP and per device (`429 rate_limited` with `Retry-After`).",
  },
  "POST /api/auth/login-unlock": {
    operationId: "redeemLoginUnlockLink",
    description:
      "Redeems the single-use link mailed to the owner of a locked account: the browser that sends it may log in once although its device, or the email's unknown devices, are locked. A used, expired or unknown link gets `400 unlock_link_invalid`.",
  },
  "POST /api/auth/mfa/totp": {
    operationId: "completeLoginWithTotp",
    description:
      "The login's second step with a 6-digit code from the authenticator app. The right code replaces the second-step session by a full one (new cookie) and answers as `GET /api/me`; a code of a time step already used is refused. Five wrong codes end the second-step session.",
  },
  "POST /api/auth/mfa/recovery": {
    operationId: "completeLoginWithRecoveryCode",
    description:
      "The login's second step with one of the account's recovery codes, each of which works once. The account is mailed that a code was used.",
  },
  "GET /api/me/mfa": {
    operationId: "listOwnSecondFactors",
    description:
      "The caller's confirmed second factors: authenticator apps and passkeys, with when each was added and last used.",
  },
  "POST /api/me/mfa/totp": {
    operationId: "startTotpEnrolment",
    description:
      "Starts setting up an authenticator app: answers its secret and otpauth URL, this once. The factor counts once `confirmTotpEnrolment` confirms it; a new setup replaces an unconfirmed one.",
  },
  "POST /api/me/mfa/totp/confirm": {
    operationId: "confirmTotpEnrolment",
    description:
      "Confirms the authenticator app being set up with a code from it. The factor becomes active and 10 new recovery codes are answered, this once; any earlier recovery codes stop working.",
  },
  "PATCH /api/me/mfa/:factorId": {
    operationId: "renameOwnSecondFactor",
    description: "Renames one of the caller's second factors. Audited and mailed to the account.",
  },
  "DELETE /api/me/mfa/:factorId": {
    operationId: "removeOwnSecondFactor",
    description:
      "Removes one of the caller's second factors; with the last one, the recovery codes go too. Audited and mailed to the account.",
  },
  "POST /api/me/mfa/recovery-codes": {
    operationId: "regenerateRecoveryCodes",
    description:
      "Issues 10 new recovery codes, answered this once; the previous ones stop working. `409 mfa_not_enrolled` for an account without a second factor.",
  },
  "POST /api/auth/logout": {
    operationId: "logOut",
    description: "Ends the current session on the server and clears its cookie.",
  },
  "GET /api/me": {
    operationId: "getMe",
    description:
      "The logged-in account (id, email, name, alternate email, and its language and time zone once chosen) and its memberships, each with its company, status, roles and the union of their permissions.",
  },
  "GET /api/me/sessions": {
    operationId: "listOwnSessions",
    description: "The caller's own live sessions with their device, IP address and last activity.",
  },
  "PUT /api/me/preferences": {
    operationId: "setOwnPreferences",
    description:
      "Saves the caller's language (`en` or `zh-CN`) and/or IANA time zone (at least one of them) and answers both as saved. The portal's pages, error messages and the mails sent to this account then use them (SPEC §6.6); an unknown language or zone is `400 validation_failed`.",
  },
  "DELETE /api/me/sessions/:sessionId": {
    operationId: "endOwnSession",
    description: "Ends one of the caller's own sessions; another account's session id answers 404.",
  },
  "GET /api/me/audit-events": {
    operationId: "listOwnAccountEvents",
    description:
      "The caller's own account events, newest first: sign-ins and failed sign-ins, password, alternate email, step-up and session events made by or on the account. Never another account's, never a company's member events.",
  },
  "POST /api/auth/password-reset": {
    operationId: "requestPasswordReset",
    description:
      "Mails a single-use reset link to the account this email belongs to. Always `202`, whether or not the account exists.",
  },
  "POST /api/auth/password-reset/confirm": {
    operationId: "confirmPasswordReset",
    description:
      "Sets a new password with the token from a reset link. The token works once; every session of the account ends.",
  },
  "POST /api/me/password": {
    operationId: "changeOwnPassword",
    description:
      "Changes the caller's password after checking the current one. The account's other sessions end and this one gets a new cookie.",
  },
  "GET /api/companies": {
    operationId: "listOwnCompanies",
    description:
      "The companies the caller is an active member of, with the caller's roles and permissions in each.",
  },
  "GET /api/companies/:cid": {
    operationId: "getCompany",
    description: "The company's name, legal name, registration number, country and address.",
  },
  "GET /api/companies/:cid/account": {
    operationId: "getMerchantAccount",
    description:
      "The company's merchant account: merchant id, status, settlement currency and contact email.",
  },
  "GET /api/companies/:cid/merchant-accounts": {
    operationId: "listMerchantAccounts",
    description:
      "The company's merchant accounts (name, reference, region) that the caller's scope reaches: all of them for a member scoped to all accounts, else the chosen ones.",
  },
  "GET /api/companies/:cid/transactions/:transactionId": {
    operationId: "getTransaction",
    description:
      "One transaction record. A transaction of a merchant account outside the caller's scope answers `404 not_found`, as one that does not exist.",
  },
  "GET /api/companies/:cid/transactions": {
    operationId: "listTransactions",
    description:
      "Transaction records, newest first, filtered by time range and status, one cursor page at a time.",
  },
  "GET /api/companies/:cid/transactions/export": {
    operationId: "exportTransactions",
    description:
      "The filtered transaction records as a streamed CSV file; cells that a spreadsheet would read as a formula are escaped.",
  },
  "GET /api/companies/:cid/settlements": {
    operationId: "listSettlements",
    description:
      "Settlement batches, newest first, filtered by time range and status, one cursor page at a time.",
  },
  "GET /api/companies/:cid/settlements/export": {
    operationId: "exportSettlements",
    description:
      "The filtered settlement batches as a streamed CSV file; cells that a spreadsheet would read as a formula are escaped.",
  },
  "GET /api/companies/:cid/developer-center": {
    operationId: "getDeveloperCenter",
    description: "The company's client id, its API keys (masked) and its webhook endpoints.",
  },
  "GET /api/companies/:cid/insights": {
    operationId: "getInsights",
    description: "Payment success rate, performance per payment method, the error report and daily volume.",
  },
  "GET /api/companies/:cid/members/export": {
    operationId: "exportMembers",
    description:
      "The member list as a streamed CSV file in email order, with the list's email, role and status filters; cells that a spreadsheet would read as a formula are escaped. The download is audited.",
  },
  "DELETE /api/companies/:cid/members/:memberId": {
    operationId: "removeMember",
    description:
      "Removes a deactivated member from the company for good; a later invitation makes a new member. An active member gets `409 member_active` (deactivate first). Needs a fresh verification.",
  },
  "DELETE /api/me": {
    operationId: "deleteOwnAccount",
    description:
      "Deletes the caller's account after checking its password and a fresh verification: its sessions and memberships end. Refused with `409 last_admin` while the caller is the last active Admin of a company. Audit events stay, the person's email and name replaced by a pseudonym.",
  },
  "GET /api/companies/:cid/members": {
    operationId: "listMembers",
    description:
      "The member list in email order: a case-insensitive email substring, a role (id or predefined key) and a status filter. Totals come from counters; a substring search counts up to 1,000 and then says `totalExact:false`.",
  },
  "GET /api/companies/:cid/members/:memberId": {
    operationId: "getMember",
    description:
      "One member of the company with their roles, status, version and who invited them (`invitedBy`, null for a founder).",
  },
  "GET /api/companies/:cid/members/:memberId/audit-events": {
    operationId: "listMemberAuditEvents",
    description:
      "The audit events done to one member of the company (roles changed, deactivated, reactivated, ...), newest first. Another company's member answers 404.",
  },
  "PUT /api/companies/:cid/members/:memberId/roles": {
    operationId: "changeMemberRoles",
    description:
      "Replaces a member's roles. The company keeps an active Admin (`409 last_admin`), nobody changes their own roles (`403 self_modification`), and a caller without Admin grants only what they hold (`403 grant_exceeds_own`).",
  },
  "POST /api/companies/:cid/members/:memberId/deactivate": {
    operationId: "deactivateMember",
    description:
      "Deactivates a member: their sessions lose access to the company on their next request. Never the last active Admin, never oneself.",
  },
  "POST /api/companies/:cid/members/:memberId/reactivate": {
    operationId: "reactivateMember",
    description: "Reactivates a deactivated member with the roles they held.",
  },
  "GET /api/companies/:cid/audit-events": {
    operationId: "listAuditEvents",
    description:
      "The company's audit log, newest first, filtered by action, actor and time range. Events cannot be changed or deleted through any interface.",
  },
  "GET /api/companies/:cid/home": {
    operationId: "getCompanyHome",
    description:
      "What the company's Home page shows an Admin: the active members without a second factor (counted up to 1,000, with a few named) and the open invitations (null without `members.invite`).",
  },
  "GET /api/companies/:cid/audit-events/actions": {
    operationId: "listAuditActions",
    description:
      "The catalogue of actions the audit log records, in the order of the catalogue: each action's name (what the log's `action` filter takes), its words and its group.",
  },
  "GET /api/companies/:cid/audit-events/export": {
    operationId: "exportAuditEvents",
    description: "The filtered audit log as a streamed CSV file, newest first; the export itself is audited.",
  },
  "GET /api/permissions": {
    operationId: "listPermissions",
    description: "The permission catalogue: every permission with its group, label and one-line description.",
  },
  "GET /api/companies/:cid/roles": {
    operationId: "listRoles",
    description:
      "The company's predefined and custom roles with their permissions and how many members hold each.",
  },
  "POST /api/companies/:cid/roles": {
    operationId: "createRole",
    description:
      "Creates a custom role. A name taken by another role of the company, or one that looks the same, gets `409 role_name_taken`; an unknown permission `400`.",
  },
  "PATCH /api/companies/:cid/roles/:roleId": {
    operationId: "updateRole",
    description:
      "Changes a custom role's name, description or permissions; the change reaches every member holding it on their next request. Predefined roles: `409 predefined_role`.",
  },
  "DELETE /api/companies/:cid/roles/:roleId": {
    operationId: "deleteRole",
    description:
      "Deletes a custom role that no member holds and no pending invitation offers (else `409 role_in_use`).",
  },
  "POST /api/companies/:cid/invitations": {
    operationId: "inviteMember",
    description:
      "Invites a person by email with one or more roles and mails them a single-use link. The terms must be accepted; an active member, a deactivated member and a pending invitation each get their own `409`.",
  },
  "POST /api/companies/:cid/invitations/batch": {
    operationId: "inviteMembersInBatch",
    description:
      "Invites up to 10 emails with the same roles after one step-up. Each email gets its own result (`invited`, `already_member`, `pending`, `invalid` or `refused` with the rule's `code`); each invitation sent is one audit event, and rule 8's limits refuse the rows past them one by one.",
  },
  "POST /api/companies/:cid/invitations/import/preview": {
    operationId: "previewInvitationImport",
    description:
      "Reads a CSV of invitations (a column `email`, optionally `roles` by name; at most 500 rows) and answers what importing it would do, row by row (`ready` for a row that would be invited), without sending or recording anything.",
  },
  "POST /api/companies/:cid/invitations/import": {
    operationId: "importInvitations",
    description:
      "Invites the people of a CSV (a column `email`, optionally `roles` by name; at most 500 rows) after one step-up, each row as a single invitation would be, with one result per row.",
  },
  "GET /api/companies/:cid/invitations/email-check": {
    operationId: "checkInvitationEmail",
    description:
      "Tells, while the inviter types, what an invitation of this email would meet: `active_member`, `deactivated_member` (with its `memberId`, to offer a reactivation), `invitation_pending` (with its `invitationId`) or `invitable`. An account that is no member of the company reads `invitable`. The send still decides, with its `409`s.",
  },
  "GET /api/companies/:cid/invitations": {
    operationId: "listInvitations",
    description:
      "The company's invitations of every status, newest first. `status` keeps one status or several (`pending,expired`); `search` keeps those whose email contains the text (under three characters: begins with it), as the member list's `email` search does. Pending invitations past their expiry are marked expired before the list is read.",
  },
  "POST /api/companies/:cid/invitations/:invitationId/resend": {
    operationId: "resendInvitation",
    description: "Mails a new link for a pending invitation; the previous link stops working.",
  },
  "DELETE /api/companies/:cid/invitations/:invitationId": {
    operationId: "revokeInvitation",
    description: "Revokes a pending invitation; its link stops working.",
  },
  "GET /api/invitations/:token": {
    operationId: "getInvitationByToken",
    description:
      "What an invitation link offers, for the accept page: company, email, roles, inviter and expiry. A used, revoked or expired link answers `410`.",
  },
  "POST /api/invitations/:token/accept": {
    operationId: "acceptInvitation",
    description:
      "Accepts an invitation and logs the person in: a new person sets a name and password; an existing account must be logged in as, or give the password of, the invited email.",
  },
  "POST /api/verification/step-up": {
    operationId: "startStepUp",
    description:
      "Starts an email verification for an elevation in one company: mails a 6-digit code to the account's alternate email (else its primary email). While this session's code is still pending it answers that challenge again and mails nothing, unless `resend` asks for a new code (not sooner than 60 s, at most 10 an hour). Answers where the code went (masked), when, and when a resend is possible. An account with a passkey is asked for it instead (`method: passkey`): no mail, and `options` holds the WebAuthn request options.",
  },
  "POST /api/verification/step-up/:challengeId/verify": {
    operationId: "verifyStepUp",
    description:
      "Checks a step-up code. The session is elevated for 10 minutes in the company where it was asked and gets a new token. At most 5 wrong tries per code. A passkey challenge takes `assertion` (the WebAuthn answer) instead of `code`; a refused answer ends that challenge.",
  },
  "GET /api/me/passkeys": {
    operationId: "listOwnPasskeys",
    description: "The caller's passkeys with their names, when each was added and last used.",
  },
  "POST /api/me/passkeys/options": {
    operationId: "startPasskeyRegistration",
    description:
      "WebAuthn creation options for a new passkey of the caller's account (discoverable, user verification required), with a single-use challenge for this session; the account's passkeys are excluded. Needs a fresh verification.",
  },
  "POST /api/me/passkeys": {
    operationId: "registerPasskey",
    description:
      "Verifies the authenticator's answer to the registration options (origin, RP ID, user verification) and stores the passkey; audited and mailed to the account. A credential already registered to any account gets `409 passkey_already_registered`; any other refusal `400 passkey_rejected`.",
  },
  "POST /api/auth/passkey/options": {
    operationId: "startPasskeyLogin",
    description:
      "WebAuthn request options for a passwordless login, with a single-use challenge that names no account.",
  },
  "POST /api/auth/passkey": {
    operationId: "logInWithPasskey",
    description:
      "Logs in with a passkey's answer to a login challenge: sets the session and known-device cookies and answers as `GET /api/me`. Every refused answer (unknown passkey, used or unknown challenge, wrong origin, no user verification, a counter that went back) gets the same `401 passkey_login_failed`.",
  },
  "GET /api/auth/sso/saml/metadata": {
    operationId: "getSamlServiceProviderMetadata",
    description:
      "The SAML 2.0 service provider metadata to give the company's identity provider: our entity id (this URL), the assertion consumer service (HTTP-POST) and that assertions must be signed. Made from the company id alone, so it says nothing about whether the company exists.",
  },
  "GET /api/auth/sso/saml/login": {
    operationId: "startSamlLogin",
    description:
      "Starts an SP-initiated SAML login: remembers a new AuthnRequest for this browser (an HttpOnly cookie, 15 minutes) and redirects to the company's identity provider with it. `404 not_found` when the company has no enabled SAML connection.",
  },
  "POST /api/auth/sso/saml/acs": {
    operationId: "receiveSamlResponse",
    description:
      "The assertion consumer service the identity provider's page posts its response to (`application/x-www-form-urlencoded`, `SAMLResponse`). The assertion must be signed by the company's IdP certificate, name our entity id as audience and this URL as recipient, be within its time window (two minutes of skew), answer a login this portal started (unless the company allows IdP-initiated login) and never have been used before. Accepted: a redirect to the completion in the browser that started the login; refused: a redirect to the login page with `sso_error=<reason>`, audited in the company.",
  },
  "GET /api/auth/sso/saml/complete": {
    operationId: "finishSamlLogin",
    description:
      "Where the ACS sends the browser: the browser that started the login (its cookie) gets the person the assertion proved logged in (just-in-time membership, roles from groups) and is redirected to the portal. Any other browser is sent to the login page with `sso_error=expired`.",
  },
  "POST /api/me/alternate-email": {
    operationId: "startAlternateEmailChange",
    description: "Mails a code to a new alternate email; the address is set once the code is confirmed.",
  },
  "POST /api/me/alternate-email/verify": {
    operationId: "confirmAlternateEmailChange",
    description:
      "Confirms the code sent to the new alternate email and sets it as the account's alternate email.",
  },
  "GET /api/companies/:cid/security-policy": {
    operationId: "getSecurityPolicy",
    description:
      "The company's security policy (two-factor requirement, session idle timeout, invitation domains; a company that never set one has the defaults) and the active members whose account has no second factor, the first 100 by name.",
  },
  "PUT /api/companies/:cid/security-policy": {
    operationId: "changeSecurityPolicy",
    description:
      "Replaces the company's security policy; audited as `security.policy_changed` with the values before and after. The idle timeout is 5 minutes up to the portal's own (`400 session_idle_out_of_range`); domains are canonicalised like emails (`400 invalid_invite_domain`, `400 duplicate_invite_domain`), at most 50 (`400 too_many_invite_domains`).",
  },
  "GET /api/companies/:cid/sso": {
    operationId: "getSsoSettings",
    description:
      "The company's single sign-on connection (OpenID Connect or SAML 2.0), its group to role mapping, default role, require-SSO and break-glass Admins, its verified domains, and the values to give the identity provider (redirect URI, ACS URL, entity id). The OIDC client secret is never answered: `hasClientSecret` says whether one is stored.",
  },
  "PUT /api/companies/:cid/sso": {
    operationId: "changeSsoSettings",
    description:
      "Replaces the company's single sign-on settings; audited as `sso.settings_changed` (the client secret only as changed). Send the `version` read (0 before the first save): a stale one gets `409 conflict`. Mapped and default roles must be roles the caller may grant (`403 grant_exceeds_own`); break-glass members, at most two, active Admins; invalid fields get `400 invalid_sso_settings` naming the field.",
  },
  "POST /api/auth/sso/start": {
    operationId: "startSsoLogin",
    description:
      "For the login page's \"Continue with SSO\": when the email's domain is verified by a company with an enabled connection, answers the identity provider URL to send the browser to (and sets a short-lived cookie binding the login to this browser); otherwise `404 sso_not_available`. Decided by the domain alone, never by whether an account exists.",
  },
  "GET /api/companies/:cid/domains": {
    operationId: "listDomains",
    description:
      "The company's domains with their status (`pending` or `verified`) and the TXT record (`portal-verification=<token>`) to publish at each.",
  },
  "POST /api/companies/:cid/domains": {
    operationId: "addDomain",
    description:
      "Adds a domain to verify, canonicalised like an email's (`400 invalid_domain`); answers the TXT record to publish. `409 domain_already_added`; at most 20 (`409 domain_limit_reached`). Audited as `domain.added`.",
  },
  "POST /api/companies/:cid/domains/:domainId/verify": {
    operationId: "verifyDomain",
    description:
      "Looks up the domain's TXT records (through `DNS_SERVERS` when set) and marks it verified when `portal-verification=<token>` is among them; `409 domain_verification_failed` otherwise, `409 domain_taken` when another company has verified it, `503` when DNS does not answer. Audited either way.",
  },
  "DELETE /api/companies/:cid/domains/:domainId": {
    operationId: "removeDomain",
    description:
      "Removes a domain, pending or verified; a verified one stops counting as the company's at once. Audited as `domain.removed`.",
  },
  "GET /api/companies/:cid/scim-tokens": {
    operationId: "listScimTokens",
    description:
      "The company's SCIM tokens, active and revoked, with who made them and when each was last used; never the token itself.",
  },
  "POST /api/companies/:cid/scim-tokens": {
    operationId: "createScimToken",
    description:
      "Creates a named SCIM token for an identity provider. The token is in this answer only and is stored as a hash; at most 10 active (`409 scim_token_limit_reached`). Audited as `scim.token_created`.",
  },
  "DELETE /api/companies/:cid/scim-tokens/:tokenId": {
    operationId: "revokeScimToken",
    description: "Revokes a SCIM token: its next request gets `401`. Audited as `scim.token_revoked`.",
  },
  "GET /scim/v2/ServiceProviderConfig": {
    operationId: "getScimServiceProviderConfig",
    description: "What the SCIM server supports: PATCH and `eq` filters yes; bulk, sorting and ETags no.",
  },
  "GET /scim/v2/ResourceTypes": {
    operationId: "listScimResourceTypes",
    description: "The resource types: User (a member) and Group (a role).",
  },
  "GET /scim/v2/Schemas": {
    operationId: "listScimSchemas",
    description: "The User and Group schemas as this server reads and answers them.",
  },
  "GET /scim/v2/Users": {
    operationId: "listScimUsers",
    description:
      'The company\'s members as SCIM Users, `startIndex`/`count` paged (at most 100 a page). `filter` supports `userName eq "…"`, `externalId eq "…"` and `id eq "…"` only; any other is `400 invalidFilter`.',
  },
  "POST /scim/v2/Users": {
    operationId: "createScimUser",
    description:
      "Provisions a member: the userName's email (of a verified domain of the company) gets an account if it has none, and becomes an active member with the SSO connection's default role, or none until a Group gives one. `409 uniqueness` when already a member. Audited as `scim.user_created`.",
  },
  "GET /scim/v2/Users/:id": {
    operationId: "getScimUser",
    description: "One member as a SCIM User.",
  },
  "PUT /scim/v2/Users/:id": {
    operationId: "replaceScimUser",
    description:
      "Replaces the member's provisioned state: `active` (false deactivates at once, true reactivates) and `externalId`. The userName cannot change (`400 mutability`).",
  },
  "PATCH /scim/v2/Users/:id": {
    operationId: "patchScimUser",
    description:
      "PatchOp in Okta's shape (`replace` with a value object) or Entra ID's (`Replace` with a path and string booleans). `active:false` deactivates at once (rule 9); never the last Admin (`409`, audited). Unknown attributes are `400 invalidPath`.",
  },
  "DELETE /scim/v2/Users/:id": {
    operationId: "deleteScimUser",
    description:
      "Deprovisions: deactivates the member at once, keeping their roles for a reactivation and the audit trail. Never the last Admin (`409`).",
  },
  "GET /scim/v2/Groups": {
    operationId: "listScimGroups",
    description:
      'The company\'s roles as SCIM Groups with their members (`excludedAttributes=members` leaves them out). `filter` supports `displayName eq "…"` and `id eq "…"` only.',
  },
  "GET /scim/v2/Groups/:id": {
    operationId: "getScimGroup",
    description: "One role as a SCIM Group with its members.",
  },
  "PATCH /scim/v2/Groups/:id": {
    operationId: "patchScimGroup",
    description:
      "Adds or removes members, which assigns or unassigns the role (as an Admin would, rules 4 and 6): never the last Admin (`409`, audited). The role's name is the portal's.",
  },
  "GET /api/companies/:cid/webhooks": {
    operationId: "listWebhookEndpoints",
    description:
      "The company's webhook endpoints: URL, event types, description, enabled (or why not) and, after a rotation, until when the previous secret also signs. Secrets are never answered here.",
  },
  "POST /api/companies/:cid/webhooks": {
    operationId: "createWebhookEndpoint",
    description:
      "Adds an endpoint for the chosen event types and answers its signing secret, this once. In production the URL must be https and resolve to public addresses only (`400 webhook_url_not_allowed`); at most 20 endpoints per company (`409 webhook_limit_reached`). Audited as `webhook.endpoint_created`.",
  },
  "PATCH /api/companies/:cid/webhooks/:webhookId": {
    operationId: "updateWebhookEndpoint",
    description:
      "Changes an endpoint's URL, event types or description, or enables or disables it. Events are queued only for enabled endpoints; enabling one again sends what was still queued, in order. Audited with the values before and after.",
  },
  "DELETE /api/companies/:cid/webhooks/:webhookId": {
    operationId: "deleteWebhookEndpoint",
    description: "Deletes an endpoint with its queued deliveries and its log. Audited.",
  },
  "POST /api/companies/:cid/webhooks/:webhookId/rotate-secret": {
    operationId: "rotateWebhookSecret",
    description:
      "Makes a new signing secret and answers it, this once. For 24 hours deliveries carry two `v1` signatures in `Portal-Signature`, by the new secret and by the old one, so a receiver can switch without losing events. Audited.",
  },
  "GET /api/companies/:cid/webhooks/:webhookId/deliveries": {
    operationId: "listWebhookDeliveries",
    description:
      "The endpoint's delivery log, newest first: each event's status (pending, delivered, failed), attempts, and the last attempt's answer status, duration, first bytes (at most 1 KB) and error.",
  },
  "POST /api/companies/:cid/webhooks/deliveries/:deliveryId/redeliver": {
    operationId: "redeliverWebhook",
    description:
      "Queues a delivery's event again (the same event id and body) after the endpoint's queued events, and answers the new delivery. Audited as `webhook.redelivery_requested`.",
  },
  "GET /api/companies/:cid/access-reviews": {
    operationId: "listAccessReviews",
    description:
      "The company's access reviews (PCI DSS 7.2.4), newest first, with how many members each has decided.",
  },
  "POST /api/companies/:cid/access-reviews": {
    operationId: "startAccessReview",
    description:
      "Starts an access review: a snapshot of every member (roles with expiries, status, last activity, second factor). One review may be open at a time (`409 access_review_open`). Audited as `security.access_review_started`.",
  },
  "GET /api/companies/:cid/access-reviews/:reviewId": {
    operationId: "getAccessReview",
    description:
      "One access review with every member as the review found them, their decisions and, once completed, each outcome.",
  },
  "PUT /api/companies/:cid/access-reviews/:reviewId/decisions/:memberId": {
    operationId: "decideAccessReviewMember",
    description:
      "Records the decision for one member of an open review: `keep`, `change` (with `roleIds`, roles of the company) or `deactivate`. A completed review answers `409 access_review_completed`. Audited.",
  },
  "POST /api/companies/:cid/access-reviews/:reviewId/complete": {
    operationId: "completeAccessReview",
    description:
      "Completes a review whose every member has a decision (else `409 access_review_undecided`) and applies the decisions through the normal member rules (4, 5, 6, 9): a refused one is recorded as the member's outcome (e.g. `last_admin`). Needs a fresh step-up. Audited as `security.access_review_completed`.",
  },
  "GET /api/companies/:cid/access-reviews/:reviewId/report": {
    operationId: "downloadAccessReviewReport",
    description:
      "The review's attestation as CSV: one row per member with roles, last activity, second factor, decision, decider and outcome; spreadsheet formulas escaped. Audited.",
  },
  "GET /api/dev/outbox": {
    operationId: "listDevelopmentOutbox",
    description:
      "The embedded development mailbox, newest first. Absent (404) in production, when an SMTP server is configured, and to peers that are not on loopback.",
  },
};

export const TAGS = [
  { name: "auth", description: "Logging in and out, and password resets." },
  { name: "me", description: "The logged-in account: profile, password, alternate email and sessions." },
  { name: "companies", description: "The caller's companies, company info and merchant account info." },
  { name: "members", description: "The member list and member management." },
  { name: "roles", description: "The permission catalogue, predefined roles and custom roles." },
  { name: "invitations", description: "Inviting people and accepting invitations." },
  {
    name: "security",
    description: "The company's security policy, verified domains and SCIM tokens.",
  },
  {
    name: "scim",
    description:
      "The SCIM 2.0 server (RFC 7644) an identity provider provisions members through: Users are members, Groups are roles.",
  },
  { name: "webhooks", description: "Webhook endpoints, their deliveries and signing secrets." },
  { name: "verification", description: "Step-up email verification before sensitive changes." },
  { name: "audit", description: "The company's audit log." },
  {
    name: "portal",
    description: "The portal's sections: transactions, settlements, Developer Center and Insights.",
  },
  { name: "dev", description: "Development-only helpers, absent in production." },
];

/** "POST /api/companies/:cid/roles", the key of OPERATIONS. */
export function operationKey(method: string, url: string): string {
  return `${method.toUpperCase()} ${url}`;
}

/** Who may call an operation, in words, appended to its description so the two never disagree. */
function accessSentence(access: Access | undefined, stepUp: boolean): string {
  const who =
    access?.kind === "public"
      ? "Public: no session needed."
      : access?.kind === "session"
        ? "Needs a session."
        : access?.kind === "second_step"
          ? "Needs the session a correct password made for an account with a second factor, before its second step."
          : access?.kind === "member"
            ? "Needs a session of an active member of the company."
            : access?.kind === "permission"
              ? `Needs the \`${access.permission}\` permission in the company.`
              : access?.kind === "scim_token"
                ? "Needs a company's SCIM bearer token; the token names the company."
                : "";
  return stepUp
    ? `${who} Needs a step-up verification in the last 10 minutes (\`403 step_up_required\`).`
    : who;
}

/** The security requirement an operation states, from the access its route declares. */
export function securityOf(access: Access | undefined): Record<string, string[]>[] {
  if (access?.kind === "public") return [];
  return access?.kind === "scim_token" ? [{ scimBearer: [] }] : [{ session: [] }];
}

/**
 * @fastify/swagger's per-route transform: the catalogue's operationId and description, and the
 * route's security requirement derived from its declared access (public routes state `[]`).
 */
export function documentOperation(input: { schema: FastifySchema; url: string; route: RouteOptions }): {
  schema: FastifySchema;
  url: string;
} {
  const { schema, route } = input;
  const method = [route.method].flat()[0];
  const operation = OPERATIONS[operationKey(String(method), route.url)];
  const config = route.config as { access?: Access; stepUp?: boolean } | undefined;
  if (!operation || schema.hide) return { schema, url: input.url };
  return {
    schema: {
      ...schema,
      operationId: operation.operationId,
      description: `${operation.description}\n\n${accessSentence(config?.access, config?.stepUp === true)}`,
      security: securityOf(config?.access),
    } as FastifySchema,
    url: input.url,
  };
}
