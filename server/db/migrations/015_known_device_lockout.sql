-- 015 the known-device lockout (rule 14, PCI DSS 8.3.4): wrong passwords lock a device, never a person.
-- A browser that logged in to an account holds a known-device cookie; its failures are counted on its
-- own row here. The failures of every other browser for an email stay counted in login_throttle, one
-- counter for all unknown devices, kept alike whether or not the email has an account.
CREATE TABLE known_devices (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- A device is known to one account only: its cookie means nothing for another email.
  account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  -- hashSecretToken(token): the token itself lives only in the browser's cookie.
  token_hash text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL CHECK (expires_at > created_at),
  last_login_at timestamptz,
  -- Made by opening an emailed unlock link rather than by a login: it lives minutes, not months,
  -- and becomes an ordinary known device at its first successful login.
  is_unlock_pass boolean NOT NULL DEFAULT false,
  consecutive_failures integer NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0),
  locked_until timestamptz
);
CREATE INDEX known_devices_account_idx ON known_devices (account_id, expires_at);

-- Single-use links mailed to the owner of a locked account: the browser that opens one gets an unlock
-- pass (a known_devices row) for one login. Only the token's SHA-256 is kept.
CREATE TABLE login_unlock_links (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  token_hash text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL CHECK (expires_at > created_at),
  -- Set by the one request that redeemed the link (a conditional UPDATE, so two cannot both win).
  used_at timestamptz
);
CREATE INDEX login_unlock_links_account_idx ON login_unlock_links (account_id, expires_at);

