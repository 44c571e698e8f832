-- Survey values parsed in SQL by the import's staging step. Inlinable, and NULL (never an
-- error) for a value that cannot be read: numbers with a decimal comma, dot or space thousands;
-- day-first, ISO and Excel-serial dates; the middle of a size class ("07-12").
-- Written by: migrations 0008 and 0011.

CREATE OR REPLACE FUNCTION public.import_number(t text)
 RETURNS double precision
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN (t ~ '^-?[0-9]{1,15}(\.[0-9]{1,15})?$'::text) THEN (t)::double precision WHEN ((length(t) <= 40) AND (import_decimal(translate(t, '  '::text, ''::text)) ~ '^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]{1,2})?$'::text)) THEN (import_decimal(translate(t, '  '::text, ''::text)))::double precision ELSE NULL::double precision END;

CREATE OR REPLACE FUNCTION public.import_decimal(t text)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN ((strpos(t, ','::text) > 0) AND (strpos(t, '.'::text) > 0)) THEN CASE WHEN (strpos(reverse(t), ','::text) < strpos(reverse(t), '.'::text)) THEN replace(replace(t, '.'::text, ''::text), ','::text, '.'::text) ELSE replace(t, ','::text, ''::text) END ELSE replace(t, ','::text, '.'::text) END;

CREATE OR REPLACE FUNCTION public.import_make_date(y integer, m integer, d integer)
 RETURNS date
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN (((y >= 1) AND (y <= 9999)) AND ((m >= 1) AND (m <= 12)) AND (d >= 1) AND (d <= CASE WHEN (m = 2) THEN (28 + ((((y % 4) = 0) AND (((y % 100) <> 0) OR ((y % 400) = 0))))::integer) ELSE (30 + ((m + (m / 8)) % 2)) END)) THEN make_date(y, m, d) ELSE NULL::date END;

CREATE OR REPLACE FUNCTION public.import_date(t text)
 RETURNS date
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN (t ~ '^[0-9]{1,2}[/.-][0-9]{1,2}[/.-]([0-9]{2}|[0-9]{4})$'::text) THEN import_make_date(((split_part(translate(t, '/.'::text, '--'::text), '-'::text, 3))::integer + CASE WHEN (length(split_part(translate(t, '/.'::text, '--'::text), '-'::text, 3)) = 2) THEN 2000 ELSE 0 END), (split_part(translate(t, '/.'::text, '--'::text), '-'::text, 2))::integer, (split_part(translate(t, '/.'::text, '--'::text), '-'::text, 1))::integer) WHEN (t ~ '^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}'::text) THEN import_make_date((split_part(t, '-'::text, 1))::integer, (split_part(t, '-'::text, 2))::integer, ("substring"(split_part(t, '-'::text, 3), '^[0-9]+'::text))::integer) WHEN (t ~ '^[0-9]{4}$'::text) THEN import_make_date((t)::integer, 1, 1) WHEN ((t ~ '^[0-9]{5}(\.[0-9]+)?$'::text) AND ((t)::numeric > (20000)::numeric) AND ((t)::numeric < (80000)::numeric)) THEN ('1899-12-30'::date + (floor((t)::numeric))::integer) ELSE NULL::date END;

CREATE OR REPLACE FUNCTION public.import_class_middle(t text)
 RETURNS double precision
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN (t ~ '^\s*[0-9]{1,4}([.,][0-9]+)?\s*[-–]\s*[0-9]{1,4}([.,][0-9]+)?\s*$'::text) THEN ((import_number(btrim(split_part(translate(t, '–'::text, '-'::text), '-'::text, 1))) + import_number(btrim(split_part(translate(t, '–'::text, '-'::text), '-'::text, 2)))) / (2)::double precision) ELSE NULL::double precision END;
