-- 040 a search finds the members who have the term further into their email apart.
--
-- A first name starts the emails it is in, so in email order its matches sit together, far into
-- the order of a large company. The trigram index of the whole email cannot tell those from an
-- address with the term further in, so a page of such a search gathered every match and sorted
-- them. The members whose email starts with the term are a range of the email index, already in
-- order; this index finds the others: the trigrams of the email past its first character, where
-- 'olivia.smith' leaves 'livia' and 'ben.olivia' keeps 'olivia'. Keyed by company first, as the
-- whole email's (006).
-- Without a pending list, as the whole email's (013): searches never scan a queue of new entries.
CREATE INDEX members_company_email_inside_trgm_idx ON members USING gin (company_id, substr(email, 2) gin_trgm_ops)
  WITH (fastupdate = off);
-- A search chooses between gathering and probing from the planner's estimate, which needs the
-- statistics of the new expression; until the next ANALYZE it would have a guess.
ANALYZE members;
