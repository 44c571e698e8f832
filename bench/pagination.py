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
from smarttrees.models import Condition, Species, Tree, TreeCategory
from smarttrees.services import inventory
from smarttrees.services.inventory import TreeQuery

PAGE = 50
REPEATS = 7


def median_ms(run) -> float:
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def species_id(name: str) -> int:
    return db.session.scalar(select(Species.id).where(Species.scientific_name == name))


def cursor_at(depth: int) -> int | None:
    """The keyset cursor a user holds after paging `depth` rows down."""
    if depth == 0:
        return None
    return db.session.scalar(select(Tree.id).order_by(Tree.id.desc()).offset(depth - 1).limit(1))


def keyset_sql_page(cursor: int | None) -> None:
    db.session.execute(
        text("SELECT * FROM trees WHERE id < :cursor ORDER BY id DESC LIMIT :page"),
        {"cursor": cursor if cursor is not None else 2**62, "page": PAGE},
    ).all()


def offset_page(depth: int) -> None:
    db.session.execute(
        text("SELECT * FROM trees ORDER BY id DESC OFFSET :depth LIMIT :page"),
        {"depth": depth, "page": PAGE},
    ).all()


def main() -> None:
    with create_app().app_context():
        total = db.session.scalar(select(func.count()).select_from(Tree))
        print(f"trees: {total:,}; page: {PAGE} rows; median of {REPEATS} runs")
        print(
            f"{'depth':>10} {'service ms':>11} {'keyset SQL':>11} {'OFFSET SQL':>11} {'ratio':>7}"
        )
        for depth in (0, 1_000, 10_000, 100_000, 500_000, 1_000_000):
            if depth >= total:
                break
            cursor = cursor_at(depth)
            service = median_ms(
                lambda c=cursor: inventory.list_trees(TreeQuery(after=c, limit=PAGE))
            )
            keyset = median_ms(lambda c=cursor: keyset_sql_page(c))
            offset = median_ms(lambda d=depth: offset_page(d))
            print(
                f"{depth:>10,} {service:>11.2f} {keyset:>11.2f} {offset:>11.2f} "
                f"{offset / service:>6.1f}x"
            )
        filtered(total)


def filtered(total: int) -> None:
    """Filtered first pages (the service), including a rare species and a text search."""
    print("\nfiltered first page through the service (median ms):")
    cases = {
        "category=urban": TreeQuery(category=TreeCategory.URBAN),
        "condition=dead": TreeQuery(condition=Condition.DEAD),
        "rare species (Sưa)": TreeQuery(species_id=species_id("Dalbergia tonkinensis")),
        "q=bang lang": TreeQuery(q="bang lang"),
        "q=code prefix 0012": TreeQuery(q="0012"),
        "commune + condition": TreeQuery(commune_id=1, condition=Condition.POOR),
    }
    for name, query in cases.items():
        print(f"  {name:<24} {median_ms(lambda q=query: inventory.list_trees(q)):8.2f}")


if __name__ == "__main__":
    main()
