-- A seedling lot's stock moves with each event of its ledger. The row lock taken by the UPDATE
-- orders concurrent events on one lot, and the check constraint on seedling_lots
-- (quantity_on_hand >= 0) refuses an event that would overdraw it.
-- Writes: seedling_lots.quantity_on_hand.
-- Written by: migration 0002.

CREATE OR REPLACE FUNCTION public.apply_lot_event()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
  UPDATE seedling_lots
     SET quantity_on_hand = quantity_on_hand + NEW.stock_change * NEW.quantity
   WHERE id = NEW.lot_id;
  RETURN NEW;
END $function$;

CREATE TRIGGER lot_events_move_stock AFTER INSERT ON lot_events FOR EACH ROW EXECUTE FUNCTION apply_lot_event();
