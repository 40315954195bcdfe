-- 041 versions of what an account's request context holds.
--
-- The guard reads the caller's context on every request: for GET /api/me every membership (each
-- company's name, the member's status, roles and permissions, whether the company requires a second
-- factor the account lacks), for a request naming a company the member's standing there and scope,
-- and always the strictest idle timeout of the companies the account is active in. Reading them was
-- most of those requests' database time. A server now holds them per session (and company) and, on
-- each request, reads the session, its account and the two numbers below in the request's own
-- statement: when either has moved since they were read, it reads them again in that request.
-- Rule 2 holds as before: a change and the move of its number commit together, so the first request
-- that can see the change sees the move too, on every instance.
--
-- - account_context_versions: an account's own part (its memberships, their roles and permissions
--   as member_standing holds them, their merchant accounts, whether it has a second factor), moved
--   by the triggers below.
-- - context_epoch: what many accounts share (a company's name, its roles, its security policy),
--   moved by a change of any of them. Such changes are rare and one number spares a statement
--   touching every member of a large company.
CREATE TABLE account_context_versions (
  account_id uuid PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
  version bigint NOT NULL
);

CREATE TABLE context_epoch (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  epoch bigint NOT NULL
);
INSERT INTO context_epoch (epoch) VALUES (0);

-- Moves the version of each given account that still exists (an account deleted in this
-- transaction has none to move), in id order, so that concurrent moves lock rows in one order.
-- PL/pgSQL keeps the statement's plan for the session (a SQL function plans it at every call), and
-- one generic plan serves any number of ids (as refresh_member_standing's does: 039).
CREATE FUNCTION move_account_context(ids uuid[]) RETURNS void LANGUAGE plpgsql
  SET plan_cache_mode = force_generic_plan AS $$
BEGIN
  IF cardinality(ids) = 0 THEN
    RETURN;
  END IF;
  INSERT INTO account_context_versions AS v (account_id, version)
  SELECT a.id, 1 FROM accounts a WHERE a.id = ANY (ids) ORDER BY a.id
  ON CONFLICT (account_id) DO UPDATE SET version = v.version + 1;
END
$$;

CREATE FUNCTION move_context_epoch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE context_epoch SET epoch = epoch + 1;
  RETURN NULL;
END
$$;

-- A membership added or removed, or its status, scope, account or company changed.
CREATE FUNCTION members_move_context() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM move_account_context(ARRAY(SELECT DISTINCT account_id FROM changed_after));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM move_account_context(ARRAY(SELECT DISTINCT account_id FROM changed_before));
  ELSE
    PERFORM move_account_context(ARRAY(
      SELECT DISTINCT x.account_id
        FROM changed_before b JOIN changed_after n ON n.id = b.id,
             LATERAL (VALUES (b.account_id), (n.account_id)) x (account_id)
       WHERE (b.status, b.scope_kind, b.account_id, b.company_id)
             IS DISTINCT FROM (n.status, n.scope_kind, n.account_id, n.company_id)));
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER members_context_insert AFTER INSERT ON members
  REFERENCING NEW TABLE AS changed_after FOR EACH STATEMENT EXECUTE FUNCTION members_move_context();
CREATE TRIGGER members_context_delete AFTER DELETE ON members
  REFERENCING OLD TABLE AS changed_before FOR EACH STATEMENT EXECUTE FUNCTION members_move_context();
CREATE TRIGGER members_context_update AFTER UPDATE ON members
  REFERENCING OLD TABLE AS changed_before NEW TABLE AS changed_after
  FOR EACH STATEMENT EXECUTE FUNCTION members_move_context();

-- A member's roles, permissions or earliest expiry as member_standing keeps them (009, 033).
CREATE FUNCTION member_standing_move_context() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM move_account_context(ARRAY(
      SELECT DISTINCT m.account_id FROM changed_after n JOIN members m ON m.id = n.member_id));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM move_account_context(ARRAY(
      SELECT DISTINCT m.account_id FROM changed_before b JOIN members m ON m.id = b.member_id));
  ELSE
    PERFORM move_account_context(ARRAY(
      SELECT DISTINCT m.account_id
        FROM changed_before b JOIN changed_after n ON n.member_id = b.member_id
        JOIN members m ON m.id = n.member_id
       WHERE (b.role_ids, b.role_keys, b.permissions, b.earliest_expiry)
             IS DISTINCT FROM (n.role_ids, n.role_keys, n.permissions, n.earliest_expiry)));
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER member_standing_context_insert AFTER INSERT ON member_standing
  REFERENCING NEW TABLE AS changed_after FOR EACH STATEMENT EXECUTE FUNCTION member_standing_move_context();
CREATE TRIGGER member_standing_context_delete AFTER DELETE ON member_standing
  REFERENCING OLD TABLE AS changed_before FOR EACH STATEMENT EXECUTE FUNCTION member_standing_move_context();
CREATE TRIGGER member_standing_context_update AFTER UPDATE ON member_standing
  REFERENCING OLD TABLE AS changed_before NEW TABLE AS changed_after
  FOR EACH STATEMENT EXECUTE FUNCTION member_standing_move_context();

-- A member's merchant accounts (031), which a restricted member's context names.
CREATE FUNCTION member_merchant_accounts_move_context() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM move_account_context(ARRAY(
    SELECT DISTINCT m.account_id FROM changed c JOIN members m ON m.id = c.member_id));
  RETURN NULL;
END
$$;
CREATE TRIGGER member_merchant_accounts_context_insert AFTER INSERT ON member_merchant_accounts
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION member_merchant_accounts_move_context();
CREATE TRIGGER member_merchant_accounts_context_delete AFTER DELETE ON member_merchant_accounts
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION member_merchant_accounts_move_context();

-- Whether the account has a second factor, which decides a company's "second factor required".
CREATE FUNCTION accounts_move_context() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM move_account_context(ARRAY[NEW.id]);
  RETURN NULL;
END
$$;
CREATE TRIGGER accounts_context_second_factor AFTER UPDATE OF has_second_factor ON accounts
  FOR EACH ROW WHEN (OLD.has_second_factor IS DISTINCT FROM NEW.has_second_factor)
  EXECUTE FUNCTION accounts_move_context();

-- A company's name or roles (roles_version moves with any change of its roles: 010, 012), and any
-- company's security policy.
CREATE TRIGGER companies_context_epoch AFTER UPDATE OF name, roles_version ON companies
  FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.roles_version IS DISTINCT FROM NEW.roles_version)
  EXECUTE FUNCTION move_context_epoch();
CREATE TRIGGER company_security_policies_context_epoch AFTER INSERT OR UPDATE OR DELETE
  ON company_security_policies FOR EACH STATEMENT EXECUTE FUNCTION move_context_epoch();
