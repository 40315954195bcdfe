-- 050 an identity provider's lookup of a user by its own id reads an index.
--
-- SCIM clients find a user before creating or changing it, by userName (the member's email, in the
-- company's email index) or by externalId, the id the identity provider gave it. The externalId had
-- no index, so each such lookup tested every member of the company (about 30 ms for its count in a
-- company of 100,000, and as long for its page), once per user a sync touches. Only members an
-- identity provider made or linked have one.
CREATE INDEX members_company_scim_external_id_idx ON members (company_id, scim_external_id)
  WHERE scim_external_id IS NOT NULL;
