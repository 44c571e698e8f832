"""The field app's sync API: each offline record applied exactly once; conflicts kept."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from smarttrees.extensions import db
from smarttrees.models import Inspection, Role, Tree
from smarttrees.services import admin, inventory
from tests.helpers.factories import (
    PASSWORD,
    commune_named,
    make_tree,
    make_user,
    point_in,
    species_named,
)
from tests.helpers.web import csrf_from

pytestmark = pytest.mark.external


@pytest.fixture
def field_token():
    return {"Authorization": "Bearer " + admin.issue_token(make_user(Role.FIELD), name="phone")}


def inspection(tree, **fields):
    return {
        "client_id": str(uuid.uuid4()),
        "type": "inspection",
        "code": tree.code,
        "inspected_at": datetime.now(UTC).isoformat(),
        "base_updated_at": tree.updated_at.isoformat(),
        **fields,
    }


def sync(client, headers, records):
    response = client.post("/api/v1/sync", json={"records": records}, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    db.session.expire_all()  # the request ran in its own session: read afresh
    return response.get_json()["results"]


def inspections_of(tree) -> int:
    return db.session.scalar(select(func.count()).where(Inspection.tree_id == tree.id))


def test_a_record_is_applied_once_however_often_it_is_sent(client, field_token):
    tree = make_tree()
    record = inspection(tree, dbh_cm="41,5", condition="fair")
    assert sync(client, field_token, [record])[0]["status"] == "created"
    assert sync(client, field_token, [record])[0]["status"] == "duplicate"
    assert inspections_of(tree) == 1
    assert float(inventory.get_tree(tree.code).dbh_cm) == 41.5


def test_the_inspection_keeps_the_time_it_was_made_offline(client, field_token):
    tree = make_tree()
    seen = datetime.now(UTC) - timedelta(hours=5)
    sync(client, field_token, [inspection(tree, dbh_cm="40", inspected_at=seen.isoformat())])
    stored = inventory.get_tree(tree.code).inspections[0].inspected_at
    assert abs((stored - seen).total_seconds()) < 1


def test_a_tree_changed_meanwhile_is_a_conflict_kept_as_history(client, field_token):
    tree = make_tree()
    stale = inspection(tree, dbh_cm="38")
    inventory.record_inspection(tree.code, {"dbh_cm": "50"}, actor=None)  # newer, on the server
    stale["inspected_at"] = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    result = sync(client, field_token, [stale])[0]
    assert result["status"] == "created" and result["conflict"] is True
    assert inspections_of(tree) == 2
    assert float(inventory.get_tree(tree.code).dbh_cm) == 50  # the newer observation stands


def test_a_bad_record_is_refused_and_the_others_still_apply(client, field_token):
    tree = make_tree()
    good = inspection(tree, dbh_cm="30")
    bad = inspection(tree, dbh_cm="900")
    unknown = dict(inspection(tree, dbh_cm="30"), code="ZZZZZZZ")
    results = sync(client, field_token, [bad, good, unknown])
    assert [r["status"] for r in results] == ["rejected", "created", "rejected"]
    assert "dbh_cm" in results[0]["error"]["details"]
    assert results[2]["error"]["code"] == "not_found"
    assert inspections_of(tree) == 1


def test_a_new_tree_tagged_offline_with_a_pre_printed_code(client, field_token):
    from smarttrees.labels import codes

    code = codes.encode(424_242)
    lon, lat = point_in(commune_named("Quan Triều"))
    record = {
        "client_id": str(uuid.uuid4()),
        "type": "tree",
        "code": code.lower(),
        "species_id": species_named("Hopea odorata").id,
        "category": "urban",
        "lon": lon,
        "lat": lat,
        "dbh_cm": "12",
    }
    assert sync(client, field_token, [record])[0] == {
        "client_id": record["client_id"],
        "status": "created",
        "code": code,
    }
    assert sync(client, field_token, [record])[0]["status"] == "duplicate"
    assert db.session.scalar(select(func.count()).select_from(Tree)) == 1
    assert inventory.get_tree(code).commune.name == "Quan Triều"


def test_sync_needs_a_field_role(client):
    viewer = {"Authorization": "Bearer " + admin.issue_token(make_user(Role.VIEWER), name="x")}
    assert client.post("/api/v1/sync", json={"records": []}, headers=viewer).status_code == 403
    assert client.post("/api/v1/sync", json={"records": []}).status_code == 401


def test_a_signed_in_phone_gets_a_token_and_the_trees_of_its_area(client):
    user = make_user(Role.FIELD)
    client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_from(client)}
    )
    token = client.post(
        "/api/v1/field/token",
        json={"device": "test"},
        headers={"X-CSRFToken": csrf_from(client, "/field")},
    ).get_json()["token"]
    tree = make_tree(commune="Gia Sàng")
    area = client.get(
        f"/api/v1/field/trees?commune_id={tree.commune_id}",
        headers={"Authorization": f"Bearer {token}"},
    ).get_json()
    assert [t["code"] for t in area["trees"]] == [tree.code]
    assert area["trees"][0]["species"] == "Bằng lăng nước" and len(area["species"]) == 45


def test_a_phone_clock_at_year_one_is_refused_and_the_tree_stays_readable(client, field_token):
    tree = make_tree()
    reset = inspection(tree, dbh_cm="31", inspected_at="0001-01-01T00:00:00")
    later = inspection(tree, dbh_cm="32")
    results = sync(client, field_token, [reset, later])
    assert [r["status"] for r in results] == ["rejected", "created"]
    assert "inspected_at" in results[0]["error"]["details"]
    assert client.get(f"/api/v1/trees/{tree.code}", headers=field_token).status_code == 200
    assert client.get(f"/t/{tree.code}", headers=field_token).status_code in (200, 302)


def test_any_failure_rejects_its_record_alone_and_the_reply_is_true(
    client, field_token, monkeypatch
):
    """A record whose saving fails for a reason nobody foresaw (here: injected) is rejected
    with a sentence the phone can show; the records before and after it are saved, and the
    reply says so."""
    from smarttrees.services.inventory import inspections as inspection_service

    tree = make_tree()
    first, broken, last = (inspection(tree, dbh_cm=d) for d in ("30", "31", "32"))
    real = inspection_service.record_inspection

    def failing(code, fields, **kwargs):
        if fields.get("client_id") == broken["client_id"]:
            raise RuntimeError("disk full")
        return real(code, fields, **kwargs)

    monkeypatch.setattr(inspection_service, "record_inspection", failing)
    results = sync(client, field_token, [first, broken, last])
    assert [r["status"] for r in results] == ["created", "rejected", "created"]
    assert results[1]["error"]["code"] == "server_error"
    assert results[1]["error"]["message"] == (
        "Không lưu được bản ghi này; nó vẫn được giữ trên điện thoại."
    )
    assert "disk full" not in str(results)
    assert inspections_of(tree) == 2


def test_rejections_are_in_the_user_s_language(client, field_token):
    tree = make_tree()
    results = sync(client, field_token, [inspection(tree, dbh_cm="900")])
    assert results[0]["error"]["details"]["dbh_cm"] == ("D1.3 phải lớn hơn 0 và không quá 500 cm.")
