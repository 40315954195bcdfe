-- 014 a member's last activity lives apart from the member row.
--
-- Every signed-in member's requests touched members.last_active_at once a minute. Each touch
-- rewrote the member's row: its page stopped being all-visible, and a touch that found no room on
-- the page left a dead entry in every index of members. Pruning keeps the dead count low, so
-- autovacuum does not come to set them right. The list and the search walk the email indexes
-- "index-only", and after touches on 30% of the bench's 100,000-member company a search walking
-- them ('stark') went from 2.6 ms to 17 ms, checking table rows one by one. Here a touch writes
-- one small row of its own table, and the member rows change only when the member does.
CREATE TABLE member_activity (
  member_id uuid PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
  last_active_at timestamptz NOT NULL
) WITH (fillfactor = 50);
-- Half of each page left free: a touch is a heap-only update beside the row it replaces.

INSERT INTO member_activity (member_id, last_active_at)
SELECT id, last_active_at FROM members WHERE last_active_at IS NOT NULL;

ALTER TABLE members DROP COLUMN last_active_at;
