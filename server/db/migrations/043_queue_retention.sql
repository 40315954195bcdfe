-- 043 the queues' history is kept for a retention, not forever.
--
-- A mail that left the outbox and a webhook delivery that is over are deleted once older than
-- MAIL_RETENTION_DAYS and WEBHOOK_LOG_RETENTION_DAYS (server/retention/job.ts). Each index holds
-- only the rows that may go, oldest first, so a pass reads its batch and nothing else.
CREATE INDEX mail_outbox_left_idx ON mail_outbox (created_at) WHERE status <> 'pending';
CREATE INDEX webhook_deliveries_over_idx ON webhook_deliveries (created_at) WHERE status <> 'pending';
