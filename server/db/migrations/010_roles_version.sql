-- 010 a version of each company's roles.
--
-- A member list page names each member's roles. Building those names row by row cost more than
-- the rest of the page; a page now carries each member's role ids (member_standing) and this
-- version, and the server names the roles from its copy of the company's roles, which it reloads
-- whenever the version it holds is not the one the page was read with. Any insert, update or
-- delete of a company's role moves the version on, in the transaction of the change.
ALTER TABLE companies ADD COLUMN roles_version bigint NOT NULL DEFAULT 0;

CREATE FUNCTION companies_roles_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE companies SET roles_version = roles_version + 1 WHERE id = coalesce(NEW.company_id, OLD.company_id);
  RETURN NULL;
END
$$;
CREATE TRIGGER roles_version AFTER INSERT OR UPDATE OR DELETE ON roles
  FOR EACH ROW EXECUTE FUNCTION companies_roles_version();
