-- 009 each member's standing, kept by the database.
--
-- Every request's guard needs the caller's predefined role keys and the union of their roles'
-- permissions. Aggregating member_roles and role_permissions on every request cost as much as the
-- rest of the session query; this table holds the result, one row per member, and triggers keep it
-- in step with member_roles and role_permissions in the same transaction as the change. The
-- application never writes it. A member's status is not part of it: the guard still reads
-- members.status, and a deactivated member's permissions open nothing.
CREATE TABLE member_standing (
  member_id uuid PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
  role_ids uuid[] NOT NULL DEFAULT '{}',
  role_keys text[] NOT NULL DEFAULT '{}',
  permissions text[] NOT NULL DEFAULT '{}'
);

-- Recomputes the standing of the given members from the source tables, in key order (concurrent
-- writers lock standing rows in the same order).
CREATE FUNCTION refresh_member_standing(ids uuid[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO member_standing AS s (member_id, role_ids, role_keys, permissions)
  SELECT m.id,
         coalesce((SELECT array_agg(mr.role_id ORDER BY mr.role_id) FROM member_roles mr
                    WHERE mr.member_id = m.id), '{}'),
         coalesce((SELECT array_agg(r.key ORDER BY r.key) FROM member_roles mr JOIN roles r ON r.id = mr.role_id
                    WHERE mr.member_id = m.id AND r.key IS NOT NULL), '{}'),
         coalesce((SELECT array_agg(DISTINCT rp.permission ORDER BY rp.permission) FROM member_roles mr
                     JOIN role_permissions rp ON rp.role_id = mr.role_id WHERE mr.member_id = m.id), '{}')
    FROM members m
   WHERE m.id = ANY (ids)
   ORDER BY m.id
  ON CONFLICT (member_id) DO UPDATE
    SET role_ids = EXCLUDED.role_ids, role_keys = EXCLUDED.role_keys, permissions = EXCLUDED.permissions
    WHERE (s.role_ids, s.role_keys, s.permissions)
          IS DISTINCT FROM (EXCLUDED.role_ids, EXCLUDED.role_keys, EXCLUDED.permissions);
END
$$;

-- A member's roles changed. The roles involved are key-share locked (as the foreign key check of
-- an insert already does): a change of those roles' permissions, which locks them exclusively
-- (below), then either waits for this transaction or is waited for, and the recomputation that
-- runs second, in a statement of its own, sees the first's committed result.
CREATE FUNCTION member_standing_on_member_roles() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM roles WHERE id IN (SELECT role_id FROM changed) ORDER BY id FOR KEY SHARE;
  PERFORM refresh_member_standing(ARRAY(SELECT DISTINCT member_id FROM changed));
  RETURN NULL;
END
$$;
CREATE TRIGGER member_standing_insert AFTER INSERT ON member_roles
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION member_standing_on_member_roles();
CREATE TRIGGER member_standing_delete AFTER DELETE ON member_roles
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION member_standing_on_member_roles();
CREATE TRIGGER member_standing_update_old AFTER UPDATE ON member_roles
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION member_standing_on_member_roles();
CREATE TRIGGER member_standing_update_new AFTER UPDATE ON member_roles
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION member_standing_on_member_roles();

-- A role's permissions (or its key) changed: every holder of the role is recomputed, after the
-- role is locked exclusively (see above).
CREATE FUNCTION member_standing_on_role_permissions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM roles WHERE id IN (SELECT role_id FROM changed) ORDER BY id FOR UPDATE;
  PERFORM refresh_member_standing(ARRAY(
    SELECT DISTINCT mr.member_id FROM member_roles mr WHERE mr.role_id IN (SELECT role_id FROM changed)));
  RETURN NULL;
END
$$;
CREATE TRIGGER member_standing_insert AFTER INSERT ON role_permissions
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION member_standing_on_role_permissions();
CREATE TRIGGER member_standing_delete AFTER DELETE ON role_permissions
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION member_standing_on_role_permissions();
CREATE TRIGGER member_standing_update_old AFTER UPDATE ON role_permissions
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION member_standing_on_role_permissions();
CREATE TRIGGER member_standing_update_new AFTER UPDATE ON role_permissions
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION member_standing_on_role_permissions();

CREATE FUNCTION member_standing_on_role_key() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM refresh_member_standing(ARRAY(SELECT mr.member_id FROM member_roles mr WHERE mr.role_id = NEW.id));
  RETURN NULL;
END
$$;
CREATE TRIGGER member_standing_role_key AFTER UPDATE OF key ON roles
  FOR EACH ROW WHEN (OLD.key IS DISTINCT FROM NEW.key) EXECUTE FUNCTION member_standing_on_role_key();

-- The members there already.
SELECT refresh_member_standing(ARRAY(SELECT id FROM members));
