-- 042 a deleted account's addresses are found in the outbox and the invitations.
--
-- Deleting an account (SPEC §6.4) forgets the mails to the person and names them by a pseudonym in
-- the invitations to them that are over (server/accounts/service.ts). Both look the person's
-- addresses up across every company: without these indexes each deletion read the whole outbox,
-- which keeps every mail ever sent, and every invitation.
CREATE INDEX mail_outbox_to_address_idx ON mail_outbox (to_address);
CREATE INDEX invitations_email_idx ON invitations (email);
