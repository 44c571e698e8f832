-- Tree codes made in SQL, for the survey import's upsert: the twin of labels.codes.encode
-- (7 characters from 31 symbols without I, L, O, U, Z; the last one a weighted check
-- character modulo 31). A test compares the two on 307 numbers.
-- Written by: migration 0008.

CREATE OR REPLACE FUNCTION public.tree_code(n bigint)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
RETURN ((((((substr('0123456789ABCDEFGHJKMNPQRSTVWXY'::text, ((((n / 28629151) % (31)::bigint))::integer + 1), 1) || substr('0123456789ABCDEFGHJKMNPQRSTVWXY'::text, ((((n / 923521) % (31)::bigint))::integer + 1), 1)) || substr('0123456789ABCDEFGHJKMNPQRSTVWXY'::text, ((((n / 29791) % (31)::bigint))::integer + 1), 1)) || substr('0123456789ABCDEFGHJKMNPQRSTVWXY'::text, ((((n / 961) % (31)::bigint))::integer + 1), 1)) || substr('0123456789ABCDEFGHJKMNPQRSTVWXY'::text, ((((n / 31) % (31)::bigint))::integer + 1), 1)) || substr('0123456789ABCDEFGHJKMNPQRSTVWXY'::text, (((n % (31)::bigint))::integer + 1), 1)) || substr('0123456789ABCDEFGHJKMNPQRSTVWXY'::text, ((((31 - ((9 * ((((((1 * ((n / 28629151) % (31)::bigint)) + (2 * ((n / 923521) % (31)::bigint))) + (3 * ((n / 29791) % (31)::bigint))) + (4 * ((n / 961) % (31)::bigint))) + (5 * ((n / 31) % (31)::bigint))) + (6 * (n % (31)::bigint)))) % (31)::bigint)) % (31)::bigint))::integer + 1), 1));
