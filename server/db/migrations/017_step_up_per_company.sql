-- 017 a step-up elevates the session in the company where it was asked, not in the account's
-- other companies (rule 7); a challenge remembers that company until its code comes back.

-- One row per company a session passed step-up in. sessions.step_up_until stays the session's
-- latest verification in any company: the freshness account-level changes ask for (SPEC §6.2).
CREATE TABLE session_elevations (
  session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  company_id uuid NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  verified_until timestamptz NOT NULL,
  PRIMARY KEY (session_id, company_id)
);

-- The company a step-up code elevates once verified; NULL for a step-up asked outside any company
-- (account-level changes only) and for alternate-email codes.
ALTER TABLE verification_challenges
  ADD COLUMN company_id uuid REFERENCES companies (id) ON DELETE CASCADE,
  ADD CONSTRAINT verification_challenges_company_only_for_step_up
    CHECK (company_id IS NULL OR purpose = 'step_up');
