"""The EUDR geolocation file: what the EU Information System refuses is refused here first,
what can be repaired is repaired and reported, and what is written follows the GeoJSON rules
(6 decimals, counter-clockwise rings, three properties, one collection per producer)."""

import json
import math
import re
import unicodedata

import pytest
import shapely
from pyproj import Geod
from shapely.geometry import LinearRing, LineString, MultiPolygon, Point, Polygon, shape

from smarttrees.geo import eudr
from smarttrees.geo.eudr import CATALOGUE, Plot, build, check_plot, repair_plot, to_text

GEOD = Geod(ellps="WGS84")
# Thái Nguyên, near the provincial capital.
LON, LAT = 105.8, 21.6
OWNER = "Nguyễn Văn An"
SIX_DECIMALS = re.compile(r"^-?\d+\.\d{6}$")


def _area_ha(geometry) -> float:
    area, _ = GEOD.geometry_area_perimeter(shapely.orient_polygons(geometry))
    return abs(area) / 10_000


def _box(lon: float, lat: float, *, east_m: float, north_m: float) -> list[tuple[float, float]]:
    """The corners, counter-clockwise, of a box with its south-west corner at lon, lat."""
    dlon = east_m / (111_320 * math.cos(math.radians(lat)))
    dlat = north_m / 110_574
    return [(lon, lat), (lon + dlon, lat), (lon + dlon, lat + dlat), (lon, lat + dlat)]


def _square(ha: float, lon: float = LON, lat: float = LAT) -> Polygon:
    side = 100 * math.sqrt(ha)
    return Polygon(_box(lon, lat, east_m=side, north_m=side))


def _plot(geometry, *, stand_id: int = 1, producer: str | None = OWNER, area_ha=None) -> Plot:
    return Plot(
        stand_id=stand_id,
        label=f"Tiểu khu 123, khoảnh 4, lô {stand_id} (Xã Phú Lương)",
        producer=producer,
        production_place=f"Xã Phú Lương, tiểu khu 123, khoảnh 4, lô {stand_id}",
        geometry=geometry,
        area_ha=_area_ha(geometry) if area_ha is None else area_ha,
    )


def _codes(plot: Plot) -> list[str]:
    return [violation.code for violation in check_plot(plot)]


def _written(geolocation, producer: str = OWNER) -> list[dict]:
    return geolocation.collections[producer]["features"]


def test_a_valid_stand_round_trips_with_three_properties_and_6_decimals():
    geolocation = build([_plot(_square(2.0))])
    assert geolocation.ok and geolocation.violations == () and geolocation.repairs == ()
    text = to_text(geolocation.collections[OWNER])
    # Floats read back as their text, so the test sees the decimals actually written.
    collection = json.loads(text, parse_float=str)
    assert collection["type"] == "FeatureCollection"
    (feature,) = collection["features"]
    assert feature["properties"] == {
        "ProducerName": OWNER,
        "ProducerCountry": "VN",
        "ProductionPlace": "Xã Phú Lương, tiểu khu 123, khoảnh 4, lô 1",
    }
    assert feature["geometry"]["type"] == "Polygon"
    (ring,) = feature["geometry"]["coordinates"]
    assert len(ring) == 5 and ring[0] == ring[-1]
    assert all(SIX_DECIMALS.match(value) for position in ring for value in position)
    assert ring[0] == ["105.800000", "21.600000"]  # [longitude, latitude]
    assert geolocation.size_bytes == len(text.encode("utf-8"))


def test_the_exterior_ring_is_written_counter_clockwise():
    clockwise = Polygon(list(reversed(_box(LON, LAT, east_m=120, north_m=90))))
    assert not clockwise.exterior.is_ccw
    (feature,) = _written(build([_plot(clockwise)]))
    assert LinearRing(feature["geometry"]["coordinates"][0]).is_ccw


def test_a_bow_tie_is_refused_then_repaired_with_area_and_movement_reported():
    a, b, c, d = _box(LON, LAT, east_m=100, north_m=100)
    bow_tie = Polygon([a, c, b, d])  # the edges a-c and b-d cross in the middle
    plot = _plot(bow_tie, area_ha=0.5)
    (violation,) = check_plot(plot)
    assert (violation.code, violation.severity) == ("self_intersection", "error")
    assert violation.details["lon"] == pytest.approx((a[0] + b[0]) / 2, abs=1e-6)

    refused = build([plot])
    assert not refused.ok and len(_written(refused)) == 1  # written, but the export is refused

    repaired = build([plot], repair=True)
    assert repaired.ok and repaired.violations == ()
    (repair,) = repaired.repairs
    assert repair.code == "self_intersection" and repair.before == bow_tie
    assert repair.area_before_ha < 0.001  # the two halves of a bow-tie cancel out
    assert repair.area_after_ha == pytest.approx(_area_ha(Polygon([a, b, c, d])) / 2, rel=1e-3)
    assert repair.moved_m < 0.2  # split at the crossing, otherwise on the 6-decimal grid
    written = shape(_written(repaired)[0]["geometry"])
    assert written.geom_type == "MultiPolygon" and written.is_valid


