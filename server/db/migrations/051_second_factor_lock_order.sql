-- 051 a second factor confirmed or removed writes the member rows before the account's context version.
--
-- Two AFTER triggers followed a change of accounts.has_second_factor, fired in the order of their
-- names: accounts_context_second_factor (041) moved the account's context version, then
-- accounts_second_factor_to_members (048) wrote the flag's copy on each membership. A role change
-- or a deactivation takes the same two rows the other way round: the member's row, then (the
-- triggers of members and member_standing) the account's context version. The two at once on one
-- person waited for each other until PostgreSQL cancelled one. One trigger now does both, the
-- member rows first.
DROP TRIGGER accounts_context_second_factor ON accounts;
DROP FUNCTION accounts_move_context();

CREATE OR REPLACE FUNCTION accounts_second_factor_to_members() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE members SET has_second_factor = NEW.has_second_factor WHERE account_id = NEW.id;
  -- Whether the account has a second factor decides a company's "second factor required" (041).
  PERFORM move_account_context(ARRAY[NEW.id]);
  RETURN NULL;
END
$$;
