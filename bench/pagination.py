"""Keyset pagination of the tree list against OFFSET, at increasing depth.

Run after `make demo-full` (or with any inventory): make bench
Prints the median time to fetch one 50-row page at each depth through the service (keyset) and
through the same query with OFFSET (the reference), and their ratio.
"""

import statistics
import time

from sqlalchemy import func, select, text

from smarttrees import create_app
from smarttrees.extensions import db
from smarttrees.models import Tree
from smarttrees.services import trees
from smarttrees.services.trees import TreeQuery

PAGE = 50
REPEATS = 7


def median_ms(run) -> float:
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def cursor_at(depth: int) -> int | None:
    """The keyset cursor a user holds after paging `depth` rows down."""
    if depth == 0:
        return None
    return db.session.scalar(select(Tree.id).order_by(Tree.id.desc()).offset(depth - 1).limit(1))


def offset_page(depth: int) -> None:
    db.session.execute(
        text("SELECT * FROM trees ORDER BY id DESC OFFSET :depth LIMIT :page"),
        {"depth": depth, "page": PAGE},
    ).all()


def main() -> None:
    with create_app().app_context():
        total = db.session.scalar(select(func.count()).select_from(Tree))
        print(f"trees: {total:,}; page: {PAGE} rows; median of {REPEATS} runs")
        print(f"{'depth':>10} {'keyset ms':>10} {'OFFSET ms':>10} {'ratio':>7}")
        for depth in (0, 1_000, 10_000, 100_000, 500_000, 1_000_000):
            if depth >= total:
                break
            cursor = cursor_at(depth)
            keyset = median_ms(lambda c=cursor: trees.list_trees(TreeQuery(after=c, limit=PAGE)))
            offset = median_ms(lambda d=depth: offset_page(d))
            print(f"{depth:>10,} {keyset:>10.2f} {offset:>10.2f} {offset / keyset:>6.1f}x")


if __name__ == "__main__":
    main()
