-- 020 a company's security policy (SPEC §6.2): the security.manage permission, held by Admin, and one
-- optional row per company; a company without a row has the defaults (no requirement, the global
-- idle timeout, invitations to any domain).

INSERT INTO permissions (key) VALUES ('security.manage');

-- The predefined Admin role of every existing company gains it; the member_standing triggers
-- (migration 009) give it to every Admin in this same statement.
INSERT INTO role_permissions (role_id, permission)
SELECT r.id, 'security.manage' FROM roles r WHERE r.key = 'admin'
ON CONFLICT DO NOTHING;
-- Its description says so too (server/access/permissions.ts holds the same sentence).
UPDATE roles
   SET description = replace(description, 'edit member roles. ',
                             'edit member roles. They can also set the company''s security policy. ')
 WHERE key = 'admin' AND position('security policy' IN description) = 0;

CREATE TABLE company_security_policies (
  company_id uuid PRIMARY KEY REFERENCES companies (id) ON DELETE CASCADE,
  -- Members whose account has no second factor may only enrol one (403 mfa_enrolment_required).
  require_mfa boolean NOT NULL DEFAULT false,
  -- NULL: the deployment's idle timeout. The service also holds it to the configured maximum,
  -- which can only be lower than the 60 minutes allowed here.
  session_idle_minutes integer CHECK (session_idle_minutes BETWEEN 5 AND 60),
  -- Canonical lowercase domains invitations may go to; empty: any domain.
  invite_domains text[] NOT NULL DEFAULT '{}'
    CHECK (cardinality(invite_domains) <= 50 AND array_position(invite_domains, NULL) IS NULL),
  updated_at timestamptz NOT NULL,
  updated_by uuid REFERENCES accounts (id) ON DELETE SET NULL
);
