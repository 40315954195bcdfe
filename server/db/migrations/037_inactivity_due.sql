-- 037 the inactivity job reads only the members who are due.
--
-- A member's inactivity runs from their last activity (member_activity), else from joining. The
-- job found the due members by computing that for every active member of every company, once a
-- minute on every instance: with a million members that is a scan of both tables each time.
-- Those with activity are found by member_activity_company_last_active_idx (company, time); this
-- table lists the members without any activity row, with their joining time, so that those are
-- found by an index too. Triggers keep it exact: a member is added with no activity, and leaves
-- the list at their first activity (a touch inserts the activity row once, then updates it).
CREATE TABLE members_never_active (
  member_id uuid PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
  company_id uuid NOT NULL,
  joined_at timestamptz NOT NULL
);
CREATE INDEX members_never_active_company_joined_idx ON members_never_active (company_id, joined_at, member_id);

INSERT INTO members_never_active (member_id, company_id, joined_at)
SELECT m.id, m.company_id, m.joined_at FROM members m
 WHERE NOT EXISTS (SELECT 1 FROM member_activity ma WHERE ma.member_id = m.id);

CREATE FUNCTION members_never_active_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO members_never_active (member_id, company_id, joined_at)
  SELECT a.id, a.company_id, a.joined_at FROM added a
   WHERE NOT EXISTS (SELECT 1 FROM member_activity ma WHERE ma.member_id = a.id)
  ON CONFLICT (member_id) DO NOTHING;
  RETURN NULL;
END
$$;
CREATE TRIGGER members_never_active_insert AFTER INSERT ON members
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION members_never_active_on_insert();

CREATE FUNCTION members_never_active_on_joined() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE members_never_active SET joined_at = NEW.joined_at WHERE member_id = NEW.id;
  RETURN NULL;
END
$$;
CREATE TRIGGER members_never_active_joined AFTER UPDATE OF joined_at ON members
  FOR EACH ROW WHEN (OLD.joined_at IS DISTINCT FROM NEW.joined_at)
  EXECUTE FUNCTION members_never_active_on_joined();

CREATE FUNCTION members_never_active_on_activity() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM members_never_active WHERE member_id = NEW.member_id;
  RETURN NULL;
END
$$;
-- AFTER INSERT fires only for rows actually inserted: a touch that updates (ON CONFLICT) does not.
CREATE TRIGGER members_never_active_activity AFTER INSERT ON member_activity
  FOR EACH ROW EXECUTE FUNCTION members_never_active_on_activity();

