"""Which kind of basemap layer a file is, from what the user says or from its name."""

from pathlib import Path

import pytest

from smarttrees.importers.csvfile import NotATable
from smarttrees.maps.basemap_layers import guess_kind, layer_file


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("giaothong.geojson", "roads"),
        ("Duong_giao_thong_2024.shp", "roads"),
        ("ne_10m_rivers_lake_centerlines.geojson", "water"),
        ("song_suoi.gpkg", "water"),
        ("Hồ chứa.shp", "water"),
        ("thon_xom.shp", "places"),
        ("ranh_gioi_xa.zip", "boundaries"),
        ("hien_trang_rung_2023.gpkg", "landuse"),
        ("lop_1.geojson", None),
        ("bao_cao.gpkg", None),  # "bao" is no word of any kind
    ],
)
def test_a_layer_file_says_its_kind_by_its_name(name, kind):
    assert guess_kind(Path(name)) == kind


def test_the_user_says_the_kind_and_the_layer_of_a_geopackage():
    assert layer_file("roads=ban_do.gpkg:duong_tinh") == layer_file("roads=ban_do.gpkg:duong_tinh")
    chosen = layer_file("roads=ban_do.gpkg:duong_tinh")
    assert (chosen.kind, chosen.path, chosen.layer) == ("roads", Path("ban_do.gpkg"), "duong_tinh")
    assert layer_file("ban_do.gpkg:song_ngoi").kind == "water"  # the layer's name says it


def test_a_file_of_no_known_kind_is_refused_with_the_way_to_say_it():
    with pytest.raises(NotATable, match=r"roads=lop_1.geojson"):
        layer_file("lop_1.geojson")
    with pytest.raises(NotATable):
        layer_file("rivers=song.shp")  # not a kind: water is
