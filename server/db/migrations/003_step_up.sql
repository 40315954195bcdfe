-- 003 step-up verification (rule 7, SECURITY E): emailed 6-digit codes as challenges bound to the
-- session that asked, and the per-account count of consecutive failures that a new code never resets.

-- One emailed code. Limits live in server/verification/codes.ts; what SQL can hold is held here.
CREATE TABLE verification_challenges (
  -- Made by the application before the insert: the code's HMAC is keyed by it.
  id uuid PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  -- The session that asked; only that session may verify. When the session ends the challenge
  -- dies with it (NULL matches no session) but the row stays: the resend cooldown and the hourly
  -- cap count these rows, and logging out and in again must not reset them.
  session_id uuid REFERENCES sessions (id) ON DELETE SET NULL,
  purpose text NOT NULL CHECK (purpose IN ('step_up', 'alternate_email')),
  -- Where the code went: the stored alternate (else primary) email, or for 'alternate_email' the new
  -- address being proven. Always a canonical address (rule 15), never one taken from a step-up request.
  target_email text NOT NULL CHECK (target_email = lower(btrim(target_email)) AND target_email !~ '[\r\n\s]'),
  -- HMAC-SHA-256 of the code keyed by the challenge id; the code itself exists only in the mail.
  code_hash text NOT NULL CHECK (code_hash ~ '^[0-9a-f]{64}$'),
  -- Wrong tries so far; the 5th locks the challenge (a conditional update under a row lock).
  attempts integer NOT NULL DEFAULT 0 CHECK (attempts BETWEEN 0 AND 5),
  created_at timestamptz NOT NULL,
  -- Valid 10 minutes at most (SECURITY 40).
  expires_at timestamptz NOT NULL
    CHECK (expires_at > created_at AND expires_at <= created_at + interval '10 minutes'),
  -- A challenge ends at most one way (SECURITY 63): used by the right code, voided by a newer code
  -- of the same account and purpose, or locked by its 5th wrong try.
  consumed_at timestamptz,
  voided_at timestamptz,
  locked_at timestamptz,
  CHECK (num_nonnulls(consumed_at, voided_at, locked_at) <= 1),
  CHECK ((locked_at IS NOT NULL) = (attempts = 5))
);
-- "A new code voids the old one": at most one open challenge per account and purpose.
CREATE UNIQUE INDEX verification_challenges_one_open_idx ON verification_challenges (account_id, purpose)
  WHERE consumed_at IS NULL AND voided_at IS NULL AND locked_at IS NULL;
-- The resend cooldown and the rolling hourly cap read an account's newest rows.
CREATE INDEX verification_challenges_account_time_idx ON verification_challenges (account_id, created_at DESC);

-- Consecutive failed verifications per account, across codes, purposes and sessions: a new code
-- does not reset the count, only a successful verification does. Its row is also the per-account
-- lock that serialises issuing and verifying (SELECT … FOR UPDATE). The 100th failure locks
-- verification for the account for 30 minutes and restarts the count: never a permanent lockout.
CREATE TABLE verification_throttle (
  account_id uuid PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
  consecutive_failures integer NOT NULL DEFAULT 0 CHECK (consecutive_failures BETWEEN 0 AND 99),
  locked_until timestamptz,
  updated_at timestamptz NOT NULL
);
