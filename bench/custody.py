"""Custody at scale, in a scratch database of its own (DATABASE_URL, which `make bench-custody`
points at smarttrees_bench_custody), against a reference in the same run:

- trace a batch back through five levels of lineage to a stand of 10,000 planted trees,
  against the same recursive queries in raw SQL;
- the EUDR file of a shipment from 1,000 stands (checked, then written), against ogr2ogr
  writing the same stands' outlines as GeoJSON straight from PostGIS;
- a lot's page with a ledger of 10,000 events, against the raw SQL that reads the ledger.

Prints medians of REPEATS runs and the ratios.
"""

import os
import subprocess
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import flask_migrate
from sqlalchemy import insert, select, text

from bench.pagination import REPEATS, median_ms
from smarttrees import create_app
from smarttrees.config import ROOT
from smarttrees.extensions import db
from smarttrees.geo.eudr import to_text
from smarttrees.models import LotEvent, LotEventKind, Role, SeedlingLot, Species
from smarttrees.services import admin, custody
from smarttrees.services.custody import batches, eudr, harvests, trace

STANDS = 1000
TREES = 10_000
EVENTS = 10_000


def _acacia() -> int:
    return db.session.scalar(select(Species.id).where(Species.scientific_name == "Acacia mangium"))


def _stands() -> list[int]:
    """1,000 squares of about 1 ha in a grid over the province, 200 owners."""
    species = db.session.scalar(
        select(Species.id).where(Species.scientific_name == "Acacia mangium")
    )
    db.session.execute(
        text("""
        INSERT INTO stands (name, species_id, owner, tieu_khu, khoanh, lo, planting_year, geom)
        SELECT 'Lô ' || n, :species, 'Hộ số ' || (n % 200), (100 + n / 100)::text,
               (n % 100 / 10)::text, (n % 10)::text, 2018,
               ST_Multi(ST_MakeEnvelope(105.6 + (n % 40) * 0.01, 21.5 + (n / 40) * 0.01,
                                        105.6 + (n % 40) * 0.01 + 0.00097,
                                        21.5 + (n / 40) * 0.01 + 0.00093, 4326))
          FROM generate_series(0, :count - 1) AS n"""),
        {"species": species, "count": STANDS},
    )
    db.session.commit()
    return list(db.session.scalars(text("SELECT id FROM stands ORDER BY id")))


def _five_levels(stand_id: int):
    """A harvest's logs split, split again, chipped, merged with other chips, split: five."""
    harvest = harvests.create_harvest(
        {"stand_id": stand_id, "harvested_on": "01/10/2026", "area_ha": "0,9"}, actor=None
    )
    logs = harvests.add_batch(harvest, {"kind": "log", "volume_m3": "100"}, actor=None)
    half = batches.split(logs, ["50", "50"], actor=None)
    quarter = batches.split(half[0], ["25", "25"], actor=None)
    chips = [
        batches.process(q, {"kind": "chips", "volume_m3": "25", "yield_ratio": "0,9"}, actor=None)
        for q in quarter
    ]
    merged = batches.merge([c.code for c in chips], actor=None)
    return batches.split(merged, ["10"], actor=None)[0]


def _planted(stand_id: int) -> SeedlingLot:
    """A lot dispatched and received, planted in the stand as 10,000 tree points."""
    species = db.session.scalar(
        select(Species.id).where(Species.scientific_name == "Acacia mangium")
    )
    nursery = custody.create_nursery(name="Vườn ươm bench")
    lot = custody.create_lot(species_id=species, nursery_id=nursery.id, seed_source="Ba Vì")
    custody.record_event(lot, LotEventKind.SOWN, 20_000)
    sent = custody.dispatch(lot, 12_000, actor=None, counterparty="Hộ số 1")
    grower = db.session.get(SeedlingLot, sent.counterpart_lot_id)
    custody.record_event(grower, LotEventKind.RECEIVED, TREES)
    custody.record_event(grower, LotEventKind.PLANTED, TREES, stand_id=stand_id)
    db.session.execute(
        text("""
        INSERT INTO trees (code, category, species_id, stand_id, geom)
        SELECT 'B' || lpad(n::text, 6, '0'), 'plantation', :species, :stand,
               ST_PointOnSurface(s.geom)
          FROM generate_series(1, :count) AS n, stands s WHERE s.id = :stand"""),
        {"species": species, "stand": stand_id, "count": TREES},
    )
    db.session.commit()
    return lot


def _ledger(lot: SeedlingLot) -> None:
    start = datetime.now(UTC) - timedelta(days=400)
    rows = [
        {
            "lot_id": lot.id,
            "kind": LotEventKind.GRADED,
            "quantity": 1,
            "stock_change": 0,
            "occurred_at": start + timedelta(minutes=i),
            "notes": f"Kiểm tra {i}",
        }
        for i in range(EVENTS)
    ]
    db.session.execute(insert(LotEvent), rows)
    db.session.commit()


