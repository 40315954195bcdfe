-- 007 invitations (rule 8, SECURITY D 29-37): an email, the roles it offers, who sent it, and a
-- single-use secret link. The schema holds what SQL can; server/invitations/service.ts holds the rest.

CREATE TABLE invitations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  company_id uuid NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  -- The canonical address made by server/identity/email.ts (rule 15): acceptance compares it with
  -- the accepting account's stored email, so case or spacing variants match and look-alikes never do.
  email text NOT NULL CHECK (email = lower(btrim(email)) AND email ~ '^[^@\s]+@[^@\s]+$'),
  -- hashSecretToken(token) of the link's current token; the token itself exists only in the mail.
  -- A resend replaces it, so the old link dies at once (SECURITY 32).
  token_hash text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  -- The state machine of SECURITY 63: pending -> accepted | revoked | expired, never back.
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'revoked', 'expired')),
  -- Who issued the current link; NULL is the system (the admin CLI's first Admin), which acceptance
  -- trusts without a re-check. CASCADE, not SET NULL: a vanished inviter must never turn its
  -- invitations into system ones that skip the re-check of the inviter's rights (SECURITY 35).
  invited_by uuid REFERENCES accounts (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL,
  -- When the current link was mailed (creation or the latest resend): the resend cooldown reads it.
  last_sent_at timestamptz NOT NULL,
  -- Each send restarts the lifetime (INVITATION_TTL_HOURS, 7 days by default).
  expires_at timestamptz NOT NULL CHECK (expires_at > last_sent_at AND last_sent_at >= created_at),
  -- When and with which roles the invitation left 'pending'. Its invitation_roles rows are released
  -- then (so a role it once offered can be deleted later), and this keeps what it offered, as named
  -- at that moment, for the invitation list: [{"id","key","name"}].
  closed_at timestamptz,
  closed_roles jsonb,
  CHECK ((status = 'pending') = (closed_at IS NULL)),
  CHECK ((status = 'pending') = (closed_roles IS NULL)),
  -- The target of invitation_roles' composite key, which keeps an invitation's roles in its company.
  UNIQUE (company_id, id)
);
-- Rule 8: one pending invitation per company and canonical email ("resend instead"). The index is
-- the rule itself, so two concurrent invitations of one address cannot both be pending; it also
-- serves the per-company count of pending invitations (at most 500).
CREATE UNIQUE INDEX invitations_one_pending_idx ON invitations (company_id, email) WHERE status = 'pending';
-- The invitation list (newest first, keyset) and the rolling hourly cap on new invitations.
CREATE INDEX invitations_company_created_idx ON invitations (company_id, created_at DESC, id DESC);
-- The sweep that marks overdue pending invitations expired.
CREATE INDEX invitations_pending_expiry_idx ON invitations (expires_at) WHERE status = 'pending';

-- The roles a pending invitation offers: what acceptance grants. The composite foreign key to
-- roles (company_id, id) means a role of another company can never be offered; ON DELETE RESTRICT
-- means a role cannot vanish from under a pending invitation (the API answers 409 role_in_use first).
-- Rows exist only while the invitation is pending: closing it moves them into closed_roles. (RESTRICT
-- also fires inside a cascade: deleting a whole company, which no interface does, needs its pending
-- invitations closed or deleted first.)
CREATE TABLE invitation_roles (
  company_id uuid NOT NULL,
  invitation_id uuid NOT NULL,
  role_id uuid NOT NULL,
  PRIMARY KEY (invitation_id, role_id),
  FOREIGN KEY (company_id, invitation_id) REFERENCES invitations (company_id, id) ON DELETE CASCADE,
  FOREIGN KEY (company_id, role_id) REFERENCES roles (company_id, id) ON DELETE RESTRICT
);
CREATE INDEX invitation_roles_role_idx ON invitation_roles (role_id);
