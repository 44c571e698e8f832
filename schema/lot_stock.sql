-- A seedling lot's stock moves with each event of its ledger. The row lock taken by the UPDATE
-- orders concurrent events on one lot, and the check constraint on seedling_lots
-- (quantity_on_hand >= 0) refuses an event that would overdraw it. A lot made by a dispatch
-- receives at most what was dispatched to it, losses on the way included.
-- Writes: seedling_lots.quantity_on_hand.
-- Written by: migrations 0002, 0014.

CREATE OR REPLACE FUNCTION public.apply_lot_event()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
  UPDATE seedling_lots
     SET quantity_on_hand = quantity_on_hand + NEW.stock_change * NEW.quantity
   WHERE id = NEW.lot_id;
  IF NEW.kind = 'received' AND NEW.counterpart_lot_id IS NOT NULL THEN
    IF (SELECT sum(quantity + coalesce(losses, 0)) FROM lot_events
         WHERE lot_id = NEW.lot_id AND kind = 'received'
           AND counterpart_lot_id = NEW.counterpart_lot_id)
       > (SELECT coalesce(sum(quantity), 0) FROM lot_events
           WHERE lot_id = NEW.counterpart_lot_id AND kind = 'dispatched'
             AND counterpart_lot_id = NEW.lot_id) THEN
      RAISE EXCEPTION 'lot % received more than was dispatched to it', NEW.lot_id
        USING ERRCODE = 'check_violation', CONSTRAINT = 'received_within_dispatched';
    END IF;
  END IF;
  RETURN NEW;
END $function$;

CREATE TRIGGER lot_events_move_stock AFTER INSERT ON lot_events FOR EACH ROW EXECUTE FUNCTION apply_lot_event();
