-- 052 a filtered page of transactions reads the transactions that match.
--
-- The Transactions section filters by status and by payment method, newest first. Only the time
-- index served it, so a filter walked the company's transactions until it had a page: a rare
-- combination walked most of them, and one that matched nothing walked them all (262 ms for
-- refunded card payments on the bench's 1,000,000). These two indexes give each filter its own
-- range in time order: status with or without a payment method, and a payment method alone.
-- Transactions are written only by the demo and bench data, so no request pays for them.
CREATE INDEX transactions_status_method_time_idx
  ON transactions (company_id, status, payment_method, occurred_at DESC, id DESC);
CREATE INDEX transactions_method_time_idx
  ON transactions (company_id, payment_method, occurred_at DESC, id DESC);
