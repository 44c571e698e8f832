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
