-- 030 SAML 2.0 login's own state (SPEC §6.3): the AuthnRequests we sent and still wait for, bound to
-- the browser that asked, and the assertion ids already used, so an assertion works once.

-- A login in flight. SP-initiated: created with the AuthnRequest (its id is what the IdP must quote
-- in InResponseTo), bound to a random secret held in an HttpOnly cookie of the browser that asked
-- (only its SHA-256 here). The IdP's POST to the ACS arrives without that cookie (SameSite=Lax), so
-- the ACS only records the checked identity; the browser's next GET, which carries the cookie, is
-- what logs in. An IdP-initiated login (when the connection allows it) gets a row at the ACS.
CREATE TABLE saml_login_requests (
  id text PRIMARY KEY CHECK (id ~ '^_[0-9a-f]{40}$'),
  company_id uuid NOT NULL REFERENCES sso_connections (company_id) ON DELETE CASCADE,
  browser_binding_hash text NOT NULL UNIQUE CHECK (browser_binding_hash ~ '^[0-9a-f]{64}$'),
  -- The identity a valid assertion proved, set once by the ACS; NULL while the IdP has not answered.
  identity jsonb,
  asserted_at timestamptz,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  CHECK (expires_at > created_at),
  CHECK ((identity IS NULL) = (asserted_at IS NULL))
);
CREATE INDEX saml_login_requests_expiry_idx ON saml_login_requests (expires_at);

-- Assertion ids already accepted, per company, kept until the assertion could no longer pass the
-- time checks anyway; the primary key makes "used once" hold when two copies race.
CREATE TABLE saml_used_assertions (
  company_id uuid NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  assertion_id text NOT NULL CHECK (length(assertion_id) BETWEEN 1 AND 200),
  used_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL CHECK (expires_at > used_at),
  PRIMARY KEY (company_id, assertion_id)
);
CREATE INDEX saml_used_assertions_expiry_idx ON saml_used_assertions (expires_at);
