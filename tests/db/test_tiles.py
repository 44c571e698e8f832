"""Vector tiles: valid MVT, clusters that add up, filters, points up close, validators."""

import gzip
import math

import mapbox_vector_tile
import pytest
from sqlalchemy import text

from smarttrees.extensions import db
from smarttrees.models import ImportBatch, ImportStatus, Role
from smarttrees.models.tally import MAX_ZOOM
from smarttrees.services import admin, inventory
from tests.helpers.factories import commune_named, make_tree, make_user, point_in, species_named

pytestmark = pytest.mark.external


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int, int]:
    n = 1 << z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return z, x, y


@pytest.fixture
def viewer(client):
    token = admin.issue_token(make_user(Role.VIEWER), name="tiles")
    return {"Authorization": f"Bearer {token}"}


def get_tile(client, headers, layer, z, x, y, query=""):
    response = client.get(f"/tiles/{layer}/{z}/{x}/{y}.pbf{query}", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/vnd.mapbox-vector-tile"
    return mapbox_vector_tile.decode(response.data)


def inside(feature) -> bool:
    """A feature of the tile itself, not one around it drawn in the tile's buffer."""
    x, y = feature["geometry"]["coordinates"]
    return 0 <= x < 4096 and 0 <= y < 4096


def cluster_total(tile) -> int:
    features = tile.get("clusters", {}).get("features", [])
    return sum(f["properties"]["count"] for f in features if inside(f))


def trees_in_tile(z, x, y) -> int:
    sql = "SELECT count(*) FROM trees WHERE geom && ST_Transform(ST_TileEnvelope(:z,:x,:y), 4326)"
    return db.session.scalar(text(sql), {"z": z, "x": x, "y": y})


def _plant(count: int, commune: str = "Gia Sàng", **fields):
    return [make_tree(commune=commune, **fields) for _ in range(count)]


def test_zoomed_out_tiles_are_clusters_whose_counts_add_up(client, viewer):
    _plant(4, "Gia Sàng")
    _plant(3, "Quan Triều", category="scattered")
    lon, lat = point_in(commune_named("Gia Sàng"))
    for z in (6, 8, 10, 12):
        tile = get_tile(client, viewer, "trees", *tile_of(lon, lat, z))
        assert "trees" not in tile
        assert cluster_total(tile) == trees_in_tile(*tile_of(lon, lat, z)) > 0
    props = get_tile(client, viewer, "trees", *tile_of(lon, lat, 8))["clusters"]["features"]
    assert sum(f["properties"].get("urban", 0) for f in props) == 4


@pytest.mark.parametrize("z, query", [(12, ""), (12, "?year=2012"), (17, "")])
def test_a_circle_at_a_tile_s_edge_is_drawn_by_the_tile_beside_it_too(client, viewer, z, query):
    """A tree 2 px west of a tile's east edge: the next tile carries it in its buffer, so its
    circle is not cut in half (tallied clusters, live clusters and single trees alike)."""
    lon, lat = point_in(commune_named("Gia Sàng"))
    _, x, y = tile_of(lon, lat, z)
    east_edge = (x + 1) / (1 << z) * 360 - 180
    make_tree(lon=east_edge - 2 / 256 * 360 / (1 << z), lat=lat)
    layer = "clusters" if z < 15 else "trees"
    own = get_tile(client, viewer, "trees", z, x, y, query)[layer]["features"]
    beside = get_tile(client, viewer, "trees", z, x + 1, y, query)[layer]["features"]
    assert [inside(f) for f in own] == [True]
    assert [inside(f) for f in beside] == [False]  # drawn in the buffer, west of its edge
    assert -200 < beside[0]["geometry"]["coordinates"][0] < 0


def test_close_up_tiles_carry_each_tree(client, viewer):
    tree = _plant(1)[0]
    lon, lat = point_in(commune_named("Gia Sàng"))
    features = get_tile(client, viewer, "trees", *tile_of(lon, lat, 18))["trees"]["features"]
    assert [f["properties"]["code"] for f in features] == [tree.code]
    assert features[0]["properties"]["species"] == "Bằng lăng nước"
    assert features[0]["geometry"]["type"] == "Point"


def test_filters_change_the_contents(client, viewer):
    _plant(2, condition="poor")
    _plant(3, condition="good")
    _plant(1, species_id=species_named("Hopea odorata").id)
    lon, lat = point_in(commune_named("Gia Sàng"))
    where = tile_of(lon, lat, 9)
    assert cluster_total(get_tile(client, viewer, "trees", *where, "?condition=poor")) == 2
    hopea = species_named("Hopea odorata").id
    assert cluster_total(get_tile(client, viewer, "trees", *where, f"?species={hopea}")) == 1
    assert cluster_total(get_tile(client, viewer, "trees", *where, "?category=plantation")) == 0


def test_filters_the_tallies_do_not_carry_are_computed_live(client, viewer):
    _plant(2, planted_on="01/06/2015")
    _plant(1, planted_on="01/06/2016")
    commune = commune_named("Gia Sàng")
    lon, lat = point_in(commune)
    where = tile_of(lon, lat, 9)
    assert cluster_total(get_tile(client, viewer, "trees", *where, "?year=2015")) == 2
    other = commune_named("Quan Triều").id
    assert cluster_total(get_tile(client, viewer, "trees", *where, f"?commune={other}")) == 0
    both = f"?commune={commune.id}&year=2016"
    assert cluster_total(get_tile(client, viewer, "trees", *where, both)) == 1


def test_the_trees_of_one_import_can_be_picked_out(client, viewer):
    _plant(3)
    imported = _plant(2)
    done = ImportBatch(filename="survey.csv", source="survey", status=ImportStatus.DONE)
    db.session.add(done)
    db.session.flush()
    batch = done.id
    db.session.execute(
        text("UPDATE trees SET import_batch_id = :b WHERE id = ANY(:ids)"),
        {"b": batch, "ids": [t.id for t in imported]},
    )
    db.session.commit()
    where = tile_of(*point_in(commune_named("Gia Sàng")), 9)
    assert cluster_total(get_tile(client, viewer, "trees", *where)) == 5
    assert cluster_total(get_tile(client, viewer, "trees", *where, f"?batch={batch}")) == 2
    assert cluster_total(get_tile(client, viewer, "trees", *where, f"?batch={batch + 1}")) == 0


def test_tallies_follow_moves_and_deletes(client, viewer):
    moved, removed = _plant(2)
    lon, lat = point_in(commune_named("Bắc Kạn"))
    where = tile_of(lon, lat, 10)
    assert cluster_total(get_tile(client, viewer, "trees", *where)) == 0
    inventory.record_inspection(moved.code, {"moved": "1", "lon": lon, "lat": lat}, actor=None)
    assert cluster_total(get_tile(client, viewer, "trees", *where)) == 1
    db.session.execute(text("DELETE FROM trees WHERE id = :id"), {"id": removed.id})
    db.session.commit()
    for zoom in (6, 12, MAX_ZOOM):
        total = db.session.scalar(
            text("SELECT sum(trees) FROM tree_cells WHERE zoom = :z"), {"z": zoom}
        )
        assert total == 1
    # The cells the move and the delete emptied are gone, not kept at zero.
    assert db.session.scalar(text("SELECT count(*) FROM tree_cells WHERE trees = 0")) == 0
    assert db.session.scalar(text("SELECT count(*) FROM tree_cells")) == MAX_ZOOM - 6 + 1


@pytest.mark.parametrize(
    ("path", "part"),
    [("23/0/0", "z"), ("3/8/0", "x"), ("3/0/8", "y"), ("abc/0/0", "z"), ("5/-1/0", "x")],
)
def test_bad_tile_coordinates_get_400_in_the_error_shape(client, viewer, path, part):
    response = client.get(f"/tiles/trees/{path}.pbf", headers=viewer)
    assert response.status_code == 400 and response.is_json
    error = response.get_json()["error"]
    assert error["code"] == "bad_tile" and part in error["details"]


def test_a_bad_filter_is_named(client, viewer):
    response = client.get("/tiles/trees/8/204/113.pbf?category=forest", headers=viewer)
    assert response.status_code == 422
    assert "category" in response.get_json()["error"]["details"]


def test_tiles_answer_304_until_the_trees_there_change(client, viewer):
    tree = _plant(1)[0]
    lon, lat = point_in(commune_named("Gia Sàng"))
    url = "/tiles/trees/{}/{}/{}.pbf".format(*tile_of(lon, lat, 12))
    first = client.get(url, headers=viewer)
    etag = first.headers["ETag"]
    again = client.get(url, headers={**viewer, "If-None-Match": etag})
    assert again.status_code == 304
    inventory.record_inspection(tree.code, {"condition": "dead"}, actor=None)
    changed = client.get(url, headers={**viewer, "If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_tiles_are_gzipped_for_clients_that_accept_it(client, viewer):
    _plant(3)
    lon, lat = point_in(commune_named("Gia Sàng"))
    url = "/tiles/trees/{}/{}/{}.pbf".format(*tile_of(lon, lat, 8))
    response = client.get(url, headers={**viewer, "Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert cluster_total(mapbox_vector_tile.decode(gzip.decompress(response.data))) == 3


def test_tiles_need_a_login_unless_the_map_is_public(app, client):
    response = client.get("/tiles/communes/8/204/113.pbf")
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthorized"
    app.config["PUBLIC_MAP"] = True
    try:
        assert client.get("/tiles/communes/8/204/113.pbf").status_code == 200
    finally:
        app.config["PUBLIC_MAP"] = False


def test_commune_and_stand_tiles(client, viewer):
    _plant(2, "Gia Sàng")
    lon, lat = point_in(commune_named("Gia Sàng"))
    communes = get_tile(client, viewer, "communes", *tile_of(lon, lat, 12))["communes"]["features"]
    gia_sang = next(f for f in communes if f["properties"]["name"] == "Gia Sàng")
    assert gia_sang["properties"]["trees"] == 2 and gia_sang["properties"]["trees_per_ha"] > 0
    db.session.execute(
        text(
            "INSERT INTO stands (name, geom) VALUES ('Lô thử', ST_Multi(ST_Buffer("
            "ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), 0.001)))"
        ),
        {"lon": lon, "lat": lat},
    )
    db.session.commit()
    stands = get_tile(client, viewer, "stands", *tile_of(lon, lat, 14))["stands"]["features"]
    assert [f["properties"]["name"] for f in stands] == ["Lô thử"]
