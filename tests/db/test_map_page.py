"""The province map page: Folium-built, every asset served locally, configured for tiles."""

import re

import pytest

from smarttrees.models import Role
from tests.helpers.factories import make_tree, make_user

pytestmark = pytest.mark.external


def test_the_map_page_loads_nothing_from_outside(client, public_map):
    page = client.get("/map").get_data(as_text=True)
    assert "SmartTreesMap.start(" in page
    assert re.findall(r"https?://", page) == []
    for asset in re.findall(r'(?:src|href)="(/[^"]+)"', page):
        assert client.get(asset).status_code == 200, asset


def test_the_map_needs_a_login_when_it_is_not_public(client):
    response = client.get("/map")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_public_cards_and_figures(client, public_map):
    tree = make_tree(commune="Gia Sàng")
    card = client.get(f"/api/v1/trees/{tree.code}/card").get_json()
    assert card["species"]["vi_name"] == "Bằng lăng nước" and card["commune"]["name"] == "Gia Sàng"
    summary = client.get(f"/api/v1/communes/{tree.commune.code}/summary").get_json()
    assert summary["trees"] == 1 and summary["species"][0]["trees"] == 1
    results = client.get("/api/v1/search?q=gia sang").get_json()["results"]
    assert results[0]["label"] == "Gia Sàng" and len(results[0]["bbox"]) == 4
    found = client.get(f"/api/v1/search?q={tree.code.lower()}").get_json()["results"]
    assert found[0]["code"] == tree.code


def test_full_tree_records_stay_private_on_the_public_map(client, public_map):
    tree = make_tree()
    assert client.get(f"/api/v1/trees/{tree.code}").status_code == 401


def test_the_map_is_in_english_on_request(client):
    user = make_user(Role.VIEWER)
    from tests.helpers.factories import PASSWORD
    from tests.helpers.web import csrf_from

    client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_from(client)}
    )
    assert "Cơ sở dữ liệu cây xanh" in client.get("/map").get_data(as_text=True)
    assert '"Trees per ha": "Trees per ha"' in client.get("/map?lang=en").get_data(as_text=True)


def test_a_stand_s_owner_is_shown_to_staff_not_on_the_public_map(client, public_map):
    """An owner is often a household: a person's name, which the public map does not show."""
    from geoalchemy2.shape import from_shape
    from shapely.geometry import MultiPolygon, Point

    from smarttrees.extensions import db
    from smarttrees.models import Stand
    from tests.helpers.factories import commune_named, point_in
    from tests.helpers.web import sign_in

    centre = Point(point_in(commune_named("Gia Sàng")))
    stand = Stand(
        name="Lô keo 3",
        owner="Hộ ông Nguyễn Văn An",
        tieu_khu="301",
        khoanh="2",
        lo="a",
        geom=from_shape(MultiPolygon([centre.buffer(0.001)]), srid=4326),
    )
    db.session.add(stand)
    db.session.commit()
    public = client.get(f"/api/v1/stands/{stand.id}").get_json()
    assert public["name"] == "Lô keo 3" and public["owner"] is None
    assert "Nguyễn Văn An" not in client.get(f"/api/v1/stands/{stand.id}").get_data(as_text=True)
    sign_in(client, Role.VIEWER)
    assert client.get(f"/api/v1/stands/{stand.id}").get_json()["owner"] == "Hộ ông Nguyễn Văn An"


def test_a_tree_s_page_writes_decimals_the_vietnamese_way(client):
    from tests.helpers.web import sign_in

    sign_in(client, Role.VIEWER)
    tree = make_tree(dbh_cm="32,5", lon=105.845678, lat=21.591234)
    page = client.get(f"/trees/{tree.code}").get_data(as_text=True)
    assert "32,5" in page and "32.5" not in page
    assert "vĩ độ 21,591234 · kinh độ 105,845678" in page
    listed = client.get("/trees").get_data(as_text=True)
    assert ">32,5<" in listed
