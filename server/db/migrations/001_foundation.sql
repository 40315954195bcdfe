-- 001 foundation: tenants (companies), people (accounts), memberships, roles, sessions, audit.
-- The schema carries the invariants it can; the services carry the rest (see server/access).

-- The permission catalogue. server/access/permissions.ts is the source; a test checks both agree.
CREATE TABLE permissions (
  key text PRIMARY KEY CHECK (key ~ '^[a-z_]+\.[a-z_]+$')
);
INSERT INTO permissions (key) VALUES
  ('account.view'), ('company.view'), ('transactions.view'), ('transactions.download'),
  ('settlements.view'), ('settlements.download'), ('members.view'), ('members.invite'),
  ('members.edit_roles'), ('members.deactivate'), ('roles.manage'), ('audit.view'),
  ('developer_center.view'), ('insights.view');

-- A merchant's legal entity: one tenant. Ids are random UUIDs, never sequential (rule 3).
CREATE TABLE companies (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200 AND name !~ '[\r\n]'),
  legal_name text NOT NULL CHECK (length(legal_name) <= 300),
  registration_number text NOT NULL DEFAULT '',
  country text NOT NULL DEFAULT '',
  address text NOT NULL DEFAULT '',
  merchant_id text NOT NULL UNIQUE,
  merchant_status text NOT NULL DEFAULT 'active' CHECK (merchant_status IN ('active', 'suspended', 'closed')),
  settlement_currency text NOT NULL DEFAULT 'USD' CHECK (settlement_currency ~ '^[A-Z]{3}$'),
  contact_email text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now()
);

-- A person who can log in. `email` holds only the canonical form made by
-- server/identity/email.ts (rule 15), so the unique index is the uniqueness rule itself.
CREATE TABLE accounts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text NOT NULL UNIQUE CHECK (email = lower(btrim(email)) AND email ~ '^[^@\s]+@[^@\s]+$'),
  name text NOT NULL CHECK (length(name) <= 200 AND name !~ '[\r\n]'),
  password_hash text NOT NULL,
  alternate_email text CHECK (alternate_email IS NULL OR alternate_email = lower(btrim(alternate_email))),
  created_at timestamptz NOT NULL DEFAULT now(),
  password_changed_at timestamptz NOT NULL DEFAULT now()
);

-- An account's membership in one company. (company_id, account_id) is unique: one membership each.
CREATE TABLE members (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  company_id uuid NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'deactivated')),
  joined_at timestamptz NOT NULL DEFAULT now(),
  invited_by uuid REFERENCES accounts (id) ON DELETE SET NULL,
  last_active_at timestamptz,
  deactivated_at timestamptz,
  -- Optimistic concurrency: bumped by every change, compared by editors (SECURITY 65).
  version integer NOT NULL DEFAULT 1,
  UNIQUE (company_id, account_id),
  -- The target of member_roles' composite key, which ties a member's roles to its company.
  UNIQUE (company_id, id),
  CHECK ((status = 'deactivated') = (deactivated_at IS NOT NULL))
);
CREATE INDEX members_account_idx ON members (account_id);

-- A named set of permissions in one company. Predefined roles carry a key and are copied into
-- every company, so member_roles can reference them with the same company-scoped foreign key.
CREATE TABLE roles (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  company_id uuid NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  key text CHECK (key IN ('admin', 'finance', 'operations', 'developer', 'data_analytics')),
  name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 60 AND name !~ '[\r\n]'),
  description text NOT NULL DEFAULT '' CHECK (length(description) <= 500),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (company_id, id),
  UNIQUE (company_id, key)
);
-- Role names are unique per company regardless of case (409 role_name_taken).
CREATE UNIQUE INDEX roles_company_name_idx ON roles (company_id, lower(name));

CREATE TABLE role_permissions (
  role_id uuid NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
  permission text NOT NULL REFERENCES permissions (key),
  PRIMARY KEY (role_id, permission)
);

-- A member's roles. The composite keys mean a role of company A can never be given to a member
-- of company B, the roles vanish with the membership, and a role still assigned cannot be deleted.
CREATE TABLE member_roles (
  company_id uuid NOT NULL,
  member_id uuid NOT NULL,
  role_id uuid NOT NULL,
  PRIMARY KEY (member_id, role_id),
  FOREIGN KEY (company_id, member_id) REFERENCES members (company_id, id) ON DELETE CASCADE,
  FOREIGN KEY (company_id, role_id) REFERENCES roles (company_id, id) ON DELETE RESTRICT
);
CREATE INDEX member_roles_role_idx ON member_roles (role_id);

-- Server-side sessions (rule 16). Only the SHA-256 of the token is stored.
CREATE TABLE sessions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  token_hash text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  ip text,
  user_agent text,
  -- Until when this session counts as having passed an email verification (rule 7).
  step_up_until timestamptz
);
CREATE INDEX sessions_account_idx ON sessions (account_id);

-- Consecutive login failures per canonical email, whether or not an account exists (rule 14).
CREATE TABLE login_throttle (
  email text PRIMARY KEY,
  consecutive_failures integer NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0),
  locked_until timestamptz,
  updated_at timestamptz NOT NULL
);

-- Append-only record of security-relevant events (rule 11). No foreign keys: events outlive
-- what they describe. Never holds a password, code, token or session id.
CREATE TABLE audit_events (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  occurred_at timestamptz NOT NULL,
  company_id uuid,
  actor_account_id uuid,
  actor_email text,
  action text NOT NULL CHECK (action ~ '^[a-z_]+\.[a-z_]+$'),
  outcome text NOT NULL CHECK (outcome IN ('success', 'denied', 'failure')),
  target_type text,
  target_id text,
  details jsonb NOT NULL DEFAULT '{}'::jsonb,
  ip text,
  user_agent text,
  request_id text
);
CREATE INDEX audit_events_company_time_idx ON audit_events (company_id, occurred_at DESC, id DESC);
CREATE INDEX audit_events_actor_time_idx ON audit_events (actor_account_id, occurred_at DESC);

-- The database itself refuses to change or delete audit events, whatever the application does.
CREATE FUNCTION audit_events_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_events_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_are_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_are_append_only();
