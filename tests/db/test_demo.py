"""The demo inventory: exactly the trees it reports, loaded again without change, topped up."""

from sqlalchemy import func, select

from smarttrees.extensions import db
from smarttrees.models import SeedlingLot, Stand, Tree
from smarttrees.services.admin import demo


def _demo_trees() -> int:
    return db.session.scalar(select(func.count()).select_from(Tree).where(Tree.source == "demo"))


def test_the_demo_loads_exactly_its_count_and_a_second_load_changes_nothing():
    first = demo.load_demo(trees=400)
    assert first == {"created": 400, "existing": 0}
    assert _demo_trees() == 400
    stands = db.session.scalar(select(func.count()).select_from(Stand))
    lots = db.session.scalar(select(func.count()).select_from(SeedlingLot))
    assert lots > 0

    again = demo.load_demo(trees=400)
    smaller = demo.load_demo(trees=100)
    assert again == smaller == {"created": 0, "existing": 400}
    assert _demo_trees() == 400
    assert db.session.scalar(select(func.count()).select_from(Stand)) == stands
    assert db.session.scalar(select(func.count()).select_from(SeedlingLot)) == lots


def test_a_top_up_of_a_few_trees_adds_exactly_those():
    demo.load_demo(trees=396)
    topped = demo.load_demo(trees=400)
    assert topped == {"created": 4, "existing": 396}
    assert _demo_trees() == 400
    codes = db.session.scalars(select(Tree.code).where(Tree.source == "demo")).all()
    assert len(set(codes)) == 400
