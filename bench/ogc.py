"""OGC API – Features pages deep in the trees collection, against the same keyset query in raw
SQL. Run after `make demo-full`: make bench-ogc

Prints, for pages of 1,000 trees at increasing depth (the 1,000th page is a million trees
down), the median and p95 time of the whole HTTP answer through the app (in process, GeoJSON
written) and of the raw SQL that reads the same rows.
"""

import statistics
import time

from sqlalchemy import text

from smarttrees import create_app
from smarttrees.extensions import db

PAGE = 1000
REPEATS = 20


def timings(run) -> tuple[float, float]:
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]


def main() -> None:
    app = create_app({"PUBLIC_MAP": True})
    client = app.test_client()
    with app.app_context():
        total = db.session.scalar(text("SELECT count(*) FROM trees"))
        print(f"trees: {total:,}; page: {PAGE}; {REPEATS} runs each")
        print(
            f"{'page':>6} {'depth':>10} {'ours p50':>9} {'ours p95':>9} {'SQL p50':>8} {'ratio':>6}"
        )
        for page in (1, 10, 100, 500, 1000):
            depth = (page - 1) * PAGE
            if depth >= total:
                break
            cursor = (
                db.session.scalar(
                    text("SELECT id FROM trees ORDER BY id OFFSET :d LIMIT 1"),
                    {"d": max(depth - 1, 0)},
                )
                if depth
                else None
            )
            url = f"/ogcapi/collections/trees/items?limit={PAGE}" + (
                f"&cursor={cursor}" if cursor else ""
            )
            ours = timings(lambda u=url: client.get(u).get_data())
            raw = timings(
                lambda c=cursor: db.session.execute(
                    text(
                        "SELECT id, code, ST_AsGeoJSON(geom, 6) FROM trees WHERE id > :c "
                        "ORDER BY id LIMIT :n"
                    ),
                    {"c": c or 0, "n": PAGE},
                ).all()
            )
            print(
                f"{page:>6} {depth:>10,} {ours[0]:>9.1f} {ours[1]:>9.1f} {raw[0]:>8.1f} "
                f"{ours[0] / raw[0]:>5.1f}x"
            )


if __name__ == "__main__":
    main()
