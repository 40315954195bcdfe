-- 034 an access review shows each member's merchant-account scope beside their roles (SPEC §6.4:
-- "every member with roles, scope, last activity and second-factor state"), as it stood when the
-- review started: {"kind":"all"} or {"kind":"restricted","merchantAccountIds":[…]}. Reviews made
-- before this migration saw no scope; they keep "all", which is what their members then had unless
-- restricted, so their attestation says what the reviewer could not see as "all".
ALTER TABLE access_review_items ADD COLUMN scope jsonb NOT NULL DEFAULT '{"kind":"all"}'::jsonb
  CHECK (scope->>'kind' IN ('all', 'restricted'));
