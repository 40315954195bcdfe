-- 045 the planner's estimate of a search's matches from a finer sample.
--
-- A search chooses how to find and count its matches from the planner's estimate of how many
-- members have the term (server/members/service.ts). The estimate of a substring comes from the
-- histogram of the searched expression: with the default 100 bounds a surname in one email of fifty
-- matched none of them, and PostgreSQL guessed a hundredth of a percent (100 rows for 20,000 in a
-- company of a million), so the search gathered every match where a probe and a capped count would
-- have read less. With 1,000 bounds a term in one email of fifty is estimated closely, and a rarer
-- one at no more than about a thousandth. ANALYZE samples 300 rows per bound of the largest target:
-- 300,000 members, a few seconds on millions.
ALTER TABLE members ALTER COLUMN email SET STATISTICS 1000;
ALTER INDEX members_company_email_inside_trgm_idx ALTER COLUMN 2 SET STATISTICS 1000;
ALTER INDEX members_company_local_inside_trgm_idx ALTER COLUMN 2 SET STATISTICS 1000;
ANALYZE members;
