-- audit_events becomes a table partitioned by month of occurred_at (UTC), so that the retention of
-- rule 11 is kept by dropping whole months, never by deleting rows (server/audit/partitions.ts).
-- The rows are copied into a new partitioned table that then takes the old one's name. A DEFAULT
-- partition takes any row whose month has no partition yet; the application creates the current
-- and next months' partitions on start and periodically. Here a partition is made for every month
-- that already holds events, so none of them lands in DEFAULT.
-- The primary key includes the partition key, as PostgreSQL requires; ids stay random UUIDs.

DROP INDEX audit_events_company_time_idx;
DROP INDEX audit_events_actor_time_idx;
DROP INDEX audit_events_account_target_idx;
ALTER TABLE audit_events RENAME CONSTRAINT audit_events_pkey TO audit_events_unpartitioned_pkey;
ALTER TABLE audit_events RENAME TO audit_events_unpartitioned;

CREATE TABLE audit_events (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  occurred_at timestamptz(3) NOT NULL,
  company_id uuid,
  actor_account_id uuid,
  actor_email text,
  action text NOT NULL CHECK (action ~ '^[a-z_]+\.[a-z_]+$'),
  outcome text NOT NULL CHECK (outcome IN ('success', 'denied', 'failure')),
  target_type text,
  target_id text,
  details jsonb NOT NULL DEFAULT '{}'::jsonb,
  ip text,
  user_agent text,
  request_id text,
  PRIMARY KEY (id, occurred_at)
) PARTITION BY RANGE (occurred_at);

CREATE TABLE audit_events_default PARTITION OF audit_events DEFAULT;

-- Monthly partitions are named audit_events_yYYYYmMM and span [first of month, first of next) UTC.
DO $$
DECLARE
  month timestamptz;
  name text;
BEGIN
  FOR month IN
    SELECT DISTINCT date_trunc('month', occurred_at, 'UTC') FROM audit_events_unpartitioned ORDER BY 1
  LOOP
    name := 'audit_events_' || to_char(month AT TIME ZONE 'UTC', '"y"YYYY"m"MM');
    EXECUTE format(
      'CREATE TABLE %I PARTITION OF audit_events FOR VALUES FROM (%L) TO (%L)',
      name, month, month + interval '1 month');
    EXECUTE format(
      'CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON %I
         FOR EACH STATEMENT EXECUTE FUNCTION audit_events_are_append_only()', name);
  END LOOP;
END
$$;

INSERT INTO audit_events SELECT * FROM audit_events_unpartitioned;
DROP TABLE audit_events_unpartitioned;

-- Partitioned indexes: each partition, present or future, gets its own.
CREATE INDEX audit_events_company_time_idx ON audit_events (company_id, occurred_at DESC, id DESC);
CREATE INDEX audit_events_actor_time_idx ON audit_events (actor_account_id, occurred_at DESC);
CREATE INDEX audit_events_account_target_idx ON audit_events (target_id, occurred_at DESC, id DESC)
  WHERE target_type = 'account';

-- Row triggers on the partitioned table are cloned onto every partition, present or future. A
-- statement trigger is not, so TRUNCATE is refused on the parent here and on each partition where
-- it is created.
CREATE TRIGGER audit_events_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_are_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_are_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events_default
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_are_append_only();
