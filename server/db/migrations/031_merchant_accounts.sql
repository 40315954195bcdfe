-- 031 merchant accounts and scoped access (SPEC §6.4): a company has one or more merchant accounts,
-- every transaction, settlement batch, API key and webhook belongs to one, and a member (or an
-- invitation) reaches either all of the company's accounts or a chosen few.

-- A merchant account of a company (e.g. one per region). Keyed by (company_id, id), like the rows
-- that point at it, so a composite foreign key can never pair a company with another's account.
CREATE TABLE merchant_accounts (
  company_id uuid NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200 AND name !~ '[[:cntrl:]]'),
  -- The account's reference as the acquirer knows it; unique within the company.
  reference text NOT NULL CHECK (length(reference) BETWEEN 1 AND 64 AND reference !~ '[[:cntrl:][:space:]]'),
  region text NOT NULL DEFAULT '' CHECK (length(region) <= 100 AND region !~ '[[:cntrl:]]'),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (company_id, id),
  UNIQUE (company_id, reference)
);

-- Every company has at least one account from its first moment: the one made here is its default,
-- the account rows written without one go to (see below). Companies that exist already get theirs now.
CREATE FUNCTION companies_default_merchant_account() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO merchant_accounts (company_id, name, reference, created_at)
  VALUES (NEW.id, NEW.name, NEW.merchant_id, NEW.created_at);
  RETURN NULL;
END
$$;
CREATE TRIGGER companies_default_merchant_account AFTER INSERT ON companies
  FOR EACH ROW EXECUTE FUNCTION companies_default_merchant_account();
INSERT INTO merchant_accounts (company_id, name, reference, created_at)
SELECT id, name, merchant_id, created_at FROM companies;

-- A row written without an account (older writers, tests writing SQL) belongs to the company's
-- oldest account, its default; the column itself stays NOT NULL.
CREATE FUNCTION rows_default_merchant_account() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.merchant_account_id IS NULL THEN
    SELECT ma.id INTO NEW.merchant_account_id FROM merchant_accounts ma
     WHERE ma.company_id = NEW.company_id ORDER BY ma.created_at, ma.id LIMIT 1;
  END IF;
  RETURN NEW;
END
$$;

-- Settlement batches: a batch settles one account's money, so (company, account, id) is unique
-- and a transaction's batch must be of the transaction's own account.
ALTER TABLE settlement_batches ADD COLUMN merchant_account_id uuid;
UPDATE settlement_batches b SET merchant_account_id = (
  SELECT ma.id FROM merchant_accounts ma WHERE ma.company_id = b.company_id ORDER BY ma.created_at, ma.id LIMIT 1);
ALTER TABLE settlement_batches ALTER COLUMN merchant_account_id SET NOT NULL;
ALTER TABLE settlement_batches ADD FOREIGN KEY (company_id, merchant_account_id)
  REFERENCES merchant_accounts (company_id, id);
ALTER TABLE settlement_batches ADD UNIQUE (company_id, merchant_account_id, id);
-- A restricted member's list walks only their accounts' slices, newest first.
CREATE INDEX settlement_batches_account_period_idx
  ON settlement_batches (company_id, merchant_account_id, period_start DESC, id DESC);
CREATE TRIGGER settlement_batches_default_merchant_account BEFORE INSERT ON settlement_batches
  FOR EACH ROW EXECUTE FUNCTION rows_default_merchant_account();

ALTER TABLE transactions ADD COLUMN merchant_account_id uuid;
UPDATE transactions t SET merchant_account_id = (
  SELECT ma.id FROM merchant_accounts ma WHERE ma.company_id = t.company_id ORDER BY ma.created_at, ma.id LIMIT 1);
ALTER TABLE transactions ALTER COLUMN merchant_account_id SET NOT NULL;
ALTER TABLE transactions ADD FOREIGN KEY (company_id, merchant_account_id)
  REFERENCES merchant_accounts (company_id, id);
ALTER TABLE transactions ADD FOREIGN KEY (company_id, merchant_account_id, settlement_batch_id)
  REFERENCES settlement_batches (company_id, merchant_account_id, id);
