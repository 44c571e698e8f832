"""The trees nearest a point, for the map's "my location": nearest first, in metres on the
ground, removed trees left out; a bad position is a 422 naming the field."""

from sqlalchemy import text

from smarttrees.extensions import db
from tests.helpers.factories import make_tree
from tests.helpers.web import sign_in


def test_the_nearest_trees_come_nearest_first_with_their_distance(client):
    here = (105.8400, 21.5930)
    near = [make_tree(lon=here[0] + i * 0.0001, lat=here[1]) for i in (1, 3, 2)]
    gone = make_tree(lon=here[0], lat=here[1] + 0.00001)
    db.session.execute(
        text("UPDATE trees SET condition = 'removed' WHERE id = :id"), {"id": gone.id}
    )
    db.session.commit()
    sign_in(client, "viewer")
    answer = client.get(f"/api/v1/trees/nearest?lon={here[0]}&lat={here[1]}&limit=2")
    assert answer.status_code == 200
    trees = answer.get_json()["trees"]
    assert [t["code"] for t in trees] == [near[0].code, near[2].code]
    # 0.0001° of longitude at 21.6° N is 10.35 m on the ground.
    assert [t["metres"] for t in trees] == [10.4, 20.7]
    assert trees[0]["species"] == "Bằng lăng nước"


def test_a_position_that_is_not_one_is_refused_by_name(client):
    sign_in(client, "viewer")
    answer = client.get("/api/v1/trees/nearest?lon=abc&lat=21.5")
    assert answer.status_code == 422
    assert "location" in answer.get_json()["error"]["details"]
    answer = client.get("/api/v1/trees/nearest?lon=105.8&lat=21.5&limit=²")
    assert answer.status_code == 422 and "limit" in answer.get_json()["error"]["details"]
    assert client.get("/api/v1/trees/nearest?lon=nan&lat=21.5").status_code == 422


def test_the_nearest_trees_are_behind_the_map_s_door(client):
    assert client.get("/api/v1/trees/nearest?lon=105.8&lat=21.5").status_code == 401


def test_the_order_is_the_distance_on_the_ground_not_in_degrees(client):
    """Two trees 0.0009° away: the one east is 93 m off, the one north 100 m: east is
    nearer, though both are as far in degrees (a degree of longitude is shorter here)."""
    here = (105.8400, 21.5930)
    north = make_tree(lon=here[0], lat=here[1] + 0.0009)
    east = make_tree(lon=here[0] + 0.00092, lat=here[1])
    sign_in(client, "viewer")
    trees = client.get(f"/api/v1/trees/nearest?lon={here[0]}&lat={here[1]}&limit=2").get_json()
    assert [t["code"] for t in trees["trees"]] == [east.code, north.code]
    assert trees["trees"][0]["metres"] < trees["trees"][1]["metres"]
