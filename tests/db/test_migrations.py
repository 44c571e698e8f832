"""The real migrations: down to nothing and up again, with no drift from the models."""

import flask_migrate
import pytest
from sqlalchemy import inspect, text

from smarttrees.config import ROOT
from smarttrees.extensions import db
from smarttrees.services import admin

pytestmark = pytest.mark.external


def _tables() -> set[str]:
    return set(inspect(db.engine).get_table_names())


def test_migrations_run_down_to_base_and_up_again(app):
    assert "trees" in _tables()
    flask_migrate.downgrade(revision="base")
    db.session.remove()
    left = _tables() - {"spatial_ref_sys", "alembic_version"}
    assert left == set()
    types = db.session.scalar(text("SELECT count(*) FROM pg_type WHERE typname = 'tree_category'"))
    assert types == 0
    flask_migrate.upgrade()
    assert {"trees", "inspections", "lot_events", "procrastinate_jobs"} <= _tables()
    admin.load_reference(ROOT / "data" / "reference")


def test_models_and_migrations_agree(runner):
    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output


# A database as the first release left it: written with that release's own columns only.
FIRST_RELEASE_DATA = r"""
INSERT INTO admin_units (id, code, name, name_folded, level, geom) VALUES
  (1, '19', 'Tỉnh Thái Nguyên', 'tinh thai nguyen', 'province',
   ST_Multi(ST_MakeEnvelope(105.5, 21.3, 106.2, 22.0, 4326))),
  (2, '05467', 'Xã Phú Lương', 'xa phu luong', 'commune',
   ST_Multi(ST_MakeEnvelope(105.6, 21.5, 105.9, 21.8, 4326)));
INSERT INTO species (id, scientific_name, vi_name, vi_name_folded, common_use) VALUES
  (1, 'Acacia mangium', 'Keo lá tràm', 'keo la tram', 'plantation'),
  (2, 'Lagerstroemia speciosa', 'Bằng lăng', 'bang lang', 'urban');
INSERT INTO users (id, email, name, password_hash, role) VALUES
  (1, 'lan@example.vn', 'Nguyễn Thị Lan', 'x', 'field');
INSERT INTO stands (id, name, species_id, planting_year, commune_id, geom) VALUES
  (1, 'Lô 1', 1, 2019, 2, ST_Multi(ST_MakeEnvelope(105.70, 21.60, 105.71, 21.61, 4326)));
INSERT INTO import_batches (id, source, filename, status, rows_total, rows_done) VALUES
  (1, 'Kiểm kê 2024', 'khao_sat.csv', 'done', 300, 300);
INSERT INTO import_row_errors (batch_id, row_number, code, severity, columns, value) VALUES
  (1, 17, 'dbh_out_of_range', 'error', '{dbh}', '900');
INSERT INTO trees (code, category, species_id, dbh_cm, height_m, crown_m, condition, planted_on,
                   commune_id, stand_id, import_batch_id, source, external_id, geom)
SELECT 'T' || lpad(n::text, 6, '0'),
       (ARRAY['urban', 'scattered', 'plantation'])[1 + n % 3]::tree_category,
       1 + n % 2, 5 + n % 90, 2 + n % 20, 1 + n % 9,
       (ARRAY['good', 'fair', 'poor', 'dead'])[1 + n % 4]::tree_condition,
       DATE '2015-01-01' + n, 2, CASE WHEN n % 3 = 2 THEN 1 END, 1, 'Kiểm kê 2024', n::text,
       ST_SetSRID(ST_MakePoint(105.6 + (n % 17) * 0.015, 21.5 + (n / 17) * 0.015), 4326)
  FROM generate_series(1, 300) AS n;
INSERT INTO inspections (tree_id, inspector_id, dbh_cm, condition, client_id, geom)
SELECT id, 1, dbh_cm, condition, 'phone-' || id, geom FROM trees WHERE id % 5 = 0;
INSERT INTO nurseries (id, name, commune_id) VALUES (1, 'Vườn ươm Phú Lương', 2);
INSERT INTO seedling_lots (id, code, species_id, nursery_id, seed_source, quantity_on_hand)
  VALUES (1, 'S0000010', 1, 1, 'Rừng giống Ba Vì', 4000);
INSERT INTO lot_events (lot_id, kind, quantity, stock_change, stand_id) VALUES
  (1, 'sown', 5000, 1, NULL), (1, 'planted', 1000, -1, 1);
"""
TABLES = (
    "trees",
    "inspections",
    "stands",
    "seedling_lots",
    "lot_events",
    "import_batches",
    "import_row_errors",
    "users",
)
TREES_CHECKSUM = """
SELECT md5(string_agg(concat_ws('|', code, category, species_id, dbh_cm, height_m, crown_m,
                                condition, planted_on, commune_id, stand_id, source, external_id,
                                ST_AsEWKB(geom)), ',' ORDER BY code))
  FROM trees
"""


def _counts() -> dict[str, int]:
    return {t: db.session.scalar(text(f"SELECT count(*) FROM {t}")) for t in TABLES}


def test_a_database_of_the_first_release_migrates_to_head_with_its_data_intact(app):
    flask_migrate.downgrade(revision="base")
    flask_migrate.upgrade(revision="0001")
    db.session.execute(text(FIRST_RELEASE_DATA))
    db.session.commit()
    before, checksum = _counts(), db.session.scalar(text(TREES_CHECKSUM))
    stock = db.session.scalar(text("SELECT quantity_on_hand FROM seedling_lots"))
    db.session.remove()

    flask_migrate.upgrade()
    try:
        assert _counts() == before
        assert db.session.scalar(text(TREES_CHECKSUM)) == checksum
        assert db.session.scalar(text("SELECT quantity_on_hand FROM seedling_lots")) == stock
        # The map counts trees from tallies: trees older than the tallies are counted too.
        tallied = db.session.scalar(text("SELECT sum(trees) FROM commune_tallies"))
        cells = db.session.scalar(text("SELECT sum(trees) FROM tree_cells WHERE zoom = 14"))
        assert tallied == cells == before["trees"]
    finally:
        db.session.rollback()
        flask_migrate.downgrade(revision="base")
        flask_migrate.upgrade()
        admin.load_reference(ROOT / "data" / "reference")
