// SAML 2.0 login's three steps (SPEC §6.3): send the person to the company's IdP with an
// AuthnRequest remembered for their browser, accept the IdP's answer at the ACS (once per assertion,
// only for a request we sent unless IdP-initiated login is on), and hand the browser that asked the
// identity the assertion proved. Refusals are audited in the company's log with their reason.
import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import { hashSecretToken, newSecretToken } from "../../access/tokens.js";
import { recordAudit } from "../../audit/writer.js";
import type { Clock } from "../../clock.js";
import type { DB } from "../../db/schema.js";
import { AppError } from "../../errors.js";
import type { RequestMeta } from "../../http/request-meta.js";
import type { SsoRefusalReason } from "../login.js";
import {
  checkSamlResponse,
  type SamlIdentity,
  SamlRefusal,
  type SamlRefusalReason,
  samlClient,
} from "./assertion.js";
import {
  findEnabledSamlConnection,
  insertLoginRequest,
  purgeExpired,
  recordAnswer,
  rememberAssertion,
  takeAnsweredLogin,
} from "./queries.js";

export type SamlDeps = { db: Kysely<DB>; clock: Clock; publicUrl: string };

/** How long a person may take at the IdP before its answer is no longer awaited. */
export const SAML_REQUEST_TTL_MS = 15 * 60_000;
/** Between the ACS accepting an answer and the browser's next request: a redirect, so short. */
export const SAML_ANSWER_TTL_MS = 2 * 60_000;

/** Why a login through SAML stops, beyond what the assertion itself got wrong. */
export type SamlLoginRefusalReason =
  | SamlRefusalReason
  | "sso_not_available"
  | "in_response_to_unknown"
  | "idp_initiated_not_allowed"
  | "assertion_replayed";

/**
 * What the login page tells the person (the SSO core's reasons); the audit log keeps the SAML check
 * that failed. Anything wrong with the response itself is one reason: the person can do nothing
 * about which check it was, and an attacker learns nothing from it.
 */
export function personFacingReason(reason: SamlLoginRefusalReason): SsoRefusalReason {
  switch (reason) {
    case "sso_not_available":
      return "sso_not_enabled";
    case "in_response_to_unknown":
    case "assertion_expired":
      return "expired";
    case "status_not_success":
      return "idp_error";
    case "email_missing":
      return "invalid_email";
    default:
      return "invalid_response";
  }
}

export class SamlLoginRefused extends Error {
  constructor(readonly reason: SamlLoginRefusalReason) {
    super(`SAML login refused: ${reason}`);
  }
}

function newRequestId(): string {
  // An xs:ID must not start with a digit; 160 bits from the CSPRNG.
  return `_${randomBytes(20).toString("hex")}`;
}

/**
 * Starts an SP-initiated login: the IdP URL carrying a fresh AuthnRequest, and the secret the
 * browser keeps (in a cookie) to claim the answer. `not_found` when the company has no enabled SAML
 * connection, whether or not the company exists.
 */
export async function beginSamlLogin(
  deps: SamlDeps,
  companyId: string,
): Promise<{ redirectUrl: string; browserSecret: string; expiresAt: Date }> {
  const connection = await findEnabledSamlConnection(deps.db, companyId);
  if (!connection) throw new AppError("not_found");
  const now = deps.clock.now();
  const requestId = newRequestId();
  const browserSecret = newSecretToken();
  const expiresAt = new Date(now.getTime() + SAML_REQUEST_TTL_MS);
  const redirectUrl = await samlClient(deps.publicUrl, connection, {
    generateRequestId: () => requestId,
  }).getAuthorizeUrlAsync("", undefined, {});
  await purgeExpired(deps.db, now);
  await insertLoginRequest(deps.db, {
    id: requestId,
    companyId: connection.companyId,
    bindingHash: hashSecretToken(browserSecret),
    now,
    expiresAt,
  });
  return { redirectUrl, browserSecret, expiresAt };
}

/**
 * The ACS: checks the IdP's response for the company and records what it proves on the request it
 * answers. The POST comes from the IdP's page without our cookies, so nothing logs in here; an
 * IdP-initiated answer (no request) gets a new browser secret, which the caller sets as the cookie.
 */
export async function acceptSamlResponse(
  deps: SamlDeps,
  input: { companyId: string; samlResponse: string; meta: RequestMeta },
): Promise<{ browserSecret: string | null }> {
  const now = deps.clock.now();
  const connection = await findEnabledSamlConnection(deps.db, input.companyId);
  try {
    if (!connection) throw new SamlLoginRefused("sso_not_available");
    let checked: Awaited<ReturnType<typeof checkSamlResponse>>;
    try {
      checked = await checkSamlResponse(deps.publicUrl, connection, input.samlResponse, now);
    } catch (error) {
      if (error instanceof SamlRefusal) throw new SamlLoginRefused(error.reason);
      throw error;
    }
    const answerExpiresAt = new Date(now.getTime() + SAML_ANSWER_TTL_MS);
    return await deps.db.transaction().execute(async (trx) => {
      const isFirstUse = await rememberAssertion(trx, {
        companyId: connection.companyId,
        assertionId: checked.assertionId,
        now,
        expiresAt: checked.usableUntil,
      });
      if (!isFirstUse) throw new SamlLoginRefused("assertion_replayed");
      if (checked.inResponseTo !== null) {
        const isAwaited = await recordAnswer(trx, {
          requestId: checked.inResponseTo,
          companyId: connection.companyId,
          identity: checked.identity,
          now,
          expiresAt: answerExpiresAt,
        });
        if (!isAwaited) throw new SamlLoginRefused("in_response_to_unknown");
        return { browserSecret: null };
      }
      // Unsolicited: nothing ties it to a browser, which is why it must be switched on.
      if (!connection.allowIdpInitiated) throw new SamlLoginRefused("idp_initiated_not_allowed");
      const browserSecret = newSecretToken();
      await insertLoginRequest(trx, {
        id: newRequestId(),
        companyId: connection.companyId,
        bindingHash: hashSecretToken(browserSecret),
        identity: checked.identity,
        now,
        expiresAt: answerExpiresAt,
      });
      return { browserSecret };
    });
  } catch (error) {
    if (error instanceof SamlLoginRefused && connection) {
      await recordAudit(deps.db, {
        action: "sso.login_refused",
        outcome: "denied",
        companyId: connection.companyId,
        details: { reason: personFacingReason(error.reason), protocol: "saml", check: error.reason },
        meta: input.meta,
        at: now,
      });
    }
    throw error;
  }
}

/**
 * The browser that asked comes back with its secret: answers the identity the ACS recorded for it,
 * once. Another browser (a forwarded or planted response) finds nothing.
 */
export async function claimSamlIdentity(
  deps: SamlDeps,
  browserSecret: string | undefined,
): Promise<SamlIdentity> {
  if (!browserSecret || browserSecret.length > 100) throw new SamlLoginRefused("in_response_to_unknown");
  const answered = await takeAnsweredLogin(deps.db, hashSecretToken(browserSecret), deps.clock.now());
  if (!answered) throw new SamlLoginRefused("in_response_to_unknown");
  return answered.identity;
}
