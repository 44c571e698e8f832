-- The change feed: a row in `changes` per tree, inspection, stand, seedling lot or product batch
-- created, updated or deleted, whatever the door (a form, the API, a sync, an import, a delete).
-- One statement-level trigger per table and action, with transition tables: a bulk import
-- writes its changes in one INSERT. The arguments are the feed's name for the table and the
-- id it shows (the code people read, else the id).
-- Writes: changes.
-- Written by: migration 0023.

CREATE OR REPLACE FUNCTION public.record_changes()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
  -- TG_ARGV: the feed's name for the table, the expression of the id shown.
  IF TG_OP = 'INSERT' THEN
    EXECUTE format('INSERT INTO changes (entity, entity_id, action) '
                   'SELECT %L, %s, ''created'' FROM new_rows', TG_ARGV[0], TG_ARGV[1]);
  ELSIF TG_OP = 'UPDATE' THEN
    EXECUTE format('INSERT INTO changes (entity, entity_id, action) '
                   'SELECT %L, %s, ''updated'' FROM new_rows', TG_ARGV[0], TG_ARGV[1]);
  ELSE
    EXECUTE format('INSERT INTO changes (entity, entity_id, action) '
                   'SELECT %L, %s, ''deleted'' FROM old_rows', TG_ARGV[0], TG_ARGV[1]);
  END IF;
  RETURN NULL;
END $function$;


CREATE TRIGGER inspections_feed_delete AFTER DELETE ON inspections REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION record_changes('inspections', 'id::text');
CREATE TRIGGER inspections_feed_insert AFTER INSERT ON inspections REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION record_changes('inspections', 'id::text');
CREATE TRIGGER inspections_feed_update AFTER UPDATE ON inspections REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION record_changes('inspections', 'id::text');
CREATE TRIGGER product_batches_feed_delete AFTER DELETE ON product_batches REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION record_changes('batches', 'code');
CREATE TRIGGER product_batches_feed_insert AFTER INSERT ON product_batches REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION record_changes('batches', 'code');
CREATE TRIGGER product_batches_feed_update AFTER UPDATE ON product_batches REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION record_changes('batches', 'code');
CREATE TRIGGER seedling_lots_feed_delete AFTER DELETE ON seedling_lots REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION record_changes('lots', 'code');
CREATE TRIGGER seedling_lots_feed_insert AFTER INSERT ON seedling_lots REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION record_changes('lots', 'code');
CREATE TRIGGER seedling_lots_feed_update AFTER UPDATE ON seedling_lots REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION record_changes('lots', 'code');
CREATE TRIGGER stands_feed_delete AFTER DELETE ON stands REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION record_changes('stands', 'id::text');
CREATE TRIGGER stands_feed_insert AFTER INSERT ON stands REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION record_changes('stands', 'id::text');
CREATE TRIGGER stands_feed_update AFTER UPDATE ON stands REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION record_changes('stands', 'id::text');
CREATE TRIGGER trees_feed_delete AFTER DELETE ON trees REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION record_changes('trees', 'code');
CREATE TRIGGER trees_feed_insert AFTER INSERT ON trees REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION record_changes('trees', 'code');
CREATE TRIGGER trees_feed_update AFTER UPDATE ON trees REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION record_changes('trees', 'code');
