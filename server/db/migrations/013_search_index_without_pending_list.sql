-- 013 a member search costs the same however recently members were written.
--
-- A GIN index with fastupdate (PostgreSQL's default) queues new entries in a pending list, and
-- every search scans that whole list until VACUUM or the 4 MB limit flushes it. Members are written
-- all day (the last_active_at touch of every signed-in member, role changes bumping the version),
-- so the trigram search paid for the queue: 178 pending pages (30,000 touches in the bench's data)
-- made a rare term's search 0.5-0.7 ms slower, and up to 512 pages can queue. Without the list, a
-- write puts its trigrams in the index at once; searches never scan a queue.
ALTER INDEX members_company_email_trgm_idx SET (fastupdate = off);
-- Entries queued before this migration are moved into the index now, not at the next VACUUM.
SELECT gin_clean_pending_list('members_company_email_trgm_idx'::regclass);

-- Room on each page for a member's new row version, so the touches and version bumps (no indexed
-- column changes) stay heap-only updates and write no index entry at all. Applies to pages
-- written from now on.
ALTER TABLE members SET (fillfactor = 90);
