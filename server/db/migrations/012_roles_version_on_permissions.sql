-- 012 a change of a role's permissions moves the company's roles_version on as well.
--
-- A roles change judged without the company lock (members/service.ts, changeRolesUnlocked) is
-- written only if the company's roles_version is still the one it was judged on: what the roles
-- grant is part of what it decided. The service touches the role's row whenever it edits the
-- role's permissions (migration 010 then moves the version on); this trigger makes the database
-- hold it for any writer of role_permissions.
CREATE FUNCTION companies_roles_version_on_permissions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE companies SET roles_version = roles_version + 1
   WHERE id IN (SELECT r.company_id FROM roles r WHERE r.id IN (SELECT role_id FROM changed));
  RETURN NULL;
END
$$;
CREATE TRIGGER roles_version_permissions_insert AFTER INSERT ON role_permissions
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION companies_roles_version_on_permissions();
CREATE TRIGGER roles_version_permissions_delete AFTER DELETE ON role_permissions
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION companies_roles_version_on_permissions();
CREATE TRIGGER roles_version_permissions_update AFTER UPDATE ON role_permissions
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION companies_roles_version_on_permissions();
