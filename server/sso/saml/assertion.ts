// Checking an IdP's SAML response for one company's connection and reading the person out of it.
// node-saml verifies the XML signature (the assertion itself must be signed by the company's IdP
// certificate, one assertion only) and the audience; the rest is checked here, on the signed
// assertion only, with the injected clock: issuer, recipient, destination, time window, and the
// InResponseTo the caller must match to a pending request. No database: the service does that.
import { type Profile, SAML, ValidateInResponseTo } from "@node-saml/node-saml";
import { parseXml2JsFromString } from "@node-saml/node-saml/lib/xml.js";
import { canonicalizeEmail } from "../../identity/email.js";
import { serviceProviderUrls } from "./service-provider.js";

/** Clocks of the IdP and ours may differ by this much either way. */
export const SAML_CLOCK_SKEW_MS = 2 * 60_000;
/** An assertion issued longer ago than this is refused, whatever its own validity says. */
export const SAML_MAX_ASSERTION_AGE_MS = 10 * 60_000;

const BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer";
const EMAIL_FORMAT = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";
const SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success";
// Where IdPs put the email and the name when the NameID is not an email (Okta, Entra ID, Google, ADFS).
const EMAIL_ATTRIBUTES = [
  "email",
  "mail",
  "emailAddress",
  "urn:oid:0.9.2342.19200300.100.1.3",
  "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
];
const NAME_ATTRIBUTES = [
  "name",
  "displayName",
  "urn:oid:2.16.840.1.113730.3.1.241",
  "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
  "http://schemas.microsoft.com/identity/claims/displayname",
];
const GIVEN_NAME_ATTRIBUTES = [
  "givenName",
  "firstName",
  "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
];
const SURNAME_ATTRIBUTES = [
  "sn",
  "surname",
  "lastName",
  "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
];
const MAX_GROUPS = 500;

export type SamlConnection = {
  companyId: string;
  idpEntityId: string;
  idpSsoUrl: string;
  idpCertificate: string;
  allowIdpInitiated: boolean;
  groupsAttribute: string;
};

/** What a valid assertion proves about a person; the SSO core takes it from here. */
export type SamlIdentity = {
  companyId: string;
  protocol: "saml";
  /** The IdP's NameID for the person. */
  subject: string;
  email: string;
  name: string;
  groups: string[];
};

export type CheckedAssertion = {
  assertionId: string;
  /** The AuthnRequest the IdP answers (signed, from the bearer confirmation); null: IdP-initiated. */
  inResponseTo: string | null;
  identity: SamlIdentity;
  /** Past this the assertion fails the time checks anyway: how long its id must stay remembered. */
  usableUntil: Date;
};

export type SamlRefusalReason =
  | "malformed"
  | "signature_invalid"
  | "issuer_mismatch"
  | "audience_mismatch"
  | "recipient_mismatch"
  | "destination_mismatch"
  | "in_response_to_mismatch"
  | "assertion_not_yet_valid"
  | "assertion_expired"
  | "status_not_success"
  | "email_missing";

/** A response we refuse; `reason` is what the audit log and the person are told. */
export class SamlRefusal extends Error {
  constructor(
    readonly reason: SamlRefusalReason,
    message: string,
  ) {
    super(message);
  }
}

/** The node-saml instance for a connection: its signature checks, and the AuthnRequests it writes. */
export function samlClient(
  publicUrl: string,
  connection: SamlConnection,
  options: { generateRequestId?: () => string } = {},
): SAML {
  const sp = serviceProviderUrls(publicUrl, connection.companyId);
  return new SAML({
    idpCert: connection.idpCertificate,
    issuer: sp.entityId,
    callbackUrl: sp.acsUrl,
    audience: sp.entityId,
    entryPoint: connection.idpSsoUrl,
    idpIssuer: connection.idpEntityId,
    wantAssertionsSigned: true,
    // A signed assertion in an unsigned envelope is the common case (Okta, Entra ID's default).
    wantAuthnResponseSigned: false,
    // Time is checked below with the injected clock; InResponseTo against our own table.
    acceptedClockSkewMs: -1,
    validateInResponseTo: ValidateInResponseTo.never,
    identifierFormat: EMAIL_FORMAT,
    disableRequestedAuthnContext: true,
    signatureAlgorithm: "sha256",
    ...(options.generateRequestId ? { generateUniqueId: options.generateRequestId } : {}),
  });
}

