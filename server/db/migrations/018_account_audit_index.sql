-- A person's own account events include those made on their account by someone else (a failed
-- login, a reset asked for it), found by target, newest first (GET /api/me/audit-events). The
-- events made by the account use audit_events_actor_time_idx. IF NOT EXISTS: on a large log an
-- operator may build it beforehand with CREATE INDEX CONCURRENTLY, which a migration's
-- transaction cannot run, and this step then has nothing to do.
CREATE INDEX IF NOT EXISTS audit_events_account_target_idx
  ON audit_events (target_id, occurred_at DESC, id DESC)
  WHERE target_type = 'account';
