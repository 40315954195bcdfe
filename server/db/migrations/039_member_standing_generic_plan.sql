-- 039 the standing's refresh runs from one generic plan.
--
-- refresh_member_standing (009, 033) takes the members' ids as an array. PL/pgSQL plans a statement
-- with parameters for each call's values until a generic plan looks as cheap, and a generic plan of
-- `id = ANY ($1)` is costed for ten ids, so it never did: every role change planned the refresh's
-- statement again, twice (once for the assignments removed, once for those added), about 0.25 ms of
-- the change's 0.4 ms each time. The generic plan reads the members by primary key whatever the
-- number of ids, which is what a role change (one member) and a role's permission change (every
-- holder: 30,000 in 0.6 s, against 0.7 s planned for the values) both want.
ALTER FUNCTION refresh_member_standing(uuid[]) SET plan_cache_mode = force_generic_plan;
