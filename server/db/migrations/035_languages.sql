-- 035 languages (SPEC §6.6): an account's chosen language and time zone, and the language an
-- invitation to a not-yet-registered email is written in. NULL means "not chosen": the request's
-- Accept-Language, else English, and UTC. The time zone is an IANA name the application validates
-- with Intl (the database cannot); the length bound only keeps rubbish out.
ALTER TABLE accounts ADD COLUMN language text CHECK (language IN ('en', 'zh-CN'));
ALTER TABLE accounts ADD COLUMN time_zone text CHECK (time_zone IS NULL OR length(time_zone) BETWEEN 1 AND 64);
ALTER TABLE invitations ADD COLUMN language text CHECK (language IN ('en', 'zh-CN'));
