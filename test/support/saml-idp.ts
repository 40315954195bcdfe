// A real SAML 2.0 identity provider for the tests: samlify in its IdP role (schema-checked by
// xmllint) reads our AuthnRequests and signs its login responses with its key, as Okta or Entra ID
// would. Every field of a response can be chosen (time, audience, recipient, InResponseTo), it can
// sign with another key or not at all, and `tamper` edits the XML after signing, for the attacks.
// The keys in saml-keys/ are test-only, made for this suite (openssl req -x509, RSA 2048).
import { readFileSync } from "node:fs";
import path from "node:path";
import * as xmllint from "@authenio/samlify-node-xmllint";
import * as samlify from "samlify";

samlify.setSchemaValidator(xmllint);

const KEYS = path.join(import.meta.dirname, "saml-keys");
const key = (name: string) => readFileSync(path.join(KEYS, name), "utf8");

export const IDP_CERTIFICATE = key("idp.cert.pem");
export const ATTACKER_CERTIFICATE = key("attacker.cert.pem");

const POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";
const REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
export const EMAIL_FORMAT = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";
export const PERSISTENT_FORMAT = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent";

export type ResponseOptions = {
  /** Our SP's entity id (the audience) and ACS URL (recipient and destination), unless overridden. */
  sp: { entityId: string; acsUrl: string };
  nameId: string;
  nameIdFormat?: string;
  attributes?: Record<string, string | string[]>;
  /** The AuthnRequest answered; null or absent: an IdP-initiated (unsolicited) response. */
  inResponseTo?: string | null;
  issuedAt: Date;
  /** How long the assertion and its bearer confirmation stay valid (5 minutes). */
  validForMs?: number;
  /** Conditions' NotBefore (issuedAt by default). */
  notBefore?: Date;
  audience?: string;
  recipient?: string;
  destination?: string;
  issuer?: string;
  assertionId?: string;
  /** "idp" (the configured key), "attacker" (another key), "none", or "message" (the envelope only). */
  signedBy?: "idp" | "attacker" | "none" | "message";
  /** Edits the XML after signing. */
  tamper?: (xml: string) => string;
};

let counter = 0;
export const newSamlId = () => `_test${Date.now().toString(16)}${(counter++).toString(16).padStart(8, "0")}`;

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function attributeStatement(attributes: Record<string, string | string[]>): string {
  const entries = Object.entries(attributes);
  if (entries.length === 0) return "";
  const body = entries
    .map(([name, value]) => {
      const values = (Array.isArray(value) ? value : [value])
        .map((v) => `<saml:AttributeValue xsi:type="xs:string">${escapeXml(v)}</saml:AttributeValue>`)
        .join("");
      return `<saml:Attribute Name="${escapeXml(name)}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic">${values}</saml:Attribute>`;
    })
    .join("");
  return `<saml:AttributeStatement>${body}</saml:AttributeStatement>`;
}

export type TestIdp = ReturnType<typeof createTestIdp>;

