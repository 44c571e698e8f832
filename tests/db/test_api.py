"""The JSON API: GeoJSON, filters, cursors, tokens, roles, and one error shape."""

import pytest

from smarttrees.models import Role
from smarttrees.services import admin
from tests.helpers.factories import commune_named, make_tree, make_user, point_in, species_named

pytestmark = pytest.mark.external


def _bearer(role: Role) -> dict:
    token = admin.issue_token(make_user(role), name="test")
    return {"Authorization": f"Bearer {token}"}


def _assert_error_shape(response, status: int, code: str):
    assert response.status_code == status
    assert response.is_json
    error = response.get_json()["error"]
    assert set(error) == {"code", "message", "details"}
    assert error["code"] == code and error["message"]
    return error


def test_anonymous_calls_get_401_in_the_error_shape(client):
    _assert_error_shape(client.get("/api/v1/trees"), 401, "unauthorized")


def test_unknown_addresses_get_404_json_not_html(client):
    _assert_error_shape(client.get("/api/v1/no-such-thing"), 404, "not_found")


def test_a_wrong_token_is_refused(client):
    response = client.get("/api/v1/trees", headers={"Authorization": "Bearer st_nope"})
    _assert_error_shape(response, 401, "unauthorized")


def test_trees_come_as_a_geojson_feature_collection(client):
    tree = make_tree()
    body = client.get("/api/v1/trees", headers=_bearer(Role.VIEWER)).get_json()
    assert body["type"] == "FeatureCollection"
    feature = body["features"][0]
    assert feature["id"] == tree.code and feature["geometry"]["type"] == "Point"
    assert feature["properties"]["species"]["vi_name"] == "Bằng lăng nước"
    assert feature["properties"]["commune"]["name"] == "Phan Đình Phùng"


def test_bbox_and_filters_select_trees(client):
    inside = make_tree(commune="Gia Sàng")
    make_tree(commune="Bắc Kạn")
    lon, lat = point_in(commune_named("Gia Sàng"))
    bbox = f"{lon - 0.001},{lat - 0.001},{lon + 0.001},{lat + 0.001}"
    body = client.get(f"/api/v1/trees?bbox={bbox}", headers=_bearer(Role.VIEWER)).get_json()
    assert [f["id"] for f in body["features"]] == [inside.code]
    species = species_named("Lagerstroemia speciosa").id
    body = client.get(
        f"/api/v1/trees?species_id={species}&category=scattered", headers=_bearer(Role.VIEWER)
    ).get_json()
    assert body["features"] == []


def test_cursor_pagination_walks_every_tree(client):
    codes = {make_tree().code for _ in range(5)}
    headers, seen, url = _bearer(Role.VIEWER), [], "/api/v1/trees?limit=2"
    while url:
        body = client.get(url, headers=headers).get_json()
        seen += [f["id"] for f in body["features"]]
        url = body["links"].get("next")
    assert sorted(seen) == sorted(codes)


@pytest.mark.parametrize(
    "query", ["bbox=1,2,3", "bbox=5,5,1,1", "category=forest", "cursor=abc", "limit=-3"]
)
def test_bad_parameters_get_400_or_422_naming_the_parameter(client, query):
    response = client.get(f"/api/v1/trees?{query}", headers=_bearer(Role.VIEWER))
    error = _assert_error_shape(response, 422, "validation_failed")
    assert query.split("=")[0] in error["details"]


def test_create_a_tree_with_a_token(client):
    lon, lat = point_in(commune_named("Quyết Thắng"))
    payload = {
        "lon": lon,
        "lat": lat,
        "category": "urban",
        "dbh_cm": 18,
        "species_id": species_named("Hopea odorata").id,
    }
    response = client.post("/api/v1/trees", json=payload, headers=_bearer(Role.FIELD))
    assert response.status_code == 201
    assert response.get_json()["properties"]["commune"]["name"] == "Quyết Thắng"
    assert response.headers["Location"].endswith(response.get_json()["id"])


def test_invalid_values_come_back_as_field_errors(client):
    payload = {"lon": 105.85, "lat": 21.03, "category": "urban", "dbh_cm": 900}
    response = client.post("/api/v1/trees", json=payload, headers=_bearer(Role.FIELD))
    error = _assert_error_shape(response, 422, "validation_failed")
    assert {"dbh_cm", "species_id"} <= set(error["details"])


def test_a_viewer_cannot_write(client):
    response = client.post("/api/v1/trees", json={}, headers=_bearer(Role.VIEWER))
    _assert_error_shape(response, 403, "forbidden")


def test_a_session_write_without_csrf_token_is_refused(client):
    from tests.helpers.factories import PASSWORD
    from tests.helpers.web import csrf_from

    user = make_user(Role.FIELD)
    client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_from(client)}
    )
    response = client.post("/api/v1/trees", json={})
    _assert_error_shape(response, 400, "bad_request")


def test_inspections_through_the_api(client):
    tree = make_tree()
    response = client.post(
        f"/api/v1/trees/{tree.code}/inspections",
        json={"dbh_cm": 33.5, "condition": "poor"},
        headers=_bearer(Role.FIELD),
    )
    assert response.status_code == 201
    body = client.get(f"/api/v1/trees/{tree.code}", headers=_bearer(Role.VIEWER)).get_json()
    assert body["properties"]["condition"] == "poor"
    assert body["properties"]["inspections"][0]["dbh_cm"] == 33.5


def test_an_inspection_sent_twice_through_the_api_is_kept_once(client):
    tree = make_tree()
    headers = _bearer(Role.FIELD)
    record = {"dbh_cm": 33.5, "client_id": "tablet-3-0007"}
    first = client.post(f"/api/v1/trees/{tree.code}/inspections", json=record, headers=headers)
    again = client.post(f"/api/v1/trees/{tree.code}/inspections", json=record, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["id"] == first.get_json()["id"]
    body = client.get(f"/api/v1/trees/{tree.code}", headers=_bearer(Role.VIEWER)).get_json()
    assert len(body["properties"]["inspections"]) == 1


def test_an_api_inspection_keeps_the_time_it_was_made(client):
    tree = make_tree()
    response = client.post(
        f"/api/v1/trees/{tree.code}/inspections",
        json={"dbh_cm": 20, "inspected_at": "2026-01-02T08:00:00+07:00"},
        headers=_bearer(Role.FIELD),
    )
    assert response.status_code == 201
    assert response.get_json()["inspected_at"].startswith("2026-01-02T01:00:00")


def test_species_and_communes(client):
    headers = _bearer(Role.VIEWER)
    species = client.get("/api/v1/species?q=keo", headers=headers).get_json()["species"]
    assert {s["vi_name"] for s in species} >= {"Keo tai tượng", "Keo lai"}
    make_tree(commune="Gia Sàng")
    communes = client.get("/api/v1/communes", headers=headers).get_json()["features"]
    assert len(communes) == 92
    by_name = {c["properties"]["name"]: c["properties"]["trees"] for c in communes}
    assert by_name["Gia Sàng"] == 1
