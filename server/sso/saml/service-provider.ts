// Our side of a company's SAML connection: the service provider's entity id, ACS and login URLs
// (one set per company, so an assertion made for one company's SP is refused by every other) and
// its metadata document. Pure: built from PUBLIC_URL and the company id only.
import { generateServiceProviderMetadata } from "@node-saml/node-saml";

export const SAML_METADATA_PATH = "/api/auth/sso/saml/metadata";
export const SAML_ACS_PATH = "/api/auth/sso/saml/acs";
export const SAML_LOGIN_PATH = "/api/auth/sso/saml/login";
export const SAML_COMPLETE_PATH = "/api/auth/sso/saml/complete";

export type ServiceProviderUrls = {
  /** Our SP entity id, which assertions must name as their audience: the metadata's own URL. */
  entityId: string;
  /** Where the IdP posts its response; assertions must name it as their recipient. */
  acsUrl: string;
  metadataUrl: string;
  /** Where a browser starts an SP-initiated login (the login page's "Continue with SSO"). */
  loginUrl: string;
};

function withCompany(publicUrl: string, path: string, companyId: string): string {
  // As every link we build: PUBLIC_URL (no trailing slash), never the request's Host.
  return `${publicUrl}${path}?companyId=${encodeURIComponent(companyId)}`;
}

/** The company id in the URLs is lower case, as the guard spells ids: the URLs compare as text. */
export function serviceProviderUrls(publicUrl: string, companyId: string): ServiceProviderUrls {
  const id = companyId.toLowerCase();
  const metadataUrl = withCompany(publicUrl, SAML_METADATA_PATH, id);
  return {
    entityId: metadataUrl,
    acsUrl: withCompany(publicUrl, SAML_ACS_PATH, id),
    metadataUrl,
    loginUrl: withCompany(publicUrl, SAML_LOGIN_PATH, id),
  };
}

/** The SP metadata an Admin gives the IdP: entity id, ACS (HTTP-POST), signed assertions wanted. */
export function serviceProviderMetadata(publicUrl: string, companyId: string): string {
  const urls = serviceProviderUrls(publicUrl, companyId);
  return generateServiceProviderMetadata({
    issuer: urls.entityId,
    callbackUrl: urls.acsUrl,
    identifierFormat: "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
    wantAssertionsSigned: true,
  });
}
