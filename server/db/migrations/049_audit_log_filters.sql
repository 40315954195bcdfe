-- 049 the audit log's filters read their own events, not the company's whole log.
--
-- Only the whole log (audit_events_company_time_idx), an actor's events and an account's were
-- indexed. Every other filter walked the company's log newest first and tested each event: the
-- events done to one member (the member's page), an action or a category with few events, and the
-- refusals and failures (outcome) a security reviewer looks for. With 300,000 events in a company
-- each of those took 70 to 160 ms for the page and as long again for its count, and none would
-- stop growing with the log. The indexes read them in the log's order:
-- - a member's events, as 018's index reads an account's;
-- - by action, bytewise (an action is `category.verb`, so a category is a range of the index):
--   an exact action's events in order, a category's as one range per action, merged;
-- - the events that did not succeed, which are few beside the rest.
-- IF NOT EXISTS: as in 018, an operator may build them beforehand on a large log.
CREATE INDEX IF NOT EXISTS audit_events_member_target_idx
  ON audit_events (target_id, occurred_at DESC, id DESC)
  WHERE target_type = 'member';
CREATE INDEX IF NOT EXISTS audit_events_company_action_idx
  ON audit_events (company_id, action COLLATE "C", occurred_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS audit_events_company_unsuccessful_idx
  ON audit_events (company_id, occurred_at DESC, id DESC)
  WHERE outcome <> 'success';
