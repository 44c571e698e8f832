-- History the database keeps itself: inspections, seedling-lot events and the audit log are
-- append-only. An UPDATE or DELETE of one of their rows is refused, whoever sends it.
-- Written by: migration 0002.

CREATE OR REPLACE FUNCTION public.refuse_history_change()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'restrict_violation';
END $function$;

CREATE TRIGGER inspections_append_only BEFORE DELETE OR UPDATE ON inspections FOR EACH ROW EXECUTE FUNCTION refuse_history_change();

CREATE TRIGGER lot_events_append_only BEFORE DELETE OR UPDATE ON lot_events FOR EACH ROW EXECUTE FUNCTION refuse_history_change();

CREATE TRIGGER audit_log_append_only BEFORE DELETE OR UPDATE ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse_history_change();
