"""The basemap: `flask basemap build` cuts the communes (and the province's layers) into a
PMTiles file; the app serves its tiles itself, and GDAL reads them as Mapbox vector tiles."""

import gzip
import json
import math
import sqlite3
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image

from smarttrees.maps.basemap_files import open_basemap
from tests.helpers.factories import commune_named, point_in
from tests.helpers.web import sign_in


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 1 << z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def build(runner, out: Path, *layers: str, max_zoom: int = 12) -> dict:
    result = runner.invoke(
        args=["basemap", "build", *layers, "-o", str(out), "--max-zoom", str(max_zoom)]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.output.splitlines()[-1])


def gdal_layers(mvt: bytes, folder: Path, z: int, x: int, y: int) -> dict[str, list[str]]:
    """The layers of a vector tile and their features' names, as GDAL's MVT driver reads them."""
    path = folder / f"{z}-{x}-{y}.mvt"
    path.write_bytes(mvt)
    out = subprocess.run(
        ["ogrinfo", "-ro", "-al", "-oo", f"Z={z}", "-oo", f"X={x}", "-oo", f"Y={y}", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    layers: dict[str, list[str]] = {}
    for line in out.splitlines():
        if line.startswith("Layer name: "):
            names = layers.setdefault(line.removeprefix("Layer name: "), [])
        elif line.strip().startswith("name (String) = "):
            names.append(line.strip().removeprefix("name (String) = "))
    return layers


@pytest.fixture
def basemap(app, runner, tmp_path, monkeypatch):
    out = tmp_path / "basemap.pmtiles"
    summary = build(runner, out)
    monkeypatch.setitem(app.config, "BASEMAP_FILE", str(out))
    return out, summary


def gia_sang() -> tuple[float, float]:
    """A point of Gia Sàng, a ward of Thái Nguyên city."""
    return point_in(commune_named("Gia Sàng"))


def test_the_communes_of_the_reference_data_become_a_basemap(basemap, tmp_path):
    out, summary = basemap
    lon, lat = gia_sang()
    assert summary["features"] == {"communes": 92, "places": 92, "boundaries": 1}
    assert summary["zooms"] == [6, 12] and summary["tiles"] > 100
    info = open_basemap(out).info()
    assert info.kind == "vector" and (info.min_zoom, info.max_zoom) == (6, 12)
    assert set(info.layers) == {"communes", "places", "boundaries"}
    west, south, east, north = info.bounds
    assert west < lon < east and south < lat < north
    x, y = tile_of(lon, lat, 12)
    tile = open_basemap(out).tile(12, x, y)
    assert tile.gzipped and tile.media_type == "application/vnd.mapbox-vector-tile"
    names = gdal_layers(gzip.decompress(tile.data), tmp_path, 12, x, y)
    assert "Gia Sàng" in names["places"]
    assert "Gia Sàng" in names["communes"]


def test_the_app_serves_the_tiles_and_what_the_map_needs(basemap, client):
    sign_in(client, "viewer")
    info = client.get("/tiles/basemap/info.json").get_json()
    assert info["kind"] == "vector" and info["maxzoom"] == 12
    assert info["url"] == "/tiles/basemap/{z}/{x}/{y}"
    x, y = tile_of(*gia_sang(), 12)
    answer = client.get(f"/tiles/basemap/12/{x}/{y}", headers={"Accept-Encoding": "gzip"})
    assert answer.status_code == 200
    assert answer.headers["Content-Encoding"] == "gzip"
    assert answer.mimetype == "application/vnd.mapbox-vector-tile"
    plain = client.get(f"/tiles/basemap/12/{x}/{y}", headers={"Accept-Encoding": "identity"})
    assert plain.data == gzip.decompress(answer.data) and "Content-Encoding" not in plain.headers
    again = client.get(
        f"/tiles/basemap/12/{x}/{y}", headers={"If-None-Match": answer.headers["ETag"]}
    )
    assert again.status_code == 304
    # A tile of the sea is empty, not an error; a tile that is not one is a 400.
    empty = client.get("/tiles/basemap/12/0/0")
    assert empty.status_code == 200 and empty.data == b""
    wrong = client.get("/tiles/basemap/12/5000/-1")
    assert wrong.status_code == 400 and "y" in wrong.get_json()["error"]["details"]


def test_the_basemap_is_behind_the_same_door_as_the_map(basemap, client):
    assert client.get("/tiles/basemap/info.json").status_code == 401


def test_without_a_basemap_the_map_is_told_so(client):
    sign_in(client, "viewer")
    answer = client.get("/tiles/basemap/info.json")
    assert answer.status_code == 404
    assert client.get("/tiles/basemap/6/50/28").status_code == 404


def test_a_province_orthophoto_as_mbtiles_is_served_as_images(app, client, tmp_path, monkeypatch):
    """An MBTiles of raster tiles (rows counted from the south) as GIS tools write it."""
    path = tmp_path / "ortho.mbtiles"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE metadata (name text, value text)")
        db.execute(
            "CREATE TABLE tiles (zoom_level integer, tile_column integer, tile_row integer, "
            "tile_data blob)"
        )
        db.executemany(
            "INSERT INTO metadata VALUES (?, ?)",
            [
                ("format", "png"),
                ("minzoom", "12"),
                ("maxzoom", "12"),
                ("bounds", "105.7,21.5,105.9,21.7"),
                ("attribution", "Ảnh trực giao 2024"),
            ],
        )
        x, y = tile_of(*gia_sang(), 12)
        image = BytesIO()
        Image.new("RGB", (256, 256), (30, 120, 60)).save(image, "PNG")
        db.execute(
            "INSERT INTO tiles VALUES (12, ?, ?, ?)", (x, (1 << 12) - 1 - y, image.getvalue())
        )
    monkeypatch.setitem(app.config, "BASEMAP_FILE", str(path))
    sign_in(client, "viewer")
    info = client.get("/tiles/basemap/info.json").get_json()
    assert info["kind"] == "raster" and info["attribution"] == "Ảnh trực giao 2024"
    answer = client.get(f"/tiles/basemap/12/{x}/{y}")
    assert answer.status_code == 200 and answer.mimetype == "image/png"
    assert Image.open(BytesIO(answer.data)).getpixel((5, 5)) == (30, 120, 60)
    assert client.get(f"/tiles/basemap/12/{x}/{y + 1}").status_code == 404


def test_a_layer_of_unknown_kind_is_refused_with_the_kinds_named(runner, tmp_path):
    layer = tmp_path / "lop_1.geojson"
    layer.write_text('{"type": "FeatureCollection", "features": []}')
    result = runner.invoke(args=["basemap", "build", str(layer), "-o", str(tmp_path / "b.pmtiles")])
    assert result.exit_code != 0
    assert "roads=lop_1.geojson" in result.output and "Traceback" not in result.output


LAYERS = Path(__file__).resolve().parents[2] / "data" / "basemap"  # also the demo's basemap
ROADS = LAYERS / "legocity_vietnam_roads" / "giaothong.geojson"
NATURAL_EARTH = LAYERS / "natural_earth_northern_vietnam"


def test_real_roads_rivers_and_places_are_cut_to_the_province(runner, tmp_path):
    """Vietnam's national roads (a file named by its Vietnamese word, "giao thông"), Natural
    Earth's rivers and towns: each kind read from the file's name, names kept."""
    out = tmp_path / "province.pmtiles"
    summary = build(
        runner,
        out,
        str(ROADS),
        str(NATURAL_EARTH / "ne_10m_rivers_lake_centerlines_northern_vietnam.geojson"),
        str(NATURAL_EARTH / "ne_10m_populated_places_northern_vietnam.geojson"),
        max_zoom=13,
    )
    assert summary["features"] == {
        "roads": 458,
        "water": 3,
        "places": 92 + 17 - 1,  # ward Bắc Kạn is named once, by the town of Bắc Kạn
        "communes": 92,
        "boundaries": 1,
    }
    west, south, east, north = summary["bounds"]
    assert (west, east) == pytest.approx((105.2308, 106.44719), abs=1e-4)  # the province
    assert (south, north) == pytest.approx((21.12577, 22.9413), abs=1e-4)  # and 0.2° around
    x, y = tile_of(105.83002, 21.59996, 13)  # Thái Nguyên city, as Natural Earth places it
    tile = open_basemap(out).tile(13, x, y)
    names = gdal_layers(gzip.decompress(tile.data), tmp_path, 13, x, y)
    assert "Thái Nguyên" in names["places"]
    assert {"Quốc lộ 3", "Hà Nội - Thái Nguyên"} <= set(names["roads"])
    assert open_basemap(out).tile(13, *tile_of(105.85, 21.03, 13)) is None  # Hà Nội: cut off
