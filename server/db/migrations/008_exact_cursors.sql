-- 008 exact keyset cursors.
--
-- Cursors carry times as JavaScript dates, which hold milliseconds. A time column that keeps
-- microseconds would let a cursor name a time just before its row's, and a later page would skip
-- the rows sharing that millisecond. Columns that order a keyset hold milliseconds instead.
ALTER TABLE audit_events ALTER COLUMN occurred_at TYPE timestamptz(3);
ALTER TABLE transactions ALTER COLUMN occurred_at TYPE timestamptz(3);
ALTER TABLE settlement_batches ALTER COLUMN period_start TYPE timestamptz(3);