def raw_trace(batch_id: int) -> None:
    db.session.execute(
        text("""
        WITH RECURSIVE up(id) AS (SELECT CAST(:id AS integer)
          UNION SELECT l.parent_id FROM product_lineage l JOIN up ON l.child_id = up.id)
        SELECT b.*, h.*, s.id, ST_AsGeoJSON(s.geom), e.lot_id, sum(e.quantity),
               (SELECT count(*) FROM trees t WHERE t.stand_id = s.id)
          FROM up JOIN product_batches b ON b.id = up.id
          LEFT JOIN harvests h ON h.id = b.harvest_id
          LEFT JOIN stands s ON s.id = h.stand_id
          LEFT JOIN lot_events e ON e.stand_id = s.id AND e.kind = 'planted'
         GROUP BY b.id, h.id, s.id, e.lot_id"""),
        {"id": batch_id},
    ).all()


def ogr2ogr_stands(url: str, out: Path) -> None:
    out.unlink(missing_ok=True)  # the GeoJSON driver writes a new file, never over one
    subprocess.run(
        [
            "ogr2ogr",
            "-f",
            "GeoJSON",
            "-overwrite",
            str(out),
            f"PG:{url}",
            "-sql",
            "SELECT owner, geom FROM stands",
            "-lco",
            "COORDINATE_PRECISION=6",
        ],
        check=True,
    )


def main() -> None:
    url = os.environ["DATABASE_URL"]
    app = create_app({"WTF_CSRF_ENABLED": False})
    with app.app_context():
        flask_migrate.upgrade(directory=app.config["MIGRATIONS_DIR"])
        if not db.session.scalar(text("SELECT count(*) FROM species")):
            admin.load_reference(ROOT / "data" / "reference")
        db.session.execute(
            text(
                "TRUNCATE stands, trees, seedling_lots, nurseries, lot_events, "
                "harvests, product_batches, product_lineage, shipments, "
                "shipment_items CASCADE"
            )
        )
        db.session.commit()
        stand_ids = _stands()
        lot = _planted(stand_ids[0])
        last = _five_levels(stand_ids[0])
        roots = [
            harvests.add_batch(
                harvests.create_harvest(
                    {"stand_id": s, "harvested_on": "01/10/2026", "area_ha": "0,9"}, actor=None
                ),
                {"kind": "log", "volume_m3": "5"},
                actor=None,
            ).code
            for s in stand_ids
        ]
        _ledger(lot)
        report(app, url, lot, last, roots)


def report(app, url, lot, last, roots) -> None:
    print(
        f"stands: {STANDS:,}; trees planted in the traced stand: {TREES:,}; "
        f"ledger events: {EVENTS:,}; median of {REPEATS} runs"
    )
    ours = median_ms(lambda: trace.as_json(trace.back_from_batch(last)))
    ref = median_ms(lambda: raw_trace(last.id))
    print(
        f"trace back 5 levels:   ours {ours:8.1f} ms   raw SQL {ref:8.1f} ms   {ours / ref:5.1f}x"
    )
    with tempfile.TemporaryDirectory() as tmp:

        def ours_eudr():
            found = eudr.statement(roots)
            assert found.geolocation.ok and len(found.stands) == STANDS
            for index, collection in enumerate(found.geolocation.collections.values()):
                (Path(tmp) / f"{index}.geojson").write_text(to_text(collection))

        ours = median_ms(ours_eudr)
        ref = median_ms(lambda: ogr2ogr_stands(url, Path(tmp) / "ogr.geojson"))
    print(
        f"EUDR file, {STANDS:,} stands: ours {ours:8.1f} ms   ogr2ogr {ref:8.1f} ms   "
        f"{ours / ref:5.1f}x"
    )
    admin_user = db.session.scalar(text("SELECT id FROM users LIMIT 1"))
    client = app.test_client()
    if admin_user is None:
        admin.create_user(
            email="bench@example.vn", name="Bench", password="bench-bench-bench", role=Role.MANAGER
        )
    client.post("/login", data={"email": "bench@example.vn", "password": "bench-bench-bench"})
    ours = median_ms(lambda: client.get(f"/l/{lot.code}"))
    ledger = text("SELECT * FROM lot_events WHERE lot_id = :id ORDER BY id")
    ref = median_ms(lambda: db.session.execute(ledger, {"id": lot.id}).all())
    print(
        f"lot page, {EVENTS:,} events: ours {ours:8.1f} ms   raw SQL {ref:8.1f} ms   "
        f"{ours / ref:5.1f}x"
    )


if __name__ == "__main__":
    main()
