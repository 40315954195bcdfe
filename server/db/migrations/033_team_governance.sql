-- 033 team governance (SPEC §6.4): role assignments that expire, inactivity deactivation and access
-- reviews. Jobs on every instance act on these tables; their invariants (each expiry and each
-- notice once) are unique keys here, so two instances racing cannot both act.

-- A role assignment may carry an expiry; NULL: it never expires. Past it the guard treats the
-- assignment as absent at once (member_standing_at below), before the expiry job deletes the row.
ALTER TABLE member_roles ADD COLUMN expires_at timestamptz;
-- The expiry job's walk: only assignments that expire are indexed.
CREATE INDEX member_roles_expiry_idx ON member_roles (expires_at) WHERE expires_at IS NOT NULL;

-- An invitation may offer a role for a limited time; acceptance copies the expiry to member_roles.
ALTER TABLE invitation_roles ADD COLUMN expires_at timestamptz;

-- member_standing (migration 009) keeps every assignment, expiring ones included, and the earliest
-- expiry among them: while that is in the future (or NULL, the common case) the guard reads the
-- stored standing as is; once it has passed, the guard recomputes the standing at the request's time.
ALTER TABLE member_standing ADD COLUMN earliest_expiry timestamptz;

CREATE OR REPLACE FUNCTION refresh_member_standing(ids uuid[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO member_standing AS s (member_id, role_ids, role_keys, permissions, earliest_expiry)
  SELECT m.id,
         coalesce((SELECT array_agg(mr.role_id ORDER BY mr.role_id) FROM member_roles mr
                    WHERE mr.member_id = m.id), '{}'),
         coalesce((SELECT array_agg(r.key ORDER BY r.key) FROM member_roles mr JOIN roles r ON r.id = mr.role_id
                    WHERE mr.member_id = m.id AND r.key IS NOT NULL), '{}'),
         coalesce((SELECT array_agg(DISTINCT rp.permission ORDER BY rp.permission) FROM member_roles mr
                     JOIN role_permissions rp ON rp.role_id = mr.role_id WHERE mr.member_id = m.id), '{}'),
         (SELECT min(mr.expires_at) FROM member_roles mr WHERE mr.member_id = m.id)
    FROM members m
   WHERE m.id = ANY (ids)
   ORDER BY m.id
  ON CONFLICT (member_id) DO UPDATE
    SET role_ids = EXCLUDED.role_ids, role_keys = EXCLUDED.role_keys, permissions = EXCLUDED.permissions,
        earliest_expiry = EXCLUDED.earliest_expiry
    WHERE (s.role_ids, s.role_keys, s.permissions, s.earliest_expiry)
          IS DISTINCT FROM (EXCLUDED.role_ids, EXCLUDED.role_keys, EXCLUDED.permissions, EXCLUDED.earliest_expiry);
END
$$;

-- Is this assignment in force at `at`? Unexpired ones are. An expired Admin assignment still is
-- while no active member of the company holds an unexpired one: rule 4 keeps the last Admin, and
-- the expiry job keeps (and does not delete) exactly these, mailing the Admins instead.
CREATE FUNCTION member_role_in_force(company uuid, role uuid, expires timestamptz, at timestamptz)
RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT expires IS NULL OR expires > at
      OR (EXISTS (SELECT 1 FROM roles r WHERE r.id = role AND r.key = 'admin')
          AND NOT EXISTS (SELECT 1 FROM member_roles o JOIN members om ON om.id = o.member_id
                           WHERE o.company_id = company AND o.role_id = role AND om.status = 'active'
                             AND (o.expires_at IS NULL OR o.expires_at > at)))
$$;

-- A member's standing at `at`, counting only assignments in force: what the guard reads once the
-- stored standing's earliest expiry has passed (rare, and only until the job has run).
CREATE FUNCTION member_standing_at(member uuid, at timestamptz)
RETURNS TABLE (role_ids uuid[], role_keys text[], permissions text[]) LANGUAGE sql STABLE AS $$
  WITH live AS (
    SELECT mr.role_id FROM member_roles mr
     WHERE mr.member_id = member AND member_role_in_force(mr.company_id, mr.role_id, mr.expires_at, at))
  SELECT coalesce((SELECT array_agg(l.role_id ORDER BY l.role_id) FROM live l), '{}'),
         coalesce((SELECT array_agg(r.key ORDER BY r.key) FROM live l JOIN roles r ON r.id = l.role_id
                    WHERE r.key IS NOT NULL), '{}'),
         coalesce((SELECT array_agg(DISTINCT rp.permission ORDER BY rp.permission) FROM live l
                     JOIN role_permissions rp ON rp.role_id = l.role_id), '{}')
$$;

SELECT refresh_member_standing(ARRAY(SELECT id FROM members));

-- Notices the jobs send, one row each: the unique key is what makes each notice go once when
-- every instance runs the job (INSERT … ON CONFLICT DO NOTHING RETURNING picks one sender).
-- kind 'role_expiring': the member, 3 days before an assignment expires (expires_at of it).
-- kind 'last_admin_kept': the Admins, when an expired Admin assignment is kept (rule 4).
-- kind 'inactivity_warning': the member, 7 days before deactivation for inactivity; `due_at` is
--   the last activity it was computed from, so new inactivity after a return warns again.
CREATE TABLE governance_notices (
  member_id uuid NOT NULL REFERENCES members (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('role_expiring', 'last_admin_kept', 'inactivity_warning')),
  -- The role concerned (the two expiry kinds), NULL for inactivity.
  role_id uuid REFERENCES roles (id) ON DELETE CASCADE,
  due_at timestamptz NOT NULL,
  sent_at timestamptz NOT NULL,
  CHECK ((kind = 'inactivity_warning') = (role_id IS NULL))
);
CREATE UNIQUE INDEX governance_notices_once_idx
  ON governance_notices (member_id, kind, coalesce(role_id, '00000000-0000-0000-0000-000000000000'::uuid), due_at);

-- Inactivity (PCI DSS 8.2.6): members who have not used the company's portal for this many days
-- are deactivated by the system. Every company has a limit; 90 days unless the policy says less.
ALTER TABLE company_security_policies ADD COLUMN inactivity_days integer NOT NULL DEFAULT 90
  CHECK (inactivity_days BETWEEN 14 AND 90);

-- Access reviews (PCI DSS 7.2.4): a snapshot of every member when the review starts, a decision per
-- member, applied on completion through the normal member rules. A company has at most one open
-- review at a time.
CREATE TABLE access_reviews (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  company_id uuid NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'completed')),
  started_by uuid REFERENCES accounts (id) ON DELETE SET NULL,
  started_at timestamptz NOT NULL,
  completed_by uuid REFERENCES accounts (id) ON DELETE SET NULL,
  completed_at timestamptz,
  CHECK ((status = 'completed') = (completed_at IS NOT NULL)),
  UNIQUE (company_id, id)
);
CREATE UNIQUE INDEX access_reviews_one_open_idx ON access_reviews (company_id) WHERE status = 'open';
CREATE INDEX access_reviews_company_idx ON access_reviews (company_id, started_at DESC);

