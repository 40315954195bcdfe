-- 019 second factors (SPEC §6.2): TOTP authenticators and passkeys per account, single-use recovery
-- codes, WebAuthn challenges, the login's second step, and step-up by a factor instead of a mail.

-- One second factor of an account: a TOTP authenticator or a passkey. A TOTP factor exists from its
-- enrolment but counts only once its first code confirmed it (confirmed_at).
CREATE TABLE mfa_factors (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  type text NOT NULL CHECK (type IN ('totp', 'passkey')),
  name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 60 AND name !~ '[\r\n]'),
  created_at timestamptz NOT NULL,
  confirmed_at timestamptz,
  last_used_at timestamptz,
  -- TOTP: the shared secret sealed by the server's key (AES-256-GCM, base64url of iv, tag and
  -- ciphertext); never returned once the enrolment answer has shown it.
  totp_secret_sealed text,
  -- TOTP: the highest time step accepted so far; a code of that step or an earlier one is refused.
  totp_last_step bigint,
  -- Passkey: the credential as WebAuthn registered it.
  credential_id text UNIQUE,
  public_key bytea,
  sign_count bigint,
  transports text[],
  CHECK ((type = 'totp') = (totp_secret_sealed IS NOT NULL)),
  CHECK ((type = 'passkey') = (credential_id IS NOT NULL AND public_key IS NOT NULL AND sign_count IS NOT NULL)),
  CHECK (type = 'totp' OR confirmed_at IS NOT NULL)
);
CREATE INDEX mfa_factors_account_idx ON mfa_factors (account_id, created_at);

-- Ten single-use codes per account; only their hashes are kept. New codes replace the old set.
CREATE TABLE mfa_recovery_codes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  code_hash text NOT NULL CHECK (code_hash ~ '^[0-9a-f]{64}$'),
  created_at timestamptz NOT NULL,
  -- Set by the one request that used the code (a conditional UPDATE, so two cannot both win).
  used_at timestamptz,
  UNIQUE (account_id, code_hash)
);

-- Whether the account has a confirmed factor: read by the guard, the policy page and Home without
-- a join; kept in step with mfa_factors by the trigger below.
ALTER TABLE accounts ADD COLUMN has_second_factor boolean NOT NULL DEFAULT false;

CREATE FUNCTION accounts_second_factor_sync() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  affected uuid;
BEGIN
  affected := CASE WHEN TG_OP = 'DELETE' THEN OLD.account_id ELSE NEW.account_id END;
  UPDATE accounts a
     SET has_second_factor = EXISTS (
           SELECT 1 FROM mfa_factors f WHERE f.account_id = affected AND f.confirmed_at IS NOT NULL)
   WHERE a.id = affected;
  RETURN NULL;
END $$;
CREATE TRIGGER mfa_factors_sync AFTER INSERT OR UPDATE OF confirmed_at OR DELETE ON mfa_factors
  FOR EACH ROW EXECUTE FUNCTION accounts_second_factor_sync();

-- One WebAuthn challenge, single use, minutes long. account_id is NULL for a passwordless login,
-- where the person is known only once the assertion names its credential.
CREATE TABLE webauthn_challenges (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id uuid REFERENCES accounts (id) ON DELETE CASCADE,
  session_id uuid REFERENCES sessions (id) ON DELETE CASCADE,
  purpose text NOT NULL CHECK (purpose IN ('register', 'login', 'second_step', 'step_up')),
  challenge text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
    CHECK (expires_at > created_at AND expires_at <= created_at + interval '10 minutes'),
  used_at timestamptz
);
CREATE INDEX webauthn_challenges_expiry_idx ON webauthn_challenges (expires_at);

-- A session made by a correct password for an account with a factor can only finish the second
-- step ('second_step'); a full session is 'full'. The second step allows 5 wrong codes.
ALTER TABLE sessions
  ADD COLUMN stage text NOT NULL DEFAULT 'full' CHECK (stage IN ('full', 'second_step')),
  ADD COLUMN second_step_failures integer NOT NULL DEFAULT 0 CHECK (second_step_failures BETWEEN 0 AND 5);

-- Step-up by the strongest factor enrolled: a challenge answered by a TOTP code or a passkey has no
-- mailed code and no target address.
ALTER TABLE verification_challenges
  ADD COLUMN method text NOT NULL DEFAULT 'email' CHECK (method IN ('email', 'totp', 'passkey')),
  ALTER COLUMN code_hash DROP NOT NULL,
  ALTER COLUMN target_email DROP NOT NULL,
  ADD CONSTRAINT verification_challenges_mail_fields
    CHECK ((method = 'email') = (code_hash IS NOT NULL AND target_email IS NOT NULL));
