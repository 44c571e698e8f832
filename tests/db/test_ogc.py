"""OGC API – Features at /ogcapi, read as QGIS and GDAL read it: collections, pages that follow
their next links, filters, coordinate systems, refusals that name the parameter, and GDAL's
own OAPIF driver listing the collections and copying a filtered one to a GeoPackage."""

import json
import subprocess

import pytest
from pyproj import Transformer

from smarttrees.models import Role
from tests.helpers.factories import make_stand, make_tree, species_named
from tests.helpers.web import sign_in

pytestmark = pytest.mark.external
GEOJSON = {"Accept": "application/geo+json"}


def _trees(count=5, **overrides):
    return [make_tree(lon=105.84 + i * 0.001, lat=21.593, **overrides) for i in range(count)]


def test_the_landing_page_conformance_and_collections_say_what_a_client_needs(client, public_map):
    landing = client.get("/ogcapi/").get_json()
    assert {"conformance", "data"} <= {link["rel"] for link in landing["links"]}
    conformance = client.get("/ogcapi/conformance").get_json()["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in conformance
    listed = client.get("/ogcapi/collections").get_json()["collections"]
    assert [c["id"] for c in listed] == ["trees", "stands", "communes", "lots", "batches"]
    trees = listed[0]
    assert "http://www.opengis.net/def/crs/EPSG/0/9213" in trees["crs"]
    assert any(link["rel"] == "items" for link in trees["links"])
    html = client.get("/ogcapi/collections?f=html").get_data(as_text=True)
    assert "Tập dữ liệu" in html


def test_pages_follow_their_next_links_through_every_tree(client, public_map):
    made = {tree.code for tree in _trees(5)}
    seen, url = [], "/ogcapi/collections/trees/items?limit=2"
    while url:
        page = client.get(url, headers=GEOJSON)
        assert page.mimetype == "application/geo+json"
        body = page.get_json()
        seen += [feature["id"] for feature in body["features"]]
        assert body["numberReturned"] == len(body["features"]) <= 2
        url = next((link["href"] for link in body["links"] if link["rel"] == "next"), None)
    assert set(seen) == made and len(seen) == 5


def test_filters_by_bbox_date_and_property(client, public_map):
    trees = _trees(3)
    other = make_tree(
        lon=105.8405,
        lat=21.5931,
        planted_on="01/06/2021",
        species_id=species_named("Acacia mangium").id,
    )
    base = "/ogcapi/collections/trees/items"

    def ids(query):
        return {f["id"] for f in client.get(f"{base}?{query}").get_json()["features"]}

    assert ids("bbox=105.8395,21.592,105.8415,21.594") == {trees[0].code, trees[1].code, other.code}
    assert ids("datetime=2021-01-01/..") == {other.code}
    assert ids("datetime=../2012-03-15") == {t.code for t in trees}
    assert ids(f"species_id={other.species_id}") == {other.code}
    assert ids(f"code={trees[2].code.lower()}") == {trees[2].code}


def test_coordinates_come_in_the_system_asked_for(client, public_map):
    tree = make_tree(lon=105.84, lat=21.593)
    url = f"/ogcapi/collections/trees/items/{tree.code}"
    vn2000 = client.get(f"{url}?crs=http://www.opengis.net/def/crs/EPSG/0/9213")
    assert vn2000.headers["Content-Crs"] == "<http://www.opengis.net/def/crs/EPSG/0/9213>"
    x, y = vn2000.get_json()["geometry"]["coordinates"]
    expected = Transformer.from_crs(4326, 9213, always_xy=True).transform(105.84, 21.593)
    assert abs(x - expected[0]) < 0.01 and abs(y - expected[1]) < 0.01
    lat_first = client.get(f"{url}?crs=http://www.opengis.net/def/crs/EPSG/0/4326").get_json()
    assert lat_first["geometry"]["coordinates"] == [21.593, 105.84]
    box = f"{expected[0] - 5},{expected[1] - 5},{expected[0] + 5},{expected[1] + 5}"
    found = client.get(
        "/ogcapi/collections/trees/items?bbox-crs="
        f"http://www.opengis.net/def/crs/EPSG/0/9213&bbox={box}"
    ).get_json()
    assert [f["id"] for f in found["features"]] == [tree.code]


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("limit=0", "limit"),
        ("limit=²", "limit"),
        ("bbox=1,2,3", "bbox"),
        ("bbox=nan,1,2,3", "bbox"),
        ("datetime=2021-13-01", "datetime"),
        ("crs=EPSG:9999", "crs"),
        ("species_id=abc", "species_id"),
        ("title=x", "title"),
        ("_external=0", "_external"),
        ("bbox-crs=http://www.opengis.net/def/crs/EPSG/0/9213&bbox=-9e7,0,-8e7,1", "bbox"),
    ],
)
def test_a_bad_parameter_is_a_400_answer_naming_it(client, public_map, query, name):
    answer = client.get(f"/ogcapi/collections/trees/items?{query}")
    assert answer.status_code == 400 and name in answer.get_json()["error"]["details"]


