-- 005 portal sections: what the roles open. Transactions and settlement batches per company,
-- the Developer Center's credentials and webhooks. Every row carries its company_id, and every
-- key starts with it, so no query can reach across tenants by accident.

CREATE TABLE settlement_batches (
  company_id uuid NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  reference text NOT NULL,
  period_start timestamptz NOT NULL,
  period_end timestamptz NOT NULL,
  settled_at timestamptz,
  currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  transaction_count integer NOT NULL CHECK (transaction_count >= 0),
  gross_minor bigint NOT NULL,
  fees_minor bigint NOT NULL CHECK (fees_minor >= 0),
  refunds_minor bigint NOT NULL CHECK (refunds_minor >= 0),
  net_minor bigint NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'paid')),
  PRIMARY KEY (company_id, id),
  CHECK (period_end > period_start),
  CHECK ((status = 'paid') = (settled_at IS NOT NULL))
);
CREATE INDEX settlement_batches_period_idx ON settlement_batches (company_id, period_start DESC, id DESC);

CREATE TABLE transactions (
  company_id uuid NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  occurred_at timestamptz NOT NULL,
  merchant_reference text NOT NULL,
  amount_minor bigint NOT NULL CHECK (amount_minor > 0),
  currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  payment_method text NOT NULL CHECK (payment_method IN ('alipay', 'card', 'gcash', 'kakao_pay', 'dana', 'truemoney')),
  status text NOT NULL CHECK (status IN ('succeeded', 'failed', 'refunded', 'pending')),
  -- Why a payment failed; only failed payments carry one.
  error_code text CHECK ((status = 'failed') = (error_code IS NOT NULL)),
  settlement_batch_id uuid,
  PRIMARY KEY (company_id, id),
  FOREIGN KEY (company_id, settlement_batch_id) REFERENCES settlement_batches (company_id, id)
);
-- Keyset pagination and date filters walk this index, newest first.
CREATE INDEX transactions_time_idx ON transactions (company_id, occurred_at DESC, id DESC);

CREATE TABLE developer_credentials (
  company_id uuid PRIMARY KEY REFERENCES companies (id) ON DELETE CASCADE,
  client_id text NOT NULL UNIQUE,
  environment text NOT NULL DEFAULT 'sandbox' CHECK (environment IN ('sandbox', 'production'))
);

-- API keys are shown masked: only a prefix and the last four characters are ever stored here.
CREATE TABLE developer_api_keys (
  company_id uuid NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  label text NOT NULL,
  prefix text NOT NULL CHECK (prefix ~ '^[a-z_]{2,12}$'),
  last_four text NOT NULL CHECK (last_four ~ '^[A-Za-z0-9]{4}$'),
  created_at timestamptz NOT NULL,
  status text NOT NULL CHECK (status IN ('active', 'revoked')),
  PRIMARY KEY (company_id, id)
);

CREATE TABLE developer_webhooks (
  company_id uuid NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  url text NOT NULL CHECK (url ~ '^https://'),
  events text[] NOT NULL,
  status text NOT NULL CHECK (status IN ('enabled', 'disabled')),
  created_at timestamptz NOT NULL,
  PRIMARY KEY (company_id, id)
);
