// SQL of SAML login: the company's enabled SAML connection, logins in flight (migration 030) and
// the assertion ids already used.
import type { Kysely, Transaction } from "kysely";
import type { DB } from "../../db/schema.js";
import type { SamlConnection, SamlIdentity } from "./assertion.js";

type Db = Kysely<DB> | Transaction<DB>;

/** The company's SAML connection when it is enabled; null for any other company (no difference told). */
export async function findEnabledSamlConnection(db: Db, companyId: string): Promise<SamlConnection | null> {
  const row = await db
    .selectFrom("sso_connections")
    .select([
      "company_id",
      "saml_idp_entity_id",
      "saml_idp_sso_url",
      "saml_idp_certificate",
      "saml_allow_idp_initiated",
      "groups_attribute",
    ])
    .where("company_id", "=", companyId)
    .where("protocol", "=", "saml")
    .where("enabled", "=", true)
    .executeTakeFirst();
  if (!row?.saml_idp_entity_id || !row.saml_idp_sso_url || !row.saml_idp_certificate) return null;
  return {
    companyId: row.company_id,
    idpEntityId: row.saml_idp_entity_id,
    idpSsoUrl: row.saml_idp_sso_url,
    idpCertificate: row.saml_idp_certificate,
    allowIdpInitiated: row.saml_allow_idp_initiated,
    groupsAttribute: row.groups_attribute,
  };
}

export async function insertLoginRequest(
  db: Db,
  request: {
    id: string;
    companyId: string;
    bindingHash: string;
    identity?: SamlIdentity;
    now: Date;
    expiresAt: Date;
  },
): Promise<void> {
  await db
    .insertInto("saml_login_requests")
    .values({
      id: request.id,
      company_id: request.companyId,
      browser_binding_hash: request.bindingHash,
      identity: request.identity ? JSON.stringify(request.identity) : null,
      asserted_at: request.identity ? request.now : null,
      created_at: request.now,
      expires_at: request.expiresAt,
    })
    .execute();
}

/**
 * Records the identity on the pending request the IdP answers, once: a request already answered,
 * expired, or of another company is not found. Its life shrinks to the browser's next step.
 */
export async function recordAnswer(
  trx: Transaction<DB>,
  answer: { requestId: string; companyId: string; identity: SamlIdentity; now: Date; expiresAt: Date },
): Promise<boolean> {
  const row = await trx
    .updateTable("saml_login_requests")
    .set({ identity: JSON.stringify(answer.identity), asserted_at: answer.now, expires_at: answer.expiresAt })
    .where("id", "=", answer.requestId)
    .where("company_id", "=", answer.companyId)
    .where("identity", "is", null)
    .where("expires_at", ">", answer.now)
    .returning("id")
    .executeTakeFirst();
  return row !== undefined;
}

/** Takes the answered login bound to this browser, at most once. */
export async function takeAnsweredLogin(
  db: Db,
  bindingHash: string,
  now: Date,
): Promise<{ companyId: string; identity: SamlIdentity } | null> {
  const row = await db
    .deleteFrom("saml_login_requests")
    .where("browser_binding_hash", "=", bindingHash)
    .where("identity", "is not", null)
    .where("expires_at", ">", now)
    .returning(["company_id", "identity"])
    .executeTakeFirst();
  if (!row?.identity) return null;
  const identity = (
    typeof row.identity === "string" ? JSON.parse(row.identity) : row.identity
  ) as SamlIdentity;
  return { companyId: row.company_id, identity };
}

/** Remembers an assertion id; false when it was already used (the primary key decides races). */
export async function rememberAssertion(
  trx: Transaction<DB>,
  assertion: { companyId: string; assertionId: string; now: Date; expiresAt: Date },
): Promise<boolean> {
  const row = await trx
    .insertInto("saml_used_assertions")
    .values({
      company_id: assertion.companyId,
      assertion_id: assertion.assertionId,
      used_at: assertion.now,
      expires_at: assertion.expiresAt,
    })
    .onConflict((oc) => oc.columns(["company_id", "assertion_id"]).doNothing())
    .returning("assertion_id")
    .executeTakeFirst();
  return row !== undefined;
}

/** Drops what can no longer be used: expired logins in flight, and assertion ids past their life. */
export async function purgeExpired(db: Db, now: Date): Promise<void> {
  await db.deleteFrom("saml_login_requests").where("expires_at", "<=", now).execute();
  await db.deleteFrom("saml_used_assertions").where("expires_at", "<=", now).execute();
}
