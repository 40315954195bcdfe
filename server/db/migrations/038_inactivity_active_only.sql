-- 038 the inactivity job reads active members only.
--
-- The job's reads (037) found the members past the cutoff by (company, time) and only then dropped
-- the deactivated ones, so every member it (or an Admin) had ever deactivated stayed in the range
-- it read, once a minute on every instance, for good: the read grew with every deactivation. Both
-- lists now carry whether the member is active, kept by triggers in the transaction of each status
-- change, and the job's indexes hold active members alone. The job still checks the member row (a
-- touch racing a deactivation may leave a deactivated member flagged active: read once more, never
-- acted on), so the flag only narrows what it reads.
ALTER TABLE member_activity ADD COLUMN member_active boolean NOT NULL DEFAULT true;
ALTER TABLE members_never_active ADD COLUMN member_active boolean NOT NULL DEFAULT true;
UPDATE member_activity ma SET member_active = false
  FROM members m WHERE m.id = ma.member_id AND m.status <> 'active';
UPDATE members_never_active n SET member_active = false
  FROM members m WHERE m.id = n.member_id AND m.status <> 'active';

CREATE INDEX member_activity_active_due_idx ON member_activity (company_id, last_active_at, member_id)
  WHERE member_active;
DROP INDEX members_never_active_company_joined_idx;
CREATE INDEX members_never_active_due_idx ON members_never_active (company_id, joined_at, member_id)
  WHERE member_active;

-- A first activity row takes the member's company and status from the member row.
CREATE OR REPLACE FUNCTION member_activity_copy_company() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT m.company_id, m.status = 'active' INTO NEW.company_id, NEW.member_active
    FROM members m WHERE m.id = NEW.member_id;
  RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION members_never_active_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO members_never_active (member_id, company_id, joined_at, member_active)
  SELECT a.id, a.company_id, a.joined_at, a.status = 'active' FROM added a
   WHERE NOT EXISTS (SELECT 1 FROM member_activity ma WHERE ma.member_id = a.id)
  ON CONFLICT (member_id) DO NOTHING;
  RETURN NULL;
END
$$;

CREATE FUNCTION inactivity_lists_on_status() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE member_activity SET member_active = (NEW.status = 'active') WHERE member_id = NEW.id;
  UPDATE members_never_active SET member_active = (NEW.status = 'active') WHERE member_id = NEW.id;
  RETURN NULL;
END
$$;
CREATE TRIGGER inactivity_lists_status AFTER UPDATE OF status ON members
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
  EXECUTE FUNCTION inactivity_lists_on_status();
