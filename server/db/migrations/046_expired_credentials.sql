-- 046 what has expired is deleted, not kept forever.
--
-- A session, a known device and an unlock link were deleted only when presented after their end
-- (or at logout, or at the account's next login): one never presented again stayed, with its IP
-- address and user agent. The login throttle's counter of an email (rule 14) stayed for good, one
-- row for every address anybody ever typed wrong, which a script trying made-up addresses grows
-- without bound. The retention job (server/retention/job.ts) now deletes the first three past
-- their end and a counter with no failure for 30 days and no lock in force. Each index gives a pass
-- its oldest rows and nothing else.
CREATE INDEX sessions_expires_idx ON sessions (expires_at);
CREATE INDEX known_devices_expires_idx ON known_devices (expires_at);
CREATE INDEX login_unlock_links_expires_idx ON login_unlock_links (expires_at);
CREATE INDEX login_throttle_updated_idx ON login_throttle (updated_at);
