"""The reports at a province's scale, against the same figures read from the trees themselves.
Run after `make demo-full`: make bench-reports

Prints, for the dashboard under several filters, the median and p95 time of the whole page
(/reports, rendered), of its JSON (/api/v1/reports/dashboard), and of raw SQL computing the
same carbon and counts straight from the trees table (what the page would cost without the
tallies). Then what keeping the tallies costs a write: 50,000 trees updated with the report's
triggers on and off (each in a transaction rolled back).
"""

import secrets
import statistics
import time

from sqlalchemy import select, text

from bench.ogc import REPEATS, timings
from smarttrees import create_app
from smarttrees.extensions import db
from smarttrees.models import AdminUnit, Role, Species, User
from smarttrees.services import admin

RAW_SQL = """
SELECT t.category, t.commune_id, count(*),
       sum(tree_agb_kg(t.dbh_cm, t.height_m, s.wood_density))
         FILTER (WHERE t.condition IS NULL OR t.condition NOT IN ('dead', 'removed'))
  FROM trees AS t LEFT JOIN species AS s ON s.id = t.species_id
 WHERE true {where} GROUP BY GROUPING SETS ((t.category), (t.commune_id), ())"""
UPDATED = 50_000


def _bench_token() -> str:
    user = db.session.scalar(select(User).where(User.email == "bench-reports@smarttrees.local"))
    if user is None:
        user = admin.create_user(
            email="bench-reports@smarttrees.local",
            name="Bench",
            password=secrets.token_urlsafe(16),
            role=Role.VIEWER,
        )
    return admin.issue_token(user, name="bench-reports", days=1)


def _filters() -> list[tuple[str, dict]]:
    communes = db.session.scalars(select(AdminUnit.id).order_by(AdminUnit.code).limit(60)).all()
    species = db.session.scalars(select(Species.id).order_by(Species.id).limit(3)).all()
    return [
        ("province", {}),
        ("one commune", {"commune_id": communes[10]}),
        ("another commune", {"commune_id": communes[50]}),
        ("one species", {"species_id": species[0]}),
        ("plantations 2015", {"category": "plantation", "year": 2015}),
        ("commune + species", {"commune_id": communes[10], "species_id": species[1]}),
    ]


def _raw(args: dict) -> None:
    clauses = []
    if "commune_id" in args:
        clauses.append("t.commune_id = :commune_id")
    if "species_id" in args:
        clauses.append("t.species_id = :species_id")
    if "category" in args:
        clauses.append("t.category = CAST(:category AS tree_category)")
    if "year" in args:
        clauses.append("extract(year FROM t.planted_on) = :year")
    where = "".join(f" AND {c}" for c in clauses)
    db.session.execute(text(RAW_SQL.format(where=where)), args).all()
    db.session.rollback()


def dashboards(client, headers: dict) -> None:
    print(f"{'filter':<20} {'page p50':>9} {'page p95':>9} {'JSON p95':>9} {'raw SQL p50':>12}")
    for name, args in _filters():
        query = "&".join(f"{k}={v}" for k, v in args.items())
        page = timings(lambda q=query: client.get(f"/reports?{q}", headers=headers).get_data())
        data = timings(
            lambda q=query: client.get(f"/api/v1/reports/dashboard?{q}", headers=headers).data
        )
        raw = timings(lambda a=args: _raw(a))
        print(
            f"{name:<20} {page[0]:>9.1f} {page[1]:>9.1f} {data[1]:>9.1f} {raw[0]:>12.1f}"
            f"  ({raw[0] / page[0]:.1f}× the page)"
        )


def upkeep() -> None:
    """A write of 50,000 trees with the report's tallies kept, and without them."""
    update = f"UPDATE trees SET notes = notes WHERE id IN (SELECT id FROM trees LIMIT {UPDATED})"
    results = {}
    for kept in (True, False):
        times = []
        for _ in range(3):
            if not kept:
                for trigger in ("trees_report_update",):
                    db.session.execute(text(f"ALTER TABLE trees DISABLE TRIGGER {trigger}"))
            started = time.perf_counter()
            db.session.execute(text(update))
            times.append(time.perf_counter() - started)
            db.session.rollback()
        results[kept] = statistics.median(times)
    print(
        f"update of {UPDATED:,} trees: {results[True]:.2f} s with the report's tallies, "
        f"{results[False]:.2f} s without ({results[True] / results[False]:.2f}×)"
    )


def main() -> None:
    app = create_app()
    client = app.test_client()
    with app.app_context():
        total = db.session.scalar(text("SELECT count(*) FROM trees"))
        rows = db.session.scalar(text("SELECT count(*) FROM tree_tallies"))
        print(f"trees: {total:,}; tally rows: {rows:,}; {REPEATS} runs each")
        headers = {"Authorization": f"Bearer {_bench_token()}"}
        db.session.commit()
        dashboards(client, headers)
        upkeep()


if __name__ == "__main__":
    main()