CREATE INDEX transactions_account_time_idx
  ON transactions (company_id, merchant_account_id, occurred_at DESC, id DESC);
CREATE TRIGGER transactions_default_merchant_account BEFORE INSERT ON transactions
  FOR EACH ROW EXECUTE FUNCTION rows_default_merchant_account();

-- The Developer Center's API keys and webhooks are each an account's; the client id stays the company's.
ALTER TABLE developer_api_keys ADD COLUMN merchant_account_id uuid;
UPDATE developer_api_keys k SET merchant_account_id = (
  SELECT ma.id FROM merchant_accounts ma WHERE ma.company_id = k.company_id ORDER BY ma.created_at, ma.id LIMIT 1);
ALTER TABLE developer_api_keys ALTER COLUMN merchant_account_id SET NOT NULL;
ALTER TABLE developer_api_keys ADD FOREIGN KEY (company_id, merchant_account_id)
  REFERENCES merchant_accounts (company_id, id);
CREATE TRIGGER developer_api_keys_default_merchant_account BEFORE INSERT ON developer_api_keys
  FOR EACH ROW EXECUTE FUNCTION rows_default_merchant_account();

ALTER TABLE developer_webhooks ADD COLUMN merchant_account_id uuid;
UPDATE developer_webhooks w SET merchant_account_id = (
  SELECT ma.id FROM merchant_accounts ma WHERE ma.company_id = w.company_id ORDER BY ma.created_at, ma.id LIMIT 1);
ALTER TABLE developer_webhooks ALTER COLUMN merchant_account_id SET NOT NULL;
ALTER TABLE developer_webhooks ADD FOREIGN KEY (company_id, merchant_account_id)
  REFERENCES merchant_accounts (company_id, id);
CREATE TRIGGER developer_webhooks_default_merchant_account BEFORE INSERT ON developer_webhooks
  FOR EACH ROW EXECUTE FUNCTION rows_default_merchant_account();

-- A member's scope: 'all' reaches every account of the company, present and future; 'restricted'
-- reaches exactly the accounts listed in member_merchant_accounts (the service refuses an empty list).
ALTER TABLE members ADD COLUMN scope_kind text NOT NULL DEFAULT 'all'
  CHECK (scope_kind IN ('all', 'restricted'));

-- Both foreign keys carry the company: an account of company A can never be in a scope in company B.
-- The rows go with the membership (and with an account, should one ever be deleted).
CREATE TABLE member_merchant_accounts (
  company_id uuid NOT NULL,
  member_id uuid NOT NULL,
  merchant_account_id uuid NOT NULL,
  PRIMARY KEY (member_id, merchant_account_id),
  FOREIGN KEY (company_id, member_id) REFERENCES members (company_id, id) ON DELETE CASCADE,
  FOREIGN KEY (company_id, merchant_account_id) REFERENCES merchant_accounts (company_id, id) ON DELETE CASCADE
);
CREATE INDEX member_merchant_accounts_account_idx ON member_merchant_accounts (company_id, merchant_account_id);

-- The scope an invitation offers, applied to the member its acceptance makes. Unlike its roles, the
-- rows stay after it closes: the invitation list keeps showing what it offered.
ALTER TABLE invitations ADD COLUMN scope_kind text NOT NULL DEFAULT 'all'
  CHECK (scope_kind IN ('all', 'restricted'));
CREATE TABLE invitation_merchant_accounts (
  company_id uuid NOT NULL,
  invitation_id uuid NOT NULL,
  merchant_account_id uuid NOT NULL,
  PRIMARY KEY (invitation_id, merchant_account_id),
  FOREIGN KEY (company_id, invitation_id) REFERENCES invitations (company_id, id) ON DELETE CASCADE,
  FOREIGN KEY (company_id, merchant_account_id) REFERENCES merchant_accounts (company_id, id) ON DELETE CASCADE
);
CREATE INDEX invitation_merchant_accounts_account_idx
  ON invitation_merchant_accounts (company_id, merchant_account_id);