def test_owners_are_for_staff_and_a_closed_service_asks_who_is_asking(client, app):
    make_stand(owner="Hộ ông Nguyễn Văn Đức")
    assert client.get("/ogcapi/collections/stands/items").status_code == 401
    app.config["PUBLIC_MAP"] = True
    try:
        public = client.get("/ogcapi/collections/stands/items").get_json()["features"][0]
        assert "owner" not in public["properties"] and public["properties"]["tieu_khu"] == "123"
        sign_in(client, Role.VIEWER)
        staff = client.get("/ogcapi/collections/stands/items").get_json()["features"][0]
        assert staff["properties"]["owner"] == "Hộ ông Nguyễn Văn Đức"
    finally:
        app.config["PUBLIC_MAP"] = False


def test_gdal_lists_the_collections_and_copies_a_filtered_one_to_a_geopackage(
    live_server, public_map, tmp_path
):
    trees = _trees(4)
    make_tree(lon=105.84, lat=21.60, category="scattered")
    listing = subprocess.run(
        ["ogrinfo", "-ro", "-q", f"OAPIF:{live_server.url}/ogcapi"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert listing.returncode == 0, listing.stderr
    assert all(
        name in listing.stdout for name in ("trees", "stands", "communes", "lots", "batches")
    )
    out = tmp_path / "urban.gpkg"
    source = f"OAPIF:{live_server.url}/ogcapi/collections/trees"
    copied = subprocess.run(
        ["ogr2ogr", "-f", "GPKG", str(out), source, "-oo", "PAGE_SIZE=1000",
         "-where", "category = 'urban'", "-nln", "urban"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert copied.returncode == 0, copied.stderr
    as_json = subprocess.run(
        ["ogr2ogr", "-f", "GeoJSON", "/vsistdout/", str(out), "urban"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    features = json.loads(as_json.stdout)["features"]
    assert sorted(f["properties"]["code"] for f in features) == sorted(t.code for t in trees)
    first = next(f for f in features if f["properties"]["code"] == trees[0].code)
    assert first["geometry"]["coordinates"] == pytest.approx([105.84, 21.593], abs=1e-6)


def test_seedling_lots_and_product_batches_are_collections_too(client, public_map):
    """A lot sits at its nursery's commune; a batch is drawn as the stand it was cut from; the
    seed source and a batch's notes are for staff."""
    from sqlalchemy import text

    from smarttrees.extensions import db
    from smarttrees.models import LotEventKind
    from smarttrees.services import custody
    from smarttrees.services.custody import harvests
    from tests.helpers.factories import commune_named, make_user, species_named

    gia_sang = commune_named("Gia Sàng")
    nursery = custody.create_nursery(name="Vườn ươm Gia Sàng", commune_id=gia_sang.id)
    lot = custody.create_lot(
        species_id=species_named("Acacia mangium").id, nursery_id=nursery.id,
        seed_source="Rừng giống Ba Vì",
    )  # fmt: skip
    custody.record_event(lot, LotEventKind.SOWN, 4000)
    stand = make_stand()
    manager = make_user(Role.MANAGER)
    harvest = harvests.create_harvest(
        {"stand_id": stand.id, "harvested_on": "15/10/2026", "area_ha": "4,0"}, actor=manager
    )
    batch = harvests.add_batch(
        harvest, {"kind": "log", "volume_m3": "20", "notes": "xe 20C-123"}, actor=manager
    )
    lots = client.get("/ogcapi/collections/lots/items").get_json()["features"]
    [found] = [f for f in lots if f["id"] == lot.code]
    assert found["properties"]["seedlings"] == 4000 and found["geometry"]["type"] == "Point"
    assert "seed_source" not in found["properties"]
    inside = db.session.scalar(
        text("SELECT ST_Contains(geom, ST_GeomFromGeoJSON(:g)) FROM admin_units WHERE id = :c"),
        {"g": json.dumps(found["geometry"]), "c": gia_sang.id},
    )
    assert inside  # at the nursery's commune
    one = client.get(f"/ogcapi/collections/batches/items/{batch.code}").get_json()
    assert one["properties"]["volume_m3"] == 20 and one["geometry"]["type"] == "MultiPolygon"
    assert "notes" not in one["properties"] and one["properties"]["tieu_khu"] == "123"
    sign_in(client, Role.VIEWER)
    staff = client.get(f"/ogcapi/collections/batches/items/{batch.code}").get_json()
    assert staff["properties"]["notes"] == "xe 20C-123"
    dated = client.get("/ogcapi/collections/batches/items?datetime=2026-10-01/2026-10-31")
    assert [f["id"] for f in dated.get_json()["features"]] == [batch.code]


def test_the_landing_page_links_its_api_definition_and_a_large_limit_is_the_maximum(
    client, public_map
):
    """GDAL and QGIS read the definition the landing page links (rel service-desc) for the
    page size; without it GDAL probed /ogcapi/api, met a 404 and read 10 features a page. A
    limit over the maximum is no error (OGC API – Features, Part 1): the maximum is used."""
    from openapi_spec_validator import validate

    _trees(3)
    landing = client.get("/ogcapi/?f=json").get_json()
    link = next(link for link in landing["links"] if link["rel"] == "service-desc")
    definition = client.get(link["href"].replace("http://localhost", ""))
    assert definition.status_code == 200
    document = definition.get_json()
    validate(document)
    items = document["paths"]["/collections/{collectionId}/items"]["get"]["parameters"]
    limit = next(p for p in items if p["name"] == "limit")["schema"]
    assert limit["maximum"] == 10_000
    answer = client.get("/ogcapi/collections/trees/items?limit=20000")
    assert answer.status_code == 200 and len(answer.get_json()["features"]) == 3