type XmlNode = { $?: Record<string, string>; _?: string; [child: string]: unknown };

function children(node: XmlNode | undefined, name: string): XmlNode[] {
  const value = node?.[name];
  return Array.isArray(value) ? (value as XmlNode[]) : [];
}

function instant(value: string | undefined, what: string): number | null {
  if (value === undefined) return null;
  const ms = Date.parse(value);
  if (!Number.isFinite(ms) || !/^\d{4}-\d\d-\d\dT/.test(value)) {
    throw new SamlRefusal("malformed", `The assertion's ${what} is not a time.`);
  }
  return ms;
}

function libraryRefusal(error: unknown): SamlRefusal {
  const message = error instanceof Error ? error.message : String(error);
  if (/audience/i.test(message))
    return new SamlRefusal("audience_mismatch", "The assertion is for another audience.");
  if (/signature|assertion from signed data/i.test(message)) {
    return new SamlRefusal(
      "signature_invalid",
      "The response carries no valid signature of the company's IdP.",
    );
  }
  if (/provider returned/i.test(message))
    return new SamlRefusal("status_not_success", "The IdP refused the login.");
  if (/issuer/i.test(message))
    return new SamlRefusal("issuer_mismatch", "The assertion comes from another IdP.");
  return new SamlRefusal("malformed", "The SAML response could not be read.");
}

function attributeValues(attributes: Record<string, unknown>, name: string): string[] {
  const value = attributes[name];
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.filter((item): item is string => typeof item === "string");
}

function firstAttribute(attributes: Record<string, unknown>, names: string[]): string | undefined {
  for (const name of names) {
    const value = attributeValues(attributes, name)[0]?.trim();
    if (value) return value;
  }
  return undefined;
}

function readIdentity(connection: SamlConnection, profile: Profile): SamlIdentity {
  const attributes = (profile.attributes ?? {}) as Record<string, unknown>;
  const subject = profile.nameID?.trim();
  if (!subject) throw new SamlRefusal("malformed", "The assertion names no subject.");
  const claimed =
    profile.nameIDFormat === EMAIL_FORMAT ? subject : (firstAttribute(attributes, EMAIL_ATTRIBUTES) ?? "");
  const canonical = canonicalizeEmail(claimed);
  if (!canonical.ok) throw new SamlRefusal("email_missing", "The assertion carries no valid email address.");
  const fullName =
    firstAttribute(attributes, NAME_ATTRIBUTES) ??
    [firstAttribute(attributes, GIVEN_NAME_ATTRIBUTES), firstAttribute(attributes, SURNAME_ATTRIBUTES)]
      .filter(Boolean)
      .join(" ");
  const groups = [...new Set(attributeValues(attributes, connection.groupsAttribute).map((g) => g.trim()))]
    .filter((group) => group.length > 0 && group.length <= 300)
    .slice(0, MAX_GROUPS);
  const email = canonical.email;
  return {
    companyId: connection.companyId,
    protocol: "saml",
    subject,
    email,
    name: fullName.trim() || (email.split("@")[0] ?? email),
    groups,
  };
}

/**
 * Checks a base64 SAMLResponse posted to the company's ACS and answers the assertion's id, the
 * request it answers and the person. Throws SamlRefusal for anything not exactly right.
 */
