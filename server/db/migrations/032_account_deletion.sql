-- 032 account deletion (SPEC §6.4): audit events stay when a person deletes their account, with the
-- person's email and name replaced by a pseudonym ("Deleted user 7f3a9c21"), so the trail keeps its
-- meaning without them. audit_events stays append-only for everything else: the one change the
-- database lets through is that pseudonymisation, asked for inside the deleting transaction
-- (set_config('portal.audit_pseudonymize', 'on', true)), and it may only touch the columns that
-- carry personal data (actor_email, details), writing a pseudonym where an email was. Who did what,
-- when, to which target, from where, stays exactly as recorded.
CREATE OR REPLACE FUNCTION audit_events_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE'
     AND current_setting('portal.audit_pseudonymize', true) = 'on'
     AND NEW.id = OLD.id
     AND NEW.occurred_at = OLD.occurred_at
     AND NEW.company_id IS NOT DISTINCT FROM OLD.company_id
     AND NEW.actor_account_id IS NOT DISTINCT FROM OLD.actor_account_id
     AND NEW.action = OLD.action
     AND NEW.outcome = OLD.outcome
     AND NEW.target_type IS NOT DISTINCT FROM OLD.target_type
     AND NEW.target_id IS NOT DISTINCT FROM OLD.target_id
     AND NEW.ip IS NOT DISTINCT FROM OLD.ip
     AND NEW.user_agent IS NOT DISTINCT FROM OLD.user_agent
     AND NEW.request_id IS NOT DISTINCT FROM OLD.request_id
     AND (NEW.actor_email IS NOT DISTINCT FROM OLD.actor_email OR NEW.actor_email LIKE 'Deleted user %') THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;