-- One row per member at the review's start: what the reviewer saw (email, name, roles, last
-- activity, second factor) and what they decided. `outcome` records what completion did.
CREATE TABLE access_review_items (
  review_id uuid NOT NULL,
  company_id uuid NOT NULL,
  member_id uuid NOT NULL,
  email text NOT NULL,
  name text NOT NULL,
  status text NOT NULL CHECK (status IN ('active', 'deactivated')),
  roles jsonb NOT NULL,
  last_active_at timestamptz,
  has_second_factor boolean NOT NULL,
  decision text CHECK (decision IN ('keep', 'change', 'deactivate')),
  -- The roles a 'change' decision gives, checked against the company's roles when completing.
  decision_role_ids uuid[],
  decided_by uuid REFERENCES accounts (id) ON DELETE SET NULL,
  decided_at timestamptz,
  -- 'applied', 'unchanged' or the error code that refused it (e.g. last_admin, self_modification).
  outcome text,
  PRIMARY KEY (review_id, member_id),
  FOREIGN KEY (company_id, review_id) REFERENCES access_reviews (company_id, id) ON DELETE CASCADE,
  CHECK ((decision = 'change') = (decision_role_ids IS NOT NULL)),
  CHECK ((decision IS NULL) = (decided_at IS NULL))
);