/** An IdP with the entity id and SSO URL given (the SSO URL is where our SP sends the browser). */
export function createTestIdp(options: { entityId?: string; ssoUrl?: string } = {}) {
  const entityId = options.entityId ?? "https://idp.saml.test/metadata";
  const ssoUrl = options.ssoUrl ?? "https://idp.saml.test/sso";
  const identityProvider = (keyName: "idp" | "attacker") =>
    samlify.IdentityProvider({
      entityID: entityId,
      privateKey: key(`${keyName}.key.pem`),
      signingCert: key(`${keyName}.cert.pem`),
      isAssertionEncrypted: false,
      wantAuthnRequestsSigned: false,
      nameIDFormat: [EMAIL_FORMAT],
      singleSignOnService: [
        { Binding: REDIRECT, Location: ssoUrl },
        { Binding: POST, Location: ssoUrl },
      ],
    });
  const idps = { idp: identityProvider("idp"), attacker: identityProvider("attacker") };
  const serviceProvider = (sp: { entityId: string; acsUrl: string }, wantAssertionsSigned: boolean) =>
    samlify.ServiceProvider({
      entityID: sp.entityId,
      wantAssertionsSigned,
      authnRequestsSigned: false,
      assertionConsumerService: [{ Binding: POST, Location: sp.acsUrl }],
    });

  return {
    entityId,
    ssoUrl,
    certificate: IDP_CERTIFICATE,

    /** Reads the AuthnRequest our SP put in the redirect URL, as the IdP's SSO endpoint would. */
    async readAuthnRequest(redirectUrl: string, sp: { entityId: string; acsUrl: string }) {
      const url = new URL(redirectUrl);
      const query = Object.fromEntries(url.searchParams);
      const parsed = await idps.idp.parseLoginRequest(serviceProvider(sp, true), "redirect", {
        query,
        octetString: url.search.slice(1),
      });
      const request = (parsed.extract as { request: { id: string; issuer?: string } }).request;
      return {
        id: request.id,
        issuer: (parsed.extract as { issuer?: string }).issuer ?? null,
        acsUrl: (parsed.extract as { request: { assertionConsumerServiceUrl?: string } }).request
          .assertionConsumerServiceUrl,
        relayState: query.RelayState ?? null,
      };
    },

    /** A login response as base64, the value the browser posts as SAMLResponse. */
    async response(o: ResponseOptions): Promise<string> {
      const issued = o.issuedAt.toISOString();
      const until = new Date(o.issuedAt.getTime() + (o.validForMs ?? 5 * 60_000)).toISOString();
      const values = {
        ID: newSamlId(),
        AssertionID: o.assertionId ?? newSamlId(),
        Destination: o.destination ?? o.sp.acsUrl,
        Audience: o.audience ?? o.sp.entityId,
        SubjectRecipient: o.recipient ?? o.sp.acsUrl,
        Issuer: o.issuer ?? entityId,
        IssueInstant: issued,
        StatusCode: "urn:oasis:names:tc:SAML:2.0:status:Success",
        ConditionsNotBefore: (o.notBefore ?? o.issuedAt).toISOString(),
        ConditionsNotOnOrAfter: until,
        SubjectConfirmationDataNotOnOrAfter: until,
        NameIDFormat: o.nameIdFormat ?? EMAIL_FORMAT,
        NameID: o.nameId,
        InResponseTo: o.inResponseTo ?? null,
      };
      const statements =
        `<saml:AuthnStatement AuthnInstant="${issued}" SessionIndex="${values.AssertionID}"><saml:AuthnContext>` +
        "<saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef>" +
        `</saml:AuthnContext></saml:AuthnStatement>${attributeStatement(o.attributes ?? {})}`;
      const fill = (template: string) =>
        samlify.SamlLib.replaceTagsByValue(
          template.replace("{AuthnStatement}{AttributeStatement}", statements),
          values as unknown as Record<string, string>,
        );
      const signedBy = o.signedBy ?? "idp";
      let xml: string;
      if (signedBy === "none") {
        xml = fill(samlify.SamlLib.defaultLoginResponseTemplate.context);
      } else {
        const context = (await idps[signedBy === "attacker" ? "attacker" : "idp"].createLoginResponse(
          serviceProvider(o.sp, signedBy !== "message"),
          { extract: {} },
          "post",
          {},
          { customTagReplacement: (template) => ({ id: values.ID, context: fill(template) }) },
        )) as { context: string };
        xml = Buffer.from(context.context, "base64").toString("utf8");
      }
      if (o.tamper) xml = o.tamper(xml);
      return Buffer.from(xml, "utf8").toString("base64");
    },
  };
}

/** The XML inside a base64 SAMLResponse, and back: for tests that edit a response by hand. */
export const decodeResponse = (base64: string) => Buffer.from(base64, "base64").toString("utf8");
export const encodeResponse = (xml: string) => Buffer.from(xml, "utf8").toString("base64");