def test_two_vertices_3e_7_degrees_apart_are_flagged_as_collapsing():
    a, b, c, d = _box(LON, LAT, east_m=100, north_m=100)
    near_a = (LON + 3e-7, LAT + 3e-7)
    plot = _plot(Polygon([a, near_a, b, c, d]))
    assert _codes(plot) == ["vertices_collapse"]
    assert check_plot(plot)[0].details["count"] == 1

    repaired, (repair,) = repair_plot(plot)
    assert repair.code == "vertices_collapse" and repair.moved_m < 0.1
    assert len(repaired.geometry.exterior.coords) == 5 and check_plot(repaired) == []


def test_vertices_that_rounding_keeps_apart_but_truncation_joins_are_flagged():
    # Rounded: 105.800000 and 105.800001; cut as the EU system cuts: both 105.800000.
    _, b, c, d = _box(LON, LAT, east_m=100, north_m=100)
    first, second = (LON + 4e-7, LAT + 4e-7), (LON + 7e-7, LAT + 4e-7)
    assert f"{first[0]:.6f}" != f"{second[0]:.6f}"
    assert _codes(_plot(Polygon([first, second, b, c, d]))) == ["vertices_collapse"]


def test_a_vertex_that_lands_on_an_edge_at_6_decimals_is_a_self_intersection():
    a, b, c, d = _box(LON, LAT, east_m=100, north_m=100)
    middle_of_ab = ((a[0] + b[0]) / 2, LAT + 3e-7)  # 3 cm above the edge a-b, on it once rounded
    plot = _plot(Polygon([a, b, c, middle_of_ab, d]))
    assert plot.geometry.is_valid
    (violation,) = check_plot(plot)
    assert violation.code == "self_intersection" and violation.details["after_rounding"]
    repaired, (repair,) = repair_plot(plot)
    assert repair.code == "self_intersection" and check_plot(repaired) == []


def test_a_stand_with_a_hole_is_refused_and_the_repair_reports_the_added_area():
    outline = _box(LON, LAT, east_m=200, north_m=200)
    hole = _box(LON + 75 / 103_500, LAT + 75 / 110_574, east_m=50, north_m=50)
    stand = Polygon(outline, [list(reversed(hole))])
    hole_ha = _area_ha(Polygon(hole))
    (violation,) = check_plot(_plot(stand))
    assert violation.code == "polygon_has_hole" and violation.details["holes"] == 1
    assert violation.details["area_ha"] == pytest.approx(hole_ha, abs=1e-4)
    assert "refuses holes" in violation.fix

    geolocation = build([_plot(stand)], repair=True)
    assert geolocation.ok
    (repair,) = geolocation.repairs
    assert repair.code == "polygon_has_hole"
    assert repair.area_after_ha - repair.area_before_ha == pytest.approx(hole_ha, rel=1e-3)
    assert repair.moved_m == pytest.approx(75, abs=2)  # the hole's edge to the outline
    assert len(_written(geolocation)[0]["geometry"]["coordinates"]) == 1  # no inner ring


def test_a_repair_that_cannot_work_leaves_its_violation():
    # A triangle a few millimetres wide: nothing is left of it at 6 decimals.
    speck = Polygon([(LON, LAT), (LON + 2e-8, LAT), (LON, LAT + 2e-8)])
    geolocation = build([_plot(speck)], repair=True)
    assert geolocation.repairs == () and not geolocation.ok
    assert [v.code for v in geolocation.violations] == ["vertices_collapse", "small_area"]


def test_a_repair_that_leaves_its_error_is_not_recorded(monkeypatch):
    outline = _box(LON, LAT, east_m=200, north_m=200)
    hole = _box(LON + 0.0005, LAT + 0.0005, east_m=50, north_m=50)
    plot = _plot(Polygon(outline, [hole]))
    monkeypatch.setitem(eudr._FIXES, "polygon_has_hole", lambda geometry: geometry)
    assert repair_plot(plot) == (plot, [])
    geolocation = build([plot], repair=True)
    assert [v.code for v in geolocation.violations] == ["polygon_has_hole"]


def test_a_stand_without_owner_is_refused_and_left_out_of_the_file():
    plots = [_plot(_square(1.0), producer=None), _plot(_square(1.0), stand_id=2, producer=" ")]
    geolocation = build(plots)
    assert [(v.code, v.stand_id) for v in geolocation.violations] == [
        ("plot_without_owner", 1),
        ("plot_without_owner", 2),
    ]
    assert geolocation.violations[0].fix == "Record the stand's owner."
    assert geolocation.collections == {} and not geolocation.ok


def test_a_line_or_an_empty_shape_is_not_an_area():
    line = LineString(_box(LON, LAT, east_m=100, north_m=100))
    geolocation = build([_plot(line, area_ha=0.5), _plot(Polygon(), stand_id=2, area_ha=0.5)])
    assert [v.code for v in geolocation.violations] == ["geometry_not_area"] * 2
    assert geolocation.violations[0].details == {"type": "LineString"}
    assert geolocation.collections == {}


