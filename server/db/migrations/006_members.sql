-- 006 members: the member list stays fast at 100,000 members per company, and its totals come
-- from counters instead of scans (SPEC §3). Both are kept by the database itself, in the same
-- transaction as every change, so no path that adds a member, changes roles or changes a
-- status (services, the CLI, the demo seed, invitations, tests writing SQL) can leave them stale.

-- Trigram search (substring of an email) and the scalar operator classes that let one GIN index
-- start with company_id. Both are trusted extensions (PostgreSQL 13+) and ship with PGlite.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gin;

-- The member's canonical email, copied from the account: the list is searched and ordered by it
-- without a join. Collation "C" makes the btree serve `LIKE 'prefix%'` and byte order stable
-- (canonical emails are ASCII: local parts are ASCII, domains punycode; rule 15).
ALTER TABLE members ADD COLUMN email text COLLATE "C";
UPDATE members m SET email = a.email FROM accounts a WHERE a.id = m.account_id;
ALTER TABLE members ALTER COLUMN email SET NOT NULL;

-- The copy always equals the account's email: set from the account on insert (whatever the
-- writer passed), and followed if an account's email ever changes.
CREATE FUNCTION members_copy_account_email() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT a.email INTO NEW.email FROM accounts a WHERE a.id = NEW.account_id;
  RETURN NEW;
END
$$;
CREATE TRIGGER members_copy_account_email BEFORE INSERT OR UPDATE OF account_id, email ON members
  FOR EACH ROW EXECUTE FUNCTION members_copy_account_email();

CREATE FUNCTION accounts_email_to_members() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE members SET email = NEW.email WHERE account_id = NEW.id;
  RETURN NULL;
END
$$;
CREATE TRIGGER accounts_email_to_members AFTER UPDATE OF email ON accounts
  FOR EACH ROW WHEN (OLD.email IS DISTINCT FROM NEW.email) EXECUTE FUNCTION accounts_email_to_members();

-- One membership per (company, canonical email) (SECURITY 61); it follows from the account's
-- unique email, and the index is what the list walks: company first, then email order, so keyset
-- pages and `email LIKE 'ab%'` (patterns under 3 characters) are index range scans.
CREATE UNIQUE INDEX members_company_email_idx ON members (company_id, email);
-- The status filter walks its own slice in the same order.
CREATE INDEX members_company_status_email_idx ON members (company_id, status, email);
-- Substring search (3+ characters): trigrams of the email, keyed by company first (btree_gin), so a
-- search reads only the trigram postings of its own company, never another tenant's.
CREATE INDEX members_company_email_trgm_idx ON members USING gin (company_id, email gin_trgm_ops);

-- Member counts per company and status: the unfiltered and status-filtered list totals.
CREATE TABLE member_counts (
  company_id uuid PRIMARY KEY REFERENCES companies (id) ON DELETE CASCADE,
  active integer NOT NULL DEFAULT 0 CHECK (active >= 0),
  deactivated integer NOT NULL DEFAULT 0 CHECK (deactivated >= 0)
);

-- Holders of each role per status: the role-filtered list totals. A role can only be deleted once
-- nobody holds it, so its counters go with it.
CREATE TABLE member_role_counts (
  company_id uuid NOT NULL,
  role_id uuid NOT NULL,
  active integer NOT NULL DEFAULT 0 CHECK (active >= 0),
  deactivated integer NOT NULL DEFAULT 0 CHECK (deactivated >= 0),
  PRIMARY KEY (company_id, role_id),
  FOREIGN KEY (company_id, role_id) REFERENCES roles (company_id, id) ON DELETE CASCADE
);

-- Counters are written by statement-level triggers over the transition tables, so a bulk insert
-- costs one counter update, not one per row. Rows are upserted in key order: concurrent writers
-- lock counter rows in the same order and cannot deadlock on them. Counters are only ever added to
-- here; decrements go through UPDATE (an INSERT … ON CONFLICT would check its negative values first).
CREATE FUNCTION member_counts_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO member_counts AS c (company_id, active, deactivated)
  SELECT company_id, count(*) FILTER (WHERE status = 'active'), count(*) FILTER (WHERE status = 'deactivated')
    FROM added GROUP BY company_id ORDER BY company_id
  ON CONFLICT (company_id) DO UPDATE
    SET active = c.active + EXCLUDED.active, deactivated = c.deactivated + EXCLUDED.deactivated;
  RETURN NULL;
END
$$;
CREATE TRIGGER members_count_insert AFTER INSERT ON members
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION member_counts_on_insert();

