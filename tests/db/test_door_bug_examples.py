"""The exact requests that answer 500 (or a wrong refusal) on today's code (issue 13), one per
bug found by tests/db/test_door_properties.py widened. Drop into tests/db/ once fixed."""

import pytest
from sqlalchemy import func, select, text

from smarttrees.extensions import db
from smarttrees.models import Inspection, LotEventKind, Role
from smarttrees.services import admin, custody
from tests.helpers.factories import make_stand, make_tree, make_user, species_named, tree_fields
from tests.helpers.web import csrf_from, sign_in


@pytest.fixture
def field():
    return {"Authorization": "Bearer " + admin.issue_token(make_user(Role.FIELD), name="bugs")}


def _refused(response, *fields) -> set[str]:
    """The fields the refusal names, of those expected (asserted by the caller: none is a bug)."""
    assert response.status_code in (400, 404, 422), (response.status_code, response.data[:300])
    return set(response.get_json()["error"]["details"]) & set(fields)


GETS = [
    ("/api/v1/trees/%00", ["code"]),
    ("/api/v1/trees/%00/card", ["code"]),
    ("/api/v1/trees?q=%00", ["q"]),
    ("/api/v1/trees?cursor=" + "9" * 4400, ["cursor"]),
    ("/api/v1/field/trees?commune_id=%C2%B2", ["commune_id"]),
    ("/tiles/trees/0/0/0.pbf?species=%C2%B2", ["species"]),
    ("/tiles/trees/0/0/0.pbf?year=" + "9" * 30, ["year"]),
    ("/tiles/trees/%C2%B2/0/0.pbf", ["z"]),
    ("/tiles/trees/%D9%A1/0/0.pbf", ["z"]),  # Arabic-Indic 1: answered 200 as zoom 1
    ("/tiles/trees/" + "9" * 4400 + "/0/0.pbf", ["z"]),
    ("/ogcapi/collections/trees/items?category=%00", ["category"]),
    ("/ogcapi/collections/trees/items?code=%00", ["code"]),
    ("/ogcapi/collections/trees/items?limit=" + "9" * 4400, ["limit"]),
    ("/ogcapi/collections/trees/items/%00", ["feature"]),
]


@pytest.mark.parametrize(("url", "fields"), GETS, ids=[u[:60] for u, _ in GETS])
def test_a_bad_query_or_address_is_refused_naming_it(client, field, url, fields):
    make_tree()
    assert _refused(client.get(url, headers=field), *fields)


def test_a_client_id_with_nul_is_refused_at_every_door(client, field):
    tree = make_tree()
    assert _refused(
        client.post("/api/v1/trees", json={**tree_fields(), "client_id": "\x00"}, headers=field),
        "client_id",
    )
    assert _refused(
        client.post(
            f"/api/v1/trees/{tree.code}/inspections",
            json={"client_id": "\x00", "dbh_cm": "30"},
            headers=field,
        ),
        "client_id",
    )
    assert _refused(
        client.post("/api/v1/trees/%00/inspections", json={"dbh_cm": "30"}, headers=field), "code"
    )


def test_a_lone_surrogate_in_a_text_is_refused(client, field):
    tree = make_tree()
    assert _refused(
        client.post("/api/v1/trees", json={**tree_fields(), "notes": "\ud800"}, headers=field),
        "notes",
    )
    assert _refused(
        client.post(
            f"/api/v1/trees/{tree.code}/inspections", json={"notes": "\ud800"}, headers=field
        ),
        "notes",
    )


def test_a_lot_event_with_a_bad_code_or_text_is_refused(client, field):
    nursery = custody.create_nursery(name="N")
    lot = custody.create_lot(
        species_id=species_named("Acacia mangium").id, nursery_id=nursery.id, seed_source=None
    )
    custody.record_event(lot, LotEventKind.SOWN, 1000)
    make_stand()
    assert _refused(
        client.post("/api/v1/lots/%00/events", json={"kind": "lost"}, headers=field), "code"
    )
    assert _refused(
        client.post(
            f"/api/v1/lots/{lot.code}/events",
            json={"kind": "planted", "trees": "ABC\x00"},
            headers=field,
        ),
        "trees",
    )
    assert _refused(
        client.post(
            f"/api/v1/lots/{lot.code}/events",
            json={"kind": "lost", "quantity": "1", "reason": "\ud800"},
            headers=field,
        ),
        "reason",
    )


def test_a_sync_batch_with_a_bad_record_applies_the_others_and_says_so(client, field):
    tree = make_tree()
    good = {"type": "inspection", "client_id": "a", "code": tree.code, "dbh_cm": "31"}
    response = client.post(
        "/api/v1/sync", json={"records": [good, {"type": [], "client_id": "b"}]}, headers=field
    )
    assert response.status_code == 200, response.data[:300]  # today: TypeError, 500, and 'a' saved
    assert [r["status"] for r in response.get_json()["results"]] == ["created", "rejected"]
    assert db.session.scalar(select(func.count()).select_from(Inspection)) == 1


@pytest.mark.parametrize(
    "record",
    [
        {"client_id": "\x00"},
        {"client_id": "c", "notes": "\ud800"},
        {"client_id": "d", "code": "\x00"},
    ],
)
def test_a_sync_record_is_rejected_for_a_reason_it_names_never_a_server_error(
    client, field, record
):
    tree = make_tree()
    sent = {"type": "inspection", "code": tree.code, "dbh_cm": "31", **record}
    result = client.post("/api/v1/sync", json={"records": [sent]}, headers=field).get_json()
    error = result["results"][0]["error"]
    assert error["code"] != "server_error" and error["details"], error


def test_the_harvest_form_refuses_a_huge_area_naming_it(client):
    sign_in(client, Role.MANAGER)
    stand = make_stand()
    token = csrf_from(client, "/harvests")
    response = client.post(
        "/harvests",
        data={
            "stand_id": stand.id,
            "harvested_on": "01/02/2024",
            "area_ha": "1e30",
            "csrf_token": token,
        },
    )
    assert response.status_code == 422 and 'aria-invalid="true"' in response.get_data(as_text=True)
    assert db.session.scalar(text("SELECT count(*) FROM harvests")) == 0


def test_the_new_tree_form_refuses_a_client_id_with_nul(client):
    sign_in(client, Role.FIELD)
    token = csrf_from(client, "/trees/new")
    response = client.post(
        "/trees/new", data={**tree_fields(), "client_id": "\x00", "csrf_token": token}
    )
    assert response.status_code in (302, 422)


def test_the_tree_list_page_refuses_other_digits_in_its_cursor(client):
    sign_in(client, Role.VIEWER)
    assert client.get("/trees?after=%C2%B2").status_code in (200, 422)
    assert client.get("/trees?q=%00").status_code in (200, 422)
    assert client.get("/trees/%00").status_code == 404
