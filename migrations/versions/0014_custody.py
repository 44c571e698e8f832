"""Custody: a nursery role; lots with their certificate of origin, parents (split, dispatch) and
holder; ledger events with counterparty, document, reason and losses; harvests; batches with
their harvest, species, mass and remaining volume; lineage with volumes and yields, kept in
balance by the database; shipments (the bảng kê lâm sản).

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op
from raw_sql import run_script

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

STOCK_SIGNS = {
    "sown": 1, "received": 1, "germinated": 0, "graded": 0, "dispatched": -1, "planted": -1,
    "lost": -1, "moved_out": -1, "moved_in": 1,
}  # fmt: skip


def _stock_check(signs: dict[str, int]) -> str:
    cases = " ".join(f"WHEN '{kind}' THEN {sign}" for kind, sign in signs.items())
    return f"stock_change = CASE kind::text {cases} END"


def upgrade():
    op.execute("ALTER TYPE user_role ADD VALUE IF NOT EXISTS 'nursery' BEFORE 'field'")
    op.execute("ALTER TYPE lot_event_kind ADD VALUE IF NOT EXISTS 'moved_out'")
    op.execute("ALTER TYPE lot_event_kind ADD VALUE IF NOT EXISTS 'moved_in'")
    _lots()
    _harvests()
    _batches()
    _shipments()
    op.add_column("users", sa.Column("nursery_id", sa.Integer(), nullable=True))
    op.create_foreign_key(
        op.f("fk_users_nursery_id_nurseries"), "users", "nurseries", ["nursery_id"], ["id"]
    )
    run_script(UPGRADE_SQL)


def _lots():
    propagation = sa.Enum("seed", "cutting", "tissue_culture", name="propagation")
    propagation.create(op.get_bind())
    op.add_column("nurseries", sa.Column("address", sa.String(300)))
    for column in (
        sa.Column("seed_source_code", sa.String(40)),
        sa.Column("propagation", propagation),
        sa.Column("grade", sa.String(20)),
        sa.Column("certificate_number", sa.String(40)),
        sa.Column("certificate_date", sa.Date()),
        sa.Column("parent_lot_id", sa.Integer()),
        sa.Column("holder", sa.String(160)),
    ):
        op.add_column("seedling_lots", column)
    op.create_foreign_key(
        op.f("fk_seedling_lots_parent_lot_id_seedling_lots"),
        "seedling_lots", "seedling_lots", ["parent_lot_id"], ["id"],
    )  # fmt: skip
    op.create_index(op.f("ix_seedling_lots_parent_lot_id"), "seedling_lots", ["parent_lot_id"])
    for column in (
        sa.Column("counterparty", sa.String(160)),
        sa.Column("document", sa.String(80)),
        sa.Column("reason", sa.String(200)),
        sa.Column("losses", sa.Integer()),
        sa.Column("client_id", sa.String(64)),
    ):
        op.add_column("lot_events", column)
    op.create_unique_constraint(op.f("uq_lot_events_client_id"), "lot_events", ["client_id"])
    op.create_check_constraint(
        op.f("ck_lot_events_losses_not_negative"), "lot_events", "losses >= 0"
    )
    op.drop_constraint(op.f("ck_lot_events_stock_change_matches_kind"), "lot_events")
    op.create_check_constraint(
        op.f("ck_lot_events_stock_change_matches_kind"), "lot_events", _stock_check(STOCK_SIGNS)
    )
    op.create_index("ix_lot_events_stand_id", "lot_events", ["stand_id"])


def _harvests():
    op.create_table(
        "harvests",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("stand_id", sa.Integer(), sa.ForeignKey("stands.id"), nullable=False),
        sa.Column("harvested_on", sa.Date(), nullable=False),
        sa.Column("area_ha", sa.Numeric(12, 4), nullable=False),
        sa.Column("owner", sa.String(160)),
        sa.Column("planned_volume_m3", sa.Numeric(12, 3)),
        sa.Column("document", sa.String(80)),
        sa.Column("actor_id", sa.Integer(), sa.ForeignKey("users.id")),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(),
                  nullable=False),
        sa.CheckConstraint("area_ha > 0", name=op.f("ck_harvests_area_positive")),
        sa.CheckConstraint(
            "planned_volume_m3 > 0", name=op.f("ck_harvests_planned_volume_positive")
        ),
    )  # fmt: skip
    op.create_index(op.f("ix_harvests_stand_id"), "harvests", ["stand_id"])


def _batches():
    origin = sa.Enum("harvested", "split", "merged", "processed", name="batch_origin")
    origin.create(op.get_bind())
    for column in (
        sa.Column("origin", origin, server_default="harvested", nullable=False),
        sa.Column("harvest_id", sa.Integer()),
        sa.Column("species_id", sa.Integer()),
        sa.Column("remaining_m3", sa.Numeric(10, 3)),
        sa.Column("mass_kg", sa.Numeric(12, 1)),
        sa.Column("mass_factor_kg_m3", sa.Numeric(7, 1)),
        sa.Column("actor_id", sa.Integer()),
    ):
        op.add_column("product_batches", column)
    op.execute("UPDATE product_batches SET remaining_m3 = volume_m3")
    op.alter_column("product_batches", "remaining_m3", nullable=False)
    for column, table in (
        ("harvest_id", "harvests"),
        ("species_id", "species"),
        ("actor_id", "users"),
    ):
        op.create_foreign_key(
            op.f(f"fk_product_batches_{column}_{table}"), "product_batches", table, [column], ["id"]
        )  # fmt: skip
    op.create_index(op.f("ix_product_batches_harvest_id"), "product_batches", ["harvest_id"])
    checks = {
        "remaining_within_volume": "remaining_m3 >= 0 AND remaining_m3 <= volume_m3",
        "mass_positive": "mass_kg > 0",
        "pieces_positive": "pieces > 0",
        "mass_factor_positive": "mass_factor_kg_m3 > 0",
    }
    for name, condition in checks.items():
        op.create_check_constraint(op.f(f"ck_product_batches_{name}"), "product_batches", condition)
    op.add_column("product_lineage", sa.Column("volume_m3", sa.Numeric(10, 3)))
    op.add_column(
        "product_lineage",
        sa.Column("yield_ratio", sa.Numeric(5, 4), server_default="1", nullable=False),
    )
    op.execute(
        "UPDATE product_lineage l SET volume_m3 = b.volume_m3 "
        "FROM product_batches b WHERE b.id = l.child_id"
    )
    op.alter_column("product_lineage", "volume_m3", nullable=False)
    op.create_check_constraint(
        op.f("ck_product_lineage_volume_positive"), "product_lineage", "volume_m3 > 0"
    )
    op.create_check_constraint(
        op.f("ck_product_lineage_yield_in_range"),
        "product_lineage", "yield_ratio > 0 AND yield_ratio <= 1",
    )  # fmt: skip
    op.create_index("ix_product_lineage_child_id", "product_lineage", ["child_id"])


def _shipments():
    op.create_table(
        "shipments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("number", sa.String(20), nullable=False),
        sa.Column("shipped_on", sa.Date(), nullable=False),
        sa.Column("owner_name", sa.String(160), nullable=False),
        sa.Column("owner_address", sa.String(300)),
        sa.Column("buyer_name", sa.String(160), nullable=False),
        sa.Column("buyer_address", sa.String(300)),
        sa.Column("vehicle", sa.String(40)),
        sa.Column("origin_place", sa.String(200)),
        sa.Column("destination", sa.String(200)),
        sa.Column("actor_id", sa.Integer(), sa.ForeignKey("users.id")),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(),
                  nullable=False),
        sa.UniqueConstraint("number", name=op.f("uq_shipments_number")),
    )  # fmt: skip
    op.create_table(
        "shipment_items",
        sa.Column("shipment_id", sa.Integer(), sa.ForeignKey("shipments.id"), primary_key=True),
        sa.Column("batch_id", sa.Integer(), sa.ForeignKey("product_batches.id"),
                  primary_key=True),
        sa.Column("volume_m3", sa.Numeric(10, 3), nullable=False),
        sa.Column("mass_kg", sa.Numeric(12, 1)),
        sa.Column("pieces", sa.Integer()),
    )  # fmt: skip
    op.execute("CREATE SEQUENCE shipment_number_seq")


def downgrade():
    run_script(DOWNGRADE_SQL)
    op.drop_table("shipment_items")
    op.drop_table("shipments")
    op.execute("DROP SEQUENCE shipment_number_seq")
    op.drop_index("ix_product_lineage_child_id", "product_lineage")
    op.drop_column("product_lineage", "yield_ratio")
    op.drop_column("product_lineage", "volume_m3")
    for column in (
        "origin",
        "harvest_id",
        "species_id",
        "remaining_m3",
        "mass_kg",
        "mass_factor_kg_m3",
        "actor_id",
    ):
        op.drop_column("product_batches", column)  # fmt: skip
    op.drop_constraint(op.f("ck_product_batches_pieces_positive"), "product_batches")
    op.execute("DROP TYPE batch_origin")
    op.drop_table("harvests")
    op.drop_column("users", "nursery_id")
    op.drop_index("ix_lot_events_stand_id", "lot_events")
    for column in ("counterparty", "document", "reason", "losses", "client_id"):
        op.drop_column("lot_events", column)
    for column in (
        "seed_source_code",
        "propagation",
        "grade",
        "certificate_number",
        "certificate_date",
        "parent_lot_id",
        "holder",
    ):
        op.drop_column("seedling_lots", column)  # fmt: skip
    op.execute("DROP TYPE propagation")
    op.drop_column("nurseries", "address")
    _drop_enum_values()


def _drop_enum_values():
    """PostgreSQL cannot drop an enum value: the types are rebuilt without the new ones."""
    old_signs = {k: v for k, v in STOCK_SIGNS.items() if not k.startswith("moved")}
    op.drop_constraint(op.f("ck_lot_events_stock_change_matches_kind"), "lot_events")
    op.execute("DELETE FROM lot_events WHERE kind::text LIKE 'moved%'")
    op.execute("UPDATE users SET role = 'viewer' WHERE role = 'nursery'")
    for type_name, table, column, values in (
        ("user_role", "users", "role", ("viewer", "field", "manager", "admin")),
        ("lot_event_kind", "lot_events", "kind", tuple(old_signs)),
    ):
        op.execute(f"ALTER TYPE {type_name} RENAME TO {type_name}_old")
        sa.Enum(*values, name=type_name).create(op.get_bind())
        op.execute(
            f"ALTER TABLE {table} ALTER COLUMN {column} TYPE {type_name} "
            f"USING {column}::text::{type_name}"
        )
        op.execute(f"DROP TYPE {type_name}_old")
    op.create_check_constraint(
        op.f("ck_lot_events_stock_change_matches_kind"), "lot_events", _stock_check(old_signs)
    )


UPGRADE_SQL = r"""
-- A lot made by a dispatch receives at most what was dispatched to it (losses included).
CREATE OR REPLACE FUNCTION apply_lot_event() RETURNS trigger LANGUAGE plpgsql AS $$
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
END $$;

