// SPEC §6.3, SAML 2.0: what makes an IdP's response acceptable, checked against responses a real
// IdP (samlify, test/support/saml-idp.ts) signs: signed assertions only, by the company's IdP key,
// one assertion (no signature wrapping), our audience and recipient, the time window with a small
// skew, and the person read from NameID and attributes. The login flow around it (InResponseTo,
// replay, IdP-initiated, the session) is in spec-6-3-saml-login.test.ts.
import { describe, expect, it } from "vitest";
import {
  checkSamlResponse,
  SAML_CLOCK_SKEW_MS,
  type SamlConnection,
  SamlRefusal,
} from "../server/sso/saml/assertion.js";
import { serviceProviderMetadata, serviceProviderUrls } from "../server/sso/saml/service-provider.js";
import {
  createTestIdp,
  decodeResponse,
  encodeResponse,
  PERSISTENT_FORMAT,
  type ResponseOptions,
} from "./support/saml-idp.js";

const PUBLIC_URL = "http://portal.test";
const COMPANY_ID = "7d2f3c1a-5b6e-4f70-8a91-b2c3d4e5f607";
const OTHER_COMPANY_ID = "9a8b7c6d-5e4f-4321-8fed-cba987654321";
const NOW = new Date("2026-03-02T09:00:00Z");
const REQUEST_ID = `_${"ab".repeat(20)}`;

const idp = createTestIdp();
const sp = serviceProviderUrls(PUBLIC_URL, COMPANY_ID);
const connection: SamlConnection = {
  companyId: COMPANY_ID,
  idpEntityId: idp.entityId,
  idpSsoUrl: idp.ssoUrl,
  idpCertificate: idp.certificate,
  allowIdpInitiated: false,
  groupsAttribute: "memberOf",
};

function respond(overrides: Partial<ResponseOptions> = {}) {
  return idp.response({
    sp,
    nameId: "ada@acme.test",
    attributes: { displayName: "Ada Lovelace", memberOf: ["Payments Admins", "Everyone"] },
    inResponseTo: REQUEST_ID,
    issuedAt: NOW,
    ...overrides,
  });
}

async function refusalOf(response: Promise<string> | string, at = NOW): Promise<string> {
  try {
    await checkSamlResponse(PUBLIC_URL, connection, await response, at);
  } catch (error) {
    if (error instanceof SamlRefusal) return error.reason;
    throw error;
  }
  return "accepted";
}