CREATE FUNCTION member_counts_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE member_counts c
     SET active = c.active - d.active, deactivated = c.deactivated - d.deactivated
    FROM (SELECT company_id, count(*) FILTER (WHERE status = 'active') AS active,
                 count(*) FILTER (WHERE status = 'deactivated') AS deactivated
            FROM removed GROUP BY company_id) d
   WHERE c.company_id = d.company_id;
  RETURN NULL;
END
$$;
CREATE TRIGGER members_count_delete AFTER DELETE ON members
  REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION member_counts_on_delete();

-- A deleted member's roles are removed first, while the member (and so its status) is still
-- there for the role counters to read; the cascade would come too late for that.
CREATE FUNCTION members_drop_roles_first() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM member_roles WHERE member_id = OLD.id;
  RETURN OLD;
END
$$;
CREATE TRIGGER members_drop_roles_first BEFORE DELETE ON members
  FOR EACH ROW EXECUTE FUNCTION members_drop_roles_first();

-- A status change moves the member, and each of its roles, from one column to the other.
-- Row-level, and only for status: the frequent last_active_at touches never fire it.
CREATE FUNCTION member_counts_on_status() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  delta integer := CASE WHEN NEW.status = 'active' THEN 1 ELSE -1 END;
BEGIN
  UPDATE member_counts
     SET active = active + delta, deactivated = deactivated - delta
   WHERE company_id = NEW.company_id;
  PERFORM 1 FROM member_role_counts c JOIN member_roles mr ON mr.role_id = c.role_id
   WHERE mr.member_id = NEW.id AND c.company_id = NEW.company_id
   ORDER BY c.role_id FOR UPDATE OF c;
  UPDATE member_role_counts c
     SET active = c.active + delta, deactivated = c.deactivated - delta
    FROM member_roles mr
   WHERE mr.member_id = NEW.id AND c.company_id = NEW.company_id AND c.role_id = mr.role_id;
  RETURN NULL;
END
$$;
CREATE TRIGGER members_count_status AFTER UPDATE OF status ON members
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION member_counts_on_status();

CREATE FUNCTION member_role_counts_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO member_role_counts AS c (company_id, role_id, active, deactivated)
  SELECT a.company_id, a.role_id, count(*) FILTER (WHERE m.status = 'active'),
         count(*) FILTER (WHERE m.status = 'deactivated')
    FROM added a JOIN members m ON m.id = a.member_id
   GROUP BY a.company_id, a.role_id ORDER BY a.company_id, a.role_id
  ON CONFLICT (company_id, role_id) DO UPDATE
    SET active = c.active + EXCLUDED.active, deactivated = c.deactivated + EXCLUDED.deactivated;
  RETURN NULL;
END
$$;

CREATE FUNCTION member_role_counts_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM member_role_counts c
   WHERE (c.company_id, c.role_id) IN (SELECT company_id, role_id FROM removed)
   ORDER BY c.company_id, c.role_id FOR UPDATE;
  UPDATE member_role_counts c
     SET active = c.active - d.active, deactivated = c.deactivated - d.deactivated
    FROM (SELECT r.company_id, r.role_id, count(*) FILTER (WHERE m.status = 'active') AS active,
                 count(*) FILTER (WHERE m.status = 'deactivated') AS deactivated
            FROM removed r JOIN members m ON m.id = r.member_id
           GROUP BY r.company_id, r.role_id) d
   WHERE c.company_id = d.company_id AND c.role_id = d.role_id;
  RETURN NULL;
END
$$;

CREATE TRIGGER member_roles_count_insert AFTER INSERT ON member_roles
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION member_role_counts_on_insert();
CREATE TRIGGER member_roles_count_delete AFTER DELETE ON member_roles
  REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION member_role_counts_on_delete();
-- An UPDATE of member_roles is a removal then an addition; triggers fire in name order.
CREATE TRIGGER member_roles_count_update_1_removed AFTER UPDATE ON member_roles
  REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION member_role_counts_on_delete();
CREATE TRIGGER member_roles_count_update_2_added AFTER UPDATE ON member_roles
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION member_role_counts_on_insert();

-- Backfill from the rows that exist before this migration.
INSERT INTO member_counts (company_id, active, deactivated)
SELECT company_id, count(*) FILTER (WHERE status = 'active'), count(*) FILTER (WHERE status = 'deactivated')
  FROM members GROUP BY company_id;
INSERT INTO member_role_counts (company_id, role_id, active, deactivated)
SELECT mr.company_id, mr.role_id, count(*) FILTER (WHERE m.status = 'active'),
       count(*) FILTER (WHERE m.status = 'deactivated')
  FROM member_roles mr JOIN members m ON m.id = mr.member_id
 GROUP BY mr.company_id, mr.role_id;