-- A child takes its volume from each parent; the CHECK on product_batches (remaining_m3 >= 0)
-- refuses a parent that would give more than it holds, and the row lock orders two at once.
CREATE FUNCTION take_batch_volume() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE product_batches SET remaining_m3 = remaining_m3 - NEW.volume_m3
   WHERE id = NEW.parent_id;
  RETURN NEW;
END $$;
CREATE TRIGGER product_lineage_take_volume AFTER INSERT ON product_lineage
  FOR EACH ROW EXECUTE FUNCTION take_batch_volume();

-- At commit, once all its parents are written: a child never holds more than they gave it.
CREATE FUNCTION check_batch_balance() RETURNS trigger LANGUAGE plpgsql AS $$
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
END $$;
CREATE CONSTRAINT TRIGGER product_lineage_balance AFTER INSERT ON product_lineage
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION check_batch_balance();

CREATE TRIGGER product_lineage_append_only BEFORE UPDATE OR DELETE ON product_lineage
  FOR EACH ROW EXECUTE FUNCTION refuse_history_change();
"""

DOWNGRADE_SQL = r"""
DROP TRIGGER IF EXISTS product_lineage_append_only ON product_lineage;
DROP TRIGGER IF EXISTS product_lineage_take_volume ON product_lineage;
DROP TRIGGER IF EXISTS product_lineage_balance ON product_lineage;
DROP FUNCTION IF EXISTS take_batch_volume();
DROP FUNCTION IF EXISTS check_batch_balance();
CREATE OR REPLACE FUNCTION public.apply_lot_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE seedling_lots
     SET quantity_on_hand = quantity_on_hand + NEW.stock_change * NEW.quantity
   WHERE id = NEW.lot_id;
  RETURN NEW;
END $$;
"""