describe("SPEC 6.3: checking a SAML response", () => {
  it("accepts a signed response of the company's IdP and reads the person, the request and the assertion id", async () => {
    const checked = await checkSamlResponse(
      PUBLIC_URL,
      connection,
      await respond({ assertionId: "_a1" }),
      NOW,
    );
    expect(checked).toEqual({
      assertionId: "_a1",
      inResponseTo: REQUEST_ID,
      identity: {
        companyId: COMPANY_ID,
        protocol: "saml",
        subject: "ada@acme.test",
        email: "ada@acme.test",
        name: "Ada Lovelace",
        groups: ["Payments Admins", "Everyone"],
      },
      // Kept until the bearer confirmation ends (5 minutes), plus the skew.
      usableUntil: new Date(NOW.getTime() + 5 * 60_000 + SAML_CLOCK_SKEW_MS),
    });
  });

  it("reads the email from an attribute when the NameID is an opaque persistent id, and canonicalizes it", async () => {
    const checked = await checkSamlResponse(
      PUBLIC_URL,
      connection,
      await respond({
        nameId: "00u1abcd",
        nameIdFormat: PERSISTENT_FORMAT,
        attributes: { email: " Grace.Hopper@ACME.test ", givenName: "Grace", sn: "Hopper", memberOf: "Ops" },
      }),
      NOW,
    );
    expect(checked.identity).toMatchObject({
      subject: "00u1abcd",
      email: "grace.hopper@acme.test",
      name: "Grace Hopper",
      groups: ["Ops"],
    });
  });

  it("refuses an assertion without a usable email", async () => {
    expect(
      await refusalOf(respond({ nameId: "00u1", nameIdFormat: PERSISTENT_FORMAT, attributes: {} })),
    ).toBe("email_missing");
    expect(await refusalOf(respond({ nameId: "not an email" }))).toBe("email_missing");
  });

  it("refuses an unsigned response", async () => {
    expect(await refusalOf(respond({ signedBy: "none" }))).toBe("signature_invalid");
  });

  it("refuses a response whose envelope is signed but whose assertion is not (signed assertions are required)", async () => {
    const response = await respond({ signedBy: "message" });
    expect(decodeResponse(response)).toMatch(/<ds:Signature/);
    expect(await refusalOf(response)).toBe("signature_invalid");
  });

  it("refuses a response signed by another key than the company's IdP certificate", async () => {
    expect(await refusalOf(respond({ signedBy: "attacker" }))).toBe("signature_invalid");
  });

  it("refuses a signed assertion whose content was changed after signing", async () => {
    const response = await respond({
      tamper: (xml) => xml.replace(">ada@acme.test</saml:NameID>", ">mallory@acme.test</saml:NameID>"),
    });
    expect(decodeResponse(response)).toContain("mallory@acme.test");
    expect(await refusalOf(response)).toBe("signature_invalid");
  });

  describe("signature wrapping", () => {
    /** The signed assertion's XML, and an unsigned copy made to say something else. */
    function forge(xml: string) {
      const signed = /<saml:Assertion[\s\S]*<\/saml:Assertion>/.exec(xml)?.[0] ?? "";
      expect(signed).toContain("<ds:SignatureValue>");
      const forged = signed
        .replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, "")
        .replace(/ID="[^"]+"/, 'ID="_forged"')
        .replaceAll("ada@acme.test", "mallory@acme.test");
      return { signed, forged };
    }

    it("refuses a second, unsigned assertion beside the signed one", async () => {
      const response = await respond({
        tamper: (xml) => {
          const { signed, forged } = forge(xml);
          return xml.replace(signed, `${forged}${signed}`);
        },
      });
      expect(await refusalOf(response)).toBe("signature_invalid");
    });

    it("refuses a forged assertion in the signed one's place, the signed one moved into Extensions", async () => {
      const response = await respond({
        tamper: (xml) => {
          const { signed, forged } = forge(xml);
          return xml
            .replace(signed, forged)
            .replace("<samlp:Status>", `<samlp:Extensions>${signed}</samlp:Extensions><samlp:Status>`);
        },
      });
      expect(decodeResponse(response)).toContain("mallory@acme.test");
      expect(await refusalOf(response)).toBe("signature_invalid");
    });

    it("refuses a forged assertion that wraps the signed one (signed element moved inside it)", async () => {
      const response = await respond({
        tamper: (xml) => {
          const { signed, forged } = forge(xml);
          return xml.replace(
            signed,
            forged.replace("</saml:Subject>", `</saml:Subject><saml:Advice>${signed}</saml:Advice>`),
          );
        },
      });
      expect(await refusalOf(response)).toBe("signature_invalid");
    });
  });

  it("refuses an assertion for another audience (another company's SP entity id)", async () => {
    const other = serviceProviderUrls(PUBLIC_URL, OTHER_COMPANY_ID);
    expect(await refusalOf(respond({ audience: other.entityId }))).toBe("audience_mismatch");
  });

  it("refuses an assertion whose bearer confirmation names another recipient", async () => {
    const other = serviceProviderUrls(PUBLIC_URL, OTHER_COMPANY_ID);
    expect(await refusalOf(respond({ recipient: other.acsUrl }))).toBe("recipient_mismatch");
    expect(await refusalOf(respond({ recipient: "https://evil.test/acs" }))).toBe("recipient_mismatch");
  });

  it("refuses a response sent to another destination", async () => {
    expect(await refusalOf(respond({ destination: "https://evil.test/acs" }))).toBe("destination_mismatch");
  });

  it("refuses an assertion of another issuer, even signed with the right key", async () => {
    expect(await refusalOf(respond({ issuer: "https://other-idp.test" }))).toBe("issuer_mismatch");
  });

  it("refuses a response whose envelope answers another request than its signed assertion", async () => {
    const response = await respond({
      tamper: (xml) => xml.replace(`InResponseTo="${REQUEST_ID}"`, 'InResponseTo="_another"'),
    });
    expect(await refusalOf(response)).toBe("in_response_to_mismatch");
  });

  describe("the time window (injected clock, skew of two minutes)", () => {
    it("accepts within the skew on both ends and refuses beyond it", async () => {
      const response = await respond({ validForMs: 5 * 60_000 });
      expect(await refusalOf(response, new Date(NOW.getTime() - SAML_CLOCK_SKEW_MS + 1000))).toBe("accepted");
      expect(await refusalOf(response, new Date(NOW.getTime() - SAML_CLOCK_SKEW_MS - 1000))).toBe(
        "assertion_not_yet_valid",
      );
      expect(
        await refusalOf(response, new Date(NOW.getTime() + 5 * 60_000 + SAML_CLOCK_SKEW_MS - 1000)),
      ).toBe("accepted");
      expect(await refusalOf(response, new Date(NOW.getTime() + 5 * 60_000 + SAML_CLOCK_SKEW_MS))).toBe(
        "assertion_expired",
      );
    });

    it("refuses an expired assertion and one not valid yet", async () => {
      expect(await refusalOf(respond({ issuedAt: new Date(NOW.getTime() - 8 * 60_000) }))).toBe(
        "assertion_expired",
      );
      expect(await refusalOf(respond({ issuedAt: new Date(NOW.getTime() + 5 * 60_000) }))).toBe(
        "assertion_not_yet_valid",
      );
      expect(await refusalOf(respond({ notBefore: new Date(NOW.getTime() + 3 * 60_000) }))).toBe(
        "assertion_not_yet_valid",
      );
    });

    it("refuses an assertion issued too long ago whatever validity it claims", async () => {
      const response = respond({
        issuedAt: new Date(NOW.getTime() - 60 * 60_000),
        validForMs: 24 * 3_600_000,
      });
      expect(await refusalOf(response)).toBe("assertion_expired");
    });
  });

  it("refuses what is not a SAML response at all", async () => {
    expect(await refusalOf(encodeResponse("<html>hello</html>"))).not.toBe("accepted");
    expect(await refusalOf("bm90IHhtbA==")).not.toBe("accepted");
  });

  it("publishes SP metadata naming the company's own entity id and ACS, wanting signed assertions", () => {
    const metadata = serviceProviderMetadata(PUBLIC_URL, COMPANY_ID);
    expect(metadata).toContain(`entityID="${sp.entityId.replaceAll("&", "&amp;")}"`);
    expect(metadata).toContain(`Location="${sp.acsUrl}"`);
    expect(metadata).toContain('WantAssertionsSigned="true"');
    expect(sp.acsUrl).toBe(`${PUBLIC_URL}/api/auth/sso/saml/acs?companyId=${COMPANY_ID}`);
  });
});
