-- 002 mail outbox (rule 12): a message is a row written in the same transaction as the change
-- that causes it; the dispatcher delivers it later, with retries, and never loses it.
CREATE TABLE mail_outbox (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- Insertion order, for "newest first" when several mails share a timestamp.
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  created_at timestamptz NOT NULL,
  kind text NOT NULL CHECK (kind ~ '^[a-z_]+$'),
  to_address text NOT NULL CHECK (to_address = lower(btrim(to_address)) AND to_address !~ '[\r\n\s]'),
  -- Headers can never carry CR/LF (header injection), whatever the templates do.
  subject text NOT NULL CHECK (length(subject) <= 300 AND subject !~ '[\r\n]'),
  text_body text NOT NULL,
  html_body text NOT NULL,
  -- Bodies holding a code or a link token are wiped once an external mail server has them.
  is_sensitive boolean NOT NULL DEFAULT false,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at timestamptz NOT NULL,
  -- A dispatcher that claimed the row holds it until then; another may take it over afterwards.
  locked_until timestamptz,
  last_error text,
  sent_at timestamptz,
  CHECK ((status = 'sent') = (sent_at IS NOT NULL))
);
CREATE INDEX mail_outbox_due_idx ON mail_outbox (next_attempt_at) WHERE status = 'pending';
