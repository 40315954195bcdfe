-- 022 the member list in name, joined and last-active order, each walked by keyset like the email.
--
-- The member's name is copied from the account as its email is (migration 006): an index keyed
-- by company first can then order one company's members by name. The list orders by lower(name)
-- in code-point order ("C"), so case does not split the list and every database agrees.
ALTER TABLE members ADD COLUMN name text COLLATE "C";
UPDATE members m SET name = a.name FROM accounts a WHERE a.id = m.account_id;
ALTER TABLE members ALTER COLUMN name SET NOT NULL;

-- The copies always equal the account's email and name: set from the account on insert (whatever
-- the writer passed), and followed when the account's email or name changes.
CREATE OR REPLACE FUNCTION members_copy_account_email() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT a.email, a.name INTO NEW.email, NEW.name FROM accounts a WHERE a.id = NEW.account_id;
  RETURN NEW;
END
$$;
DROP TRIGGER members_copy_account_email ON members;
CREATE TRIGGER members_copy_account_email BEFORE INSERT OR UPDATE OF account_id, email, name ON members
  FOR EACH ROW EXECUTE FUNCTION members_copy_account_email();

CREATE FUNCTION accounts_name_to_members() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE members SET name = NEW.name WHERE account_id = NEW.id;
  RETURN NULL;
END
$$;
CREATE TRIGGER accounts_name_to_members AFTER UPDATE OF name ON accounts
  FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION accounts_name_to_members();

-- Ties (same name, same joining time) are broken by the member id, so the order is total and a
-- cursor of (key, id) names one place in it. (company_id, id) is already unique.
CREATE INDEX members_company_name_idx ON members (company_id, lower(name), id);
CREATE INDEX members_company_joined_idx ON members (company_id, joined_at, id);

-- Last activity is ordered within a company: the activity row carries its member's company,
-- copied on insert and bound to the membership by the composite key. Members who never signed in
-- have no activity row; the list puts them last, in id order, through (company_id, id).
-- The index on last_active_at means a touch updates an index entry instead of staying heap-only;
-- touches are rare (one a minute per active member) and read nothing the list needs.
ALTER TABLE member_activity ADD COLUMN company_id uuid;
UPDATE member_activity ma SET company_id = m.company_id FROM members m WHERE m.id = ma.member_id;
ALTER TABLE member_activity ALTER COLUMN company_id SET NOT NULL;
ALTER TABLE member_activity ADD CONSTRAINT member_activity_membership_fkey
  FOREIGN KEY (company_id, member_id) REFERENCES members (company_id, id) ON DELETE CASCADE;

CREATE FUNCTION member_activity_copy_company() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT m.company_id INTO NEW.company_id FROM members m WHERE m.id = NEW.member_id;
  RETURN NEW;
END
$$;
CREATE TRIGGER member_activity_copy_company BEFORE INSERT OR UPDATE OF member_id, company_id ON member_activity
  FOR EACH ROW EXECUTE FUNCTION member_activity_copy_company();

CREATE INDEX member_activity_company_last_active_idx ON member_activity (company_id, last_active_at, member_id);
