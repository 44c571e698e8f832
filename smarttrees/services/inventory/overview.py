"""Figures about the whole inventory."""

from sqlalchemy import func, select

from smarttrees.extensions import db
from smarttrees.models import AdminUnit, SeedlingLot, Species, Stand, Tree


def summary() -> dict:
    """Counts for the start page."""
    by_category = db.session.execute(select(Tree.category, func.count()).group_by(Tree.category))
    by_category = {category.value: count for category, count in by_category}
    return {
        "trees": sum(by_category.values()),
        "stands": db.session.scalar(select(func.count()).select_from(Stand)),
        "species": db.session.scalar(select(func.count()).select_from(Species)),
        "communes": db.session.scalar(select(func.count()).select_from(AdminUnit)) - 1,
        "lots": db.session.scalar(select(func.count()).select_from(SeedlingLot)),
        "by_category": by_category,
    }
