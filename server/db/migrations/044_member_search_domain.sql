-- 044 a search finds the members whose domain has the term apart from those whose name part has it.
--
-- A domain goes with whole groups of a company's members, and in email order those groups can sit
-- far from its start (in the bench's million-member company, a domain's first member was 80,000
-- rows in). The trigram index past the email's first character (040) cannot tell a domain's match
-- from a name's, so a search for a domain walked the email order up to its matches. When a company
-- has few domains, a search now reads its domains containing the term as ranges of this index, each
-- in email order, and finds the rest through the trigrams of the part before the @ past its first
-- character. Keyed by company first, as the other email indexes; the id included, as 011's.
CREATE INDEX members_company_domain_email_idx ON members (company_id, split_part(email, '@', 2), email) INCLUDE (id);
-- Without a pending list, as the other trigram indexes (013, 040).
CREATE INDEX members_company_local_inside_trgm_idx ON members
  USING gin (company_id, substr(split_part(email, '@', 1), 2) gin_trgm_ops) WITH (fastupdate = off);
-- The search chooses how to find the name part's matches from the planner's estimate of the new
-- expression, which needs its statistics.
ANALYZE members;