export async function checkSamlResponse(
  publicUrl: string,
  connection: SamlConnection,
  samlResponse: string,
  now: Date,
): Promise<CheckedAssertion> {
  const sp = serviceProviderUrls(publicUrl, connection.companyId);
  let profile: Profile | null;
  try {
    ({ profile } = await samlClient(publicUrl, connection).validatePostResponseAsync({
      SAMLResponse: samlResponse,
    }));
  } catch (error) {
    throw libraryRefusal(error);
  }
  if (!profile) throw new SamlRefusal("malformed", "The SAML response holds no assertion.");

  // Everything below reads the signed assertion as node-saml extracted it, never the envelope,
  // except two envelope checks that only ever refuse.
  const assertion = (profile.getAssertion?.() as { Assertion?: XmlNode } | undefined)?.Assertion;
  if (!assertion) throw new SamlRefusal("malformed", "The SAML response holds no assertion.");
  const envelope = (await parseXml2JsFromString(profile.getSamlResponseXml?.() ?? "")) as {
    Response?: XmlNode;
  };
  const response = envelope.Response;
  const statusCode = children(children(response, "Status")[0], "StatusCode")[0]?.$?.Value;
  if (statusCode !== SUCCESS) throw new SamlRefusal("status_not_success", "The IdP refused the login.");
  const destination = response?.$?.Destination;
  if (destination !== undefined && destination !== sp.acsUrl) {
    throw new SamlRefusal("destination_mismatch", "The response was sent to another destination.");
  }

  const issuer = children(assertion, "Issuer")[0]?._?.trim();
  if (issuer !== connection.idpEntityId) {
    throw new SamlRefusal("issuer_mismatch", "The assertion comes from another IdP.");
  }
  const assertionId = assertion.$?.ID;
  if (!assertionId || assertionId.length > 200)
    throw new SamlRefusal("malformed", "The assertion has no id.");

  const nowMs = now.getTime();
  const issuedAt = instant(assertion.$?.IssueInstant, "IssueInstant");
  if (issuedAt === null) throw new SamlRefusal("malformed", "The assertion has no IssueInstant.");
  if (issuedAt > nowMs + SAML_CLOCK_SKEW_MS)
    throw new SamlRefusal("assertion_not_yet_valid", "The assertion is not valid yet.");
  const tooOldAt = issuedAt + SAML_MAX_ASSERTION_AGE_MS;
  if (nowMs - SAML_CLOCK_SKEW_MS >= tooOldAt)
    throw new SamlRefusal("assertion_expired", "The assertion has expired.");

  const conditions = children(assertion, "Conditions");
  if (conditions.length !== 1)
    throw new SamlRefusal("malformed", "The assertion needs one Conditions element.");
  const notBefore = instant(conditions[0]?.$?.NotBefore, "NotBefore");
  const notOnOrAfter = instant(conditions[0]?.$?.NotOnOrAfter, "NotOnOrAfter");
  if (notBefore !== null && nowMs + SAML_CLOCK_SKEW_MS < notBefore) {
    throw new SamlRefusal("assertion_not_yet_valid", "The assertion is not valid yet.");
  }
  if (notOnOrAfter !== null && nowMs - SAML_CLOCK_SKEW_MS >= notOnOrAfter) {
    throw new SamlRefusal("assertion_expired", "The assertion has expired.");
  }

  // SAML's Web SSO profile: a bearer confirmation naming our ACS, with an end, answering our request.
  const subject = children(assertion, "Subject")[0];
  const bearers = children(subject, "SubjectConfirmation").filter((c) => c.$?.Method === BEARER);
  if (bearers.length === 0) throw new SamlRefusal("malformed", "The assertion has no bearer confirmation.");
  let refusal: SamlRefusal | null = null;
  let confirmed: { inResponseTo: string | null; until: number } | null = null;
  for (const bearer of bearers) {
    const data = children(bearer, "SubjectConfirmationData")[0]?.$ ?? {};
    const until = instant(data.NotOnOrAfter, "confirmation's NotOnOrAfter");
    const from = instant(data.NotBefore, "confirmation's NotBefore");
    if (data.Recipient !== sp.acsUrl) {
      refusal ??= new SamlRefusal("recipient_mismatch", "The assertion was made for another recipient.");
    } else if (until === null) {
      refusal ??= new SamlRefusal("malformed", "The bearer confirmation has no end.");
    } else if (nowMs - SAML_CLOCK_SKEW_MS >= until) {
      refusal ??= new SamlRefusal("assertion_expired", "The assertion has expired.");
    } else if (from !== null && nowMs + SAML_CLOCK_SKEW_MS < from) {
      refusal ??= new SamlRefusal("assertion_not_yet_valid", "The assertion is not valid yet.");
    } else {
      confirmed = { inResponseTo: data.InResponseTo || null, until };
      break;
    }
  }
  if (!confirmed) throw refusal ?? new SamlRefusal("malformed", "The assertion has no usable confirmation.");
  const envelopeInResponseTo = response?.$?.InResponseTo || null;
  if (envelopeInResponseTo !== null && envelopeInResponseTo !== confirmed.inResponseTo) {
    throw new SamlRefusal("in_response_to_mismatch", "The response answers another request.");
  }

  const ends = [tooOldAt, confirmed.until, ...(notOnOrAfter === null ? [] : [notOnOrAfter])];
  return {
    assertionId,
    inResponseTo: confirmed.inResponseTo,
    identity: readIdentity(connection, profile),
    usableUntil: new Date(Math.min(...ends) + SAML_CLOCK_SKEW_MS),
  };
}
