-- 048 a company's members without a second factor are read from an index.
--
-- Home (for an Admin) counts the company's active members whose account has no confirmed factor and
-- names a few; the security policy page lists them by name. The flag was on the account alone, so
-- each of those statements joined every member of the company to its account before it could tell:
-- in a company of 100,000 members nearly all with a factor (what "Require two-factor
-- authentication" brings about), Home's two statements took 0.75 s and the policy page's 0.2 s (0.4 s
-- with no factors at all), and both grew with the company. Each member row now carries a copy of its account's flag, kept as its email and name are
-- (022): set from the account on insert, whatever the writer passed, and followed when the
-- account's flag changes. The partial index holds the active members without a factor alone, in the
-- policy page's order: the account's name, then its email, in the database's collation, as the
-- page sorted them from the account.
ALTER TABLE members ADD COLUMN has_second_factor boolean NOT NULL DEFAULT false;
UPDATE members m SET has_second_factor = true
  FROM accounts a WHERE a.id = m.account_id AND a.has_second_factor;

CREATE OR REPLACE FUNCTION members_copy_account_email() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT a.email, a.name, a.has_second_factor INTO NEW.email, NEW.name, NEW.has_second_factor
    FROM accounts a WHERE a.id = NEW.account_id;
  RETURN NEW;
END
$$;
DROP TRIGGER members_copy_account_email ON members;
CREATE TRIGGER members_copy_account_email
  BEFORE INSERT OR UPDATE OF account_id, email, name, has_second_factor ON members
  FOR EACH ROW EXECUTE FUNCTION members_copy_account_email();

CREATE FUNCTION accounts_second_factor_to_members() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE members SET has_second_factor = NEW.has_second_factor WHERE account_id = NEW.id;
  RETURN NULL;
END
$$;
CREATE TRIGGER accounts_second_factor_to_members AFTER UPDATE OF has_second_factor ON accounts
  FOR EACH ROW WHEN (OLD.has_second_factor IS DISTINCT FROM NEW.has_second_factor)
  EXECUTE FUNCTION accounts_second_factor_to_members();

CREATE INDEX members_company_without_factor_idx
  ON members (company_id, lower(name COLLATE "default"), email COLLATE "default")
  WHERE status = 'active' AND NOT has_second_factor;
