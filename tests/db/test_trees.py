"""Tree use cases: plant, edit, inspect, find and list."""

import pytest
from sqlalchemy import select, text

from smarttrees.errors import NotFound, ValidationFailed
from smarttrees.extensions import db
from smarttrees.labels import codes
from smarttrees.models import AuditLog, Condition, Role, Tree
from smarttrees.services import inventory
from smarttrees.services.inventory import TreeQuery
from tests.helpers.factories import commune_named, make_tree, make_user, species_named, tree_fields

pytestmark = pytest.mark.external


def test_a_planted_tree_gets_a_valid_code_and_its_commune():
    tree = make_tree(commune="Gia Sàng")
    assert codes.is_valid(tree.code)
    assert tree.commune.name == "Gia Sàng"
    assert float(tree.dbh_cm) == 32.5  # decimal comma accepted
    assert tree.planted_on.isoformat() == "2012-03-15"  # day-first


def test_a_point_outside_the_province_is_refused_and_nothing_is_written():
    with pytest.raises(ValidationFailed) as refused:
        inventory.plant_tree(tree_fields(lon=105.85, lat=21.03), actor=None)  # Hà Nội
    assert "location" in refused.value.details
    assert db.session.scalar(select(Tree.id)) is None


def test_the_service_area_check_can_be_switched_off(monkeypatch):
    monkeypatch.setenv("SMARTTREES_SERVICE_AREA", "none")
    tree = inventory.plant_tree(tree_fields(lon=105.85, lat=21.03), actor=None)
    assert tree.commune_id is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("dbh_cm", "600"),
        ("height_m", "abc"),
        ("category", "forest"),
        ("species_id", "99999"),
        ("planted_on", "31/02/2020"),
        ("planted_on", "01/01/2999"),
    ],
)
def test_bad_values_are_refused_with_the_field_named(field, value):
    with pytest.raises(ValidationFailed) as refused:
        inventory.plant_tree(tree_fields(**{field: value}), actor=None)
    assert field in refused.value.details


def test_a_pre_printed_code_with_a_wrong_check_character_is_refused():
    good = codes.encode(777)
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(ValidationFailed) as refused:
        make_tree(code=wrong)
    assert "code" in refused.value.details
    assert make_tree(code=good.lower()).code == good


def test_a_code_cannot_be_used_twice():
    first = make_tree()
    with pytest.raises(ValidationFailed) as refused:
        make_tree(code=first.code)
    assert refused.value.details["code"] == "This code belongs to another tree."


def test_an_inspection_updates_the_current_values_and_is_kept():
    inspector = make_user(Role.FIELD)
    tree = make_tree()
    inventory.record_inspection(tree.code, {"dbh_cm": "35", "condition": "fair"}, actor=inspector)
    tree = inventory.get_tree(tree.code)
    assert float(tree.dbh_cm) == 35 and tree.condition == Condition.FAIR
    assert [float(i.dbh_cm) for i in tree.inspections] == [35]
    assert tree.inspections[0].inspector.id == inspector.id


def test_a_late_synced_older_inspection_does_not_overwrite_newer_values():
    tree = make_tree()
    inventory.record_inspection(tree.code, {"dbh_cm": "40"}, actor=None)
    db.session.execute(
        text(
            "INSERT INTO inspections (tree_id, dbh_cm, inspected_at) "
            "VALUES (:id, 20, now() - interval '30 days')"
        ),
        {"id": tree.id},
    )
    db.session.commit()
    assert float(inventory.get_tree(tree.code).dbh_cm) == 40


def test_moving_a_tree_relocates_it_and_finds_its_new_commune():
    tree = make_tree(commune="Gia Sàng")
    from tests.helpers.factories import point_in

    lon, lat = point_in(commune_named("Quan Triều"))
    inventory.record_inspection(
        tree.code, {"notes": "GPS cũ lệch", "moved": "1", "lon": lon, "lat": lat}, actor=None
    )
    assert inventory.get_tree(tree.code).commune.name == "Quan Triều"


def test_an_empty_inspection_is_refused():
    tree = make_tree()
    with pytest.raises(ValidationFailed) as refused:
        inventory.record_inspection(tree.code, {}, actor=None)
    assert "form" in refused.value.details


def test_every_change_is_in_the_audit_log_with_before_and_after():
    manager = make_user(Role.MANAGER)
    tree = make_tree(actor=manager)
    inventory.edit_tree(tree.code, {"height_m": "12,5"}, actor=manager)
    entries = db.session.scalars(
        select(AuditLog).where(AuditLog.entity == "trees").order_by(AuditLog.id)
    ).all()
    assert [e.action for e in entries] == ["create", "update"]
    assert entries[1].before == {"height_m": 11.0} and entries[1].after == {"height_m": 12.5}
    assert {e.actor_id for e in entries} == {manager.id}


def test_unknown_code_is_not_found():
    with pytest.raises(NotFound):
        inventory.get_tree("ZZZZZZZ")


def test_keyset_pages_cover_every_tree_once():
    planted = {make_tree(dbh_cm=str(10 + i)).code for i in range(7)}
    seen, cursor = [], None
    while True:
        rows, cursor = inventory.list_trees(TreeQuery(limit=3, after=cursor))
        seen += [t.code for t in rows]
        if cursor is None:
            break
    assert len(seen) == 7 and set(seen) == planted


def test_search_ignores_vietnamese_diacritics_and_finds_codes():
    lagerstroemia = make_tree()
    make_tree(species_id=species_named("Khaya senegalensis").id)  # Xà cừ
    found, _ = inventory.list_trees(TreeQuery(q="BANG LANG"))
    assert [t.code for t in found] == [lagerstroemia.code]
    found, _ = inventory.list_trees(TreeQuery(q="xa cu"))
    assert [t.species.vi_name for t in found] == ["Xà cừ"]
    found, _ = inventory.list_trees(TreeQuery(q=lagerstroemia.code[:5].lower()))
    assert lagerstroemia.code in [t.code for t in found]


def test_filters_combine():
    make_tree(commune="Gia Sàng", condition="poor")
    make_tree(commune="Gia Sàng", condition="good")
    make_tree(commune="Quan Triều", condition="poor")
    gia_sang = commune_named("Gia Sàng")
    rows, _ = inventory.list_trees(TreeQuery(commune_id=gia_sang.id, condition=Condition.POOR))
    assert len(rows) == 1 and rows[0].commune_id == gia_sang.id


def test_a_circumference_gives_the_dbh():
    tree = make_tree()
    inventory.record_inspection(tree.code, {"circumference_cm": "100"}, actor=None)
    assert float(inventory.get_tree(tree.code).dbh_cm) == 31.8  # 100 / π
