-- 025 the invitation list of every status, searched like the member list and filtered by status.
--
-- Search: the member search's text finds invitations by a substring of their email (three
-- characters or more) through trigrams keyed by company first, so a search reads only its own
-- company's postings. No pending list (fastupdate off), as for the members' index (013): invitations
-- are written by every send, resend and close, and a search should never scan a queue.
CREATE INDEX invitations_company_email_trgm_idx ON invitations USING gin (company_id, email gin_trgm_ops)
  WITH (fastupdate = off);
-- Shorter terms match the start of the email: a range of the (company_id, email) order. Collation
-- "C" makes `LIKE 'ab%'` a range scan whatever the database's collation.
CREATE INDEX invitations_company_email_idx ON invitations (company_id, email COLLATE "C");
-- Status: one status walks its own slice in the list's order (newest first, keyset), so the pending
-- few are found without reading a long history of closed invitations.
CREATE INDEX invitations_company_status_created_idx ON invitations (company_id, status, created_at DESC, id DESC);