def test_projected_coordinates_are_not_longitude_and_latitude():
    vn2000 = Polygon([(430000, 2390000), (430100, 2390000), (430100, 2390100), (430000, 2390100)])
    (violation,) = check_plot(_plot(vn2000, area_ha=1.0))
    assert violation.code == "outside_lon_lat"
    assert violation.details == {"x": 430000.0, "y": 2390000.0}


def test_a_point_plot_over_4_ha_is_refused_and_one_of_3_ha_is_written_with_its_area():
    assert _codes(_plot(Point(LON, LAT), area_ha=5.0)) == ["point_area_too_large"]
    (feature,) = _written(build([_plot(Point(LON, LAT), area_ha=3.0)]))
    assert feature["geometry"] == {"type": "Point", "coordinates": [105.8, 21.6]}
    assert feature["properties"]["Area"] == 3.0


def test_points_up_to_4_ha_write_3_ha_as_a_point_and_5_ha_as_a_polygon():
    three, five = _square(3.0), _square(5.0, lon=LON + 0.01)
    geolocation = build([_plot(three), _plot(five, stand_id=2)], points_up_to_ha=4)
    point, polygon = _written(geolocation)
    assert point["geometry"]["type"] == "Point" and polygon["geometry"]["type"] == "Polygon"
    assert point["properties"]["Area"] == pytest.approx(3.0, abs=0.01)
    assert point["properties"]["Area"] == round(_area_ha(three), 4)
    assert three.contains(Point(point["geometry"]["coordinates"]))
    assert "Area" not in polygon["properties"]
    with pytest.raises(ValueError, match="4 ha or less"):
        build([], points_up_to_ha=5)


def test_a_tiny_stand_is_a_warning_and_its_point_area_is_the_eu_minimum():
    tiny = Polygon(_box(LON, LAT, east_m=0.5, north_m=0.5))
    geolocation = build([_plot(tiny)], points_up_to_ha=4)
    (violation,) = geolocation.violations
    assert (violation.code, violation.severity) == ("small_area", "warning")
    assert geolocation.ok
    assert _written(geolocation)[0]["properties"]["Area"] == 0.0001


def test_a_ring_with_fewer_than_three_distinct_corners_has_too_few_positions():
    a, b = (LON, LAT), (LON + 0.001, LAT + 0.001)
    assert "too_few_positions" in _codes(_plot(Polygon([a, b, b, a]), area_ha=0.0))


def test_a_multi_part_stand_is_a_multipolygon_and_a_one_part_one_a_polygon():
    two = MultiPolygon([_square(1.0), _square(1.0, lon=LON + 0.01)])
    one = MultiPolygon([_square(1.0, lat=LAT + 0.01)])
    multi, single = _written(build([_plot(two), _plot(one, stand_id=2)]))
    assert multi["geometry"]["type"] == "MultiPolygon"
    assert len(multi["geometry"]["coordinates"]) == 2
    assert single["geometry"]["type"] == "Polygon"


def test_producers_spelt_with_other_spacing_or_unicode_forms_are_one_producer():
    names = ["Nguyễn  Văn An", " Nguyễn Văn An\t", unicodedata.normalize("NFD", OWNER)]
    assert len(set(names)) == 3
    plots = [
        _plot(_square(1.0, lon=LON + n / 100), stand_id=n, producer=p) for n, p in enumerate(names)
    ]
    geolocation = build(plots)
    assert list(geolocation.collections) == [OWNER]
    assert {f["properties"]["ProducerName"] for f in _written(geolocation)} == {OWNER}
    assert len(_written(geolocation)) == 3


def test_1001_producers_are_too_many_for_one_statement():
    plots = [
        _plot(
            _square(0.5, lon=LON + n % 40 * 0.002, lat=LAT + n // 40 * 0.002),
            stand_id=n,
            producer=f"Chủ rừng {n}",
        )
        for n in range(1001)
    ]
    assert all(v.code != "too_many_producers" for v in build(plots[:1000]).violations)
    geolocation = build(plots)
    (violation,) = geolocation.violations
    assert violation.code == "too_many_producers" and violation.stand_id is None
    assert violation.details == {"producers": 1001, "limit": 1000}


def test_a_geolocation_over_the_byte_limit_is_too_large():
    plots = [_plot(_square(1.0, lon=LON + n / 100), stand_id=n) for n in range(3)]
    size = build(plots).size_bytes
    assert size == len(to_text(build(plots).collections[OWNER]).encode())
    assert build(plots, max_bytes=size).ok
    geolocation = build(plots, max_bytes=size - 1)
    (violation,) = geolocation.violations
    assert violation.code == "file_too_large" and violation.details["bytes"] == size
    assert not geolocation.ok


def test_every_catalogue_text_is_a_plain_sentence_ready_for_translation():
    for code, kind in CATALOGUE.items():
        assert kind.code == code and kind.severity in {"error", "warning"}
        for text in (kind.message, kind.fix):
            assert text.endswith(".") and not re.search(r"[{}%]", text), (code, text)
