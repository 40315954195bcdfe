-- 028 SCIM provisioning (SPEC §6.3): the per-company bearer tokens an identity provider (Okta, Entra
-- ID) calls /scim/v2/ with, and the SCIM externalId the provider keeps for each member it manages.

-- A named token; the secret is shown once at creation and kept only as its SHA-256, like sessions.
-- Revoking keeps the row (the audit log and the token list still name it) and stops it at once.
CREATE TABLE scim_tokens (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  company_id uuid NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100 AND name !~ '[\r\n]'),
  token_hash text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  created_at timestamptz NOT NULL,
  created_by uuid REFERENCES accounts (id) ON DELETE SET NULL,
  last_used_at timestamptz,
  revoked_at timestamptz,
  revoked_by uuid REFERENCES accounts (id) ON DELETE SET NULL,
  CHECK (revoked_at IS NULL OR revoked_at >= created_at)
);
CREATE INDEX scim_tokens_company ON scim_tokens (company_id, created_at);

-- The identifier the provider gave a member it provisioned (RFC 7643 §3.1 externalId), per company:
-- an account spans companies, each provider names it its own way.
ALTER TABLE members ADD COLUMN scim_external_id text CHECK (length(scim_external_id) <= 300);
