-- Mass balance of forest-product batches. A child takes its volume from each parent: the
-- check constraint on product_batches (remaining_m3 >= 0) refuses a parent that would give more
-- than it holds, and the row lock taken by the UPDATE orders two takers at once. At commit, once
-- all its parents are written, a child may hold no more than they gave it (volume × yield).
-- The lineage is append-only. A batch on a product list is handed over: nothing more is taken
-- from it, and it is listed only as it is (both sides lock its row, so neither wins a race).
-- Writes: product_batches.remaining_m3.
-- Written by: migrations 0014, 0019.

CREATE OR REPLACE FUNCTION public.take_batch_volume()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
  UPDATE product_batches SET remaining_m3 = remaining_m3 - NEW.volume_m3
   WHERE id = NEW.parent_id;
  IF EXISTS (SELECT 1 FROM shipment_items WHERE batch_id = NEW.parent_id) THEN
    RAISE EXCEPTION 'batch % left on a product list', NEW.parent_id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'shipped_batch_unchanged';
  END IF;
  RETURN NEW;
END $function$;

CREATE OR REPLACE FUNCTION public.check_batch_balance()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
DECLARE
  given numeric;
  held numeric;
BEGIN
  SELECT sum(volume_m3 * yield_ratio) INTO given FROM product_lineage
   WHERE child_id = NEW.child_id;
  SELECT volume_m3 INTO held FROM product_batches WHERE id = NEW.child_id;
  IF held > given + 0.0005 THEN
    RAISE EXCEPTION 'batch % holds % m3, its parents gave %', NEW.child_id, held, given
      USING ERRCODE = 'check_violation', CONSTRAINT = 'child_within_parents';
  END IF;
  RETURN NULL;
END $function$;

CREATE TRIGGER product_lineage_take_volume AFTER INSERT ON product_lineage FOR EACH ROW EXECUTE FUNCTION take_batch_volume();

CREATE CONSTRAINT TRIGGER product_lineage_balance AFTER INSERT ON product_lineage DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION check_batch_balance();

CREATE TRIGGER product_lineage_append_only BEFORE DELETE OR UPDATE ON product_lineage FOR EACH ROW EXECUTE FUNCTION refuse_history_change();

CREATE OR REPLACE FUNCTION public.list_whole_batch()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
DECLARE
  left_now numeric;
BEGIN
  SELECT remaining_m3 INTO left_now FROM product_batches WHERE id = NEW.batch_id FOR UPDATE;
  IF left_now IS DISTINCT FROM NEW.volume_m3 THEN
    RAISE EXCEPTION 'batch % holds % m3, the list says %', NEW.batch_id, left_now, NEW.volume_m3
      USING ERRCODE = 'check_violation', CONSTRAINT = 'listed_as_it_is';
  END IF;
  RETURN NEW;
END $function$;

CREATE TRIGGER shipment_items_whole_batch BEFORE INSERT ON shipment_items FOR EACH ROW EXECUTE FUNCTION list_whole_batch();
