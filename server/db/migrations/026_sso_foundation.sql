-- 026 single sign-on's shared tables (SPEC §6.3): domains a company proves it owns, its one SSO
-- connection (OpenID Connect or SAML 2.0), the IdP group → role mapping, and the break-glass Admins
-- who keep password login when SSO is required. SCIM's tokens and the protocols' own state come later.

-- A domain a company claims; verified once its DNS TXT record `portal-verification=<token>` is seen.
-- Several companies may claim a domain, but only one can hold it verified: a domain belongs to at
-- most one company, which the partial unique index below keeps under races.
CREATE TABLE company_domains (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  company_id uuid NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  domain text NOT NULL CHECK (domain = lower(btrim(domain)) AND domain ~ '^[a-z0-9.-]+\.[a-z]{2,}$'
                              AND length(domain) <= 253),
  -- Random and not secret: it is published in DNS.
  verification_token text NOT NULL CHECK (length(verification_token) BETWEEN 16 AND 100),
  verified_at timestamptz,
  created_at timestamptz NOT NULL,
  created_by uuid REFERENCES accounts (id) ON DELETE SET NULL,
  UNIQUE (company_id, domain)
);
CREATE UNIQUE INDEX company_domains_verified_by_one_company ON company_domains (domain)
  WHERE verified_at IS NOT NULL;

-- One SSO connection per company. Protocol settings are nullable columns checked per protocol; a
-- client secret is stored sealed with the deployment's secret key (server/mfa/secret-box.ts), never
-- in clear. Saving a connection does not enable it: `enabled` is set on purpose.
CREATE TABLE sso_connections (
  company_id uuid PRIMARY KEY REFERENCES companies (id) ON DELETE CASCADE,
  protocol text NOT NULL CHECK (protocol IN ('oidc', 'saml')),
  enabled boolean NOT NULL DEFAULT false,
  oidc_issuer text CHECK (length(oidc_issuer) <= 500),
  oidc_client_id text CHECK (length(oidc_client_id) <= 300),
  oidc_client_secret_sealed text,
  saml_idp_entity_id text CHECK (length(saml_idp_entity_id) <= 500),
  saml_idp_sso_url text CHECK (length(saml_idp_sso_url) <= 1000),
  -- PEM of the IdP's signing certificate; assertions not signed by it are refused.
  saml_idp_certificate text CHECK (length(saml_idp_certificate) <= 20000),
  saml_allow_idp_initiated boolean NOT NULL DEFAULT false,
  -- The claim (OIDC) or attribute (SAML) that carries the person's groups.
  groups_attribute text NOT NULL DEFAULT 'groups' CHECK (length(groups_attribute) BETWEEN 1 AND 200),
  -- Given to a just-in-time member none of whose groups is mapped; NULL: such a person is refused.
  default_role_id uuid,
  -- Password login is refused for emails of the company's verified domains, break-glass Admins aside.
  require_sso boolean NOT NULL DEFAULT false,
  version integer NOT NULL DEFAULT 1,
  updated_at timestamptz NOT NULL,
  updated_by uuid REFERENCES accounts (id) ON DELETE SET NULL,
  FOREIGN KEY (company_id, default_role_id) REFERENCES roles (company_id, id) ON DELETE SET NULL (default_role_id),
  CHECK (protocol <> 'oidc' OR (oidc_issuer IS NOT NULL AND oidc_client_id IS NOT NULL)),
  CHECK (protocol <> 'saml' OR (saml_idp_entity_id IS NOT NULL AND saml_idp_sso_url IS NOT NULL
                                AND saml_idp_certificate IS NOT NULL))
);

-- An IdP group gives the company's role; a group may give several roles and a role come from several
-- groups. The composite key keeps a mapping inside its company, and it vanishes with the role.
CREATE TABLE sso_group_mappings (
  company_id uuid NOT NULL REFERENCES sso_connections (company_id) ON DELETE CASCADE,
  group_name text NOT NULL CHECK (length(group_name) BETWEEN 1 AND 300),
  role_id uuid NOT NULL,
  PRIMARY KEY (company_id, group_name, role_id),
  FOREIGN KEY (company_id, role_id) REFERENCES roles (company_id, id) ON DELETE CASCADE
);

-- At most two Admins who keep password + second factor when SSO is required (the service holds the
-- limit of two under the connection's row lock).
CREATE TABLE sso_break_glass_members (
  company_id uuid NOT NULL REFERENCES sso_connections (company_id) ON DELETE CASCADE,
  member_id uuid NOT NULL,
  PRIMARY KEY (company_id, member_id),
  FOREIGN KEY (company_id, member_id) REFERENCES members (company_id, id) ON DELETE CASCADE
);
