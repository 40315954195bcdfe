-- 004 password reset (rule 14, SECURITY 8): single-use links mailed to the account's stored address.
-- Only the SHA-256 of a link's token is kept; a link works once, for 30 minutes, and only while it is the newest.
CREATE TABLE password_reset_tokens (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  -- hashSecretToken(token): the token itself exists only in the mail that carries it.
  token_hash text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL CHECK (expires_at > created_at),
  -- Set by the one confirm that redeemed the link (a conditional UPDATE, so two cannot both win).
  used_at timestamptz,
  -- Set when a newer request, a reset or a password change makes the link worthless.
  voided_at timestamptz,
  CHECK (used_at IS NULL OR voided_at IS NULL)
);
-- Serves both "void this account's open links" and "how many links did this account get in the last hour",
-- the per-account cap on reset mails (server/passwords/service.ts). Rows are also the cap's memory,
-- so they are pruned only once older than a day.
CREATE INDEX password_reset_tokens_account_idx ON password_reset_tokens (account_id, created_at DESC);
