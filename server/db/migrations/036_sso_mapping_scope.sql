-- 036 merchant-account scope in SSO group mappings (SPEC §6.3, §6.4): a group → role mapping gives
-- either all of the company's merchant accounts (the default, as before) or the accounts listed here.
-- A person's scope at an SSO login is the union of the scopes of the mappings their groups match.

ALTER TABLE sso_group_mappings ADD COLUMN scope_kind text NOT NULL DEFAULT 'all'
  CHECK (scope_kind IN ('all', 'restricted'));

-- The accounts a restricted mapping gives. Both foreign keys carry the company, so a mapping can never
-- name another company's account; the rows go with the mapping (replaced on every settings save) and
-- with the account, and the service refuses a restricted mapping without any account.
CREATE TABLE sso_group_mapping_merchant_accounts (
  company_id uuid NOT NULL,
  group_name text NOT NULL,
  role_id uuid NOT NULL,
  merchant_account_id uuid NOT NULL,
  PRIMARY KEY (company_id, group_name, role_id, merchant_account_id),
  FOREIGN KEY (company_id, group_name, role_id)
    REFERENCES sso_group_mappings (company_id, group_name, role_id) ON DELETE CASCADE,
  FOREIGN KEY (company_id, merchant_account_id) REFERENCES merchant_accounts (company_id, id) ON DELETE CASCADE
);
CREATE INDEX sso_group_mapping_merchant_accounts_account_idx
  ON sso_group_mapping_merchant_accounts (company_id, merchant_account_id);
