"""Deforestation-free evidence by stand: a plantation established by 2020 is harvested in
rotation; one planted later must show it did not replace the natural forest of 2020, which a
loaded baseline layer decides."""

import json

import pytest
from geoalchemy2.shape import to_shape
from shapely.geometry import mapping

from smarttrees.services.custody import batches, deforestation, harvests
from tests.helpers.factories import make_stand

pytestmark = pytest.mark.external


def _shipped_batch(stand):
    harvest = harvests.create_harvest(
        {"stand_id": stand.id, "harvested_on": "15/10/2026", "area_ha": "4"}, actor=None
    )
    logs = harvests.add_batch(harvest, {"kind": "log", "volume_m3": "10"}, actor=None)
    return batches.split(logs, ["10"], actor=None)[0]


def _baseline(tmp_path, stand, forest_class: str):
    """A 2020 forest-status layer whose one polygon covers the stand, in VN-2000 TM-3 106°30′
    as provinces publish them."""
    import numpy as np
    import shapely
    from pyproj import Transformer

    to_vn2000 = Transformer.from_crs(4326, 9213, always_xy=True)
    cover = shapely.transform(
        to_shape(stand.geom).buffer(0.001),
        lambda xy: np.column_stack(to_vn2000.transform(xy[:, 0], xy[:, 1])),
    )
    feature = {"type": "Feature", "geometry": mapping(cover),
               "properties": {"LoaiRung": forest_class}}  # fmt: skip
    path = tmp_path / "hien_trang_rung_2020.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    return path


def test_a_plantation_of_2015_is_deforestation_free_without_a_baseline():
    stand = make_stand(planting_year=2015)
    found = deforestation.evidence_for([stand])[stand.id]
    assert (found.verdict, found.planted_before_cut_off, found.natural_forest_share) == (
        "deforestation_free",
        True,
        None,
    )


def test_a_stand_planted_in_2022_is_unknown_until_a_baseline_or_its_history_says():
    stand = make_stand(planting_year=2022)
    assert deforestation.evidence_for([stand])[stand.id].verdict == "unknown"
    stand.earlier_land_use = "Rừng tự nhiên nghèo"
    assert deforestation.evidence_for([stand])[stand.id].verdict == "flagged"


def test_a_baseline_of_natural_forest_flags_a_later_plantation_and_stops_the_eudr_file(
    runner, tmp_path
):
    late, early = make_stand(planting_year=2022), make_stand(planting_year=2016)
    layer = _baseline(tmp_path, late, "Rừng tự nhiên")
    loaded = runner.invoke(
        args=["custody", "baseline", str(layer), "--source", "Hiện trạng rừng 2020",
              "--class-column", "LoaiRung", "--crs", "9213"]
    )  # fmt: skip
    assert loaded.exit_code == 0, loaded.output
    found = deforestation.evidence_for([late, early])
    assert found[late.id].verdict == "flagged" and found[late.id].natural_forest_share > 0.99
    assert found[early.id].verdict == "deforestation_free"
    batch = _shipped_batch(late)
    out = tmp_path / "eudr.geojson"
    refused = runner.invoke(args=["custody", "eudr", "--batch", batch.code, "-o", str(out)])
    assert refused.exit_code == 1 and not out.exists()
    summary = json.loads(refused.output.split("\nError")[0])
    assert summary["evidence"][0]["verdict"] == "flagged"


def test_a_baseline_of_planted_forest_clears_a_later_plantation(runner, tmp_path):
    late = make_stand(planting_year=2023)
    layer = _baseline(tmp_path, late, "Rừng trồng keo")
    result = runner.invoke(args=["custody", "baseline", str(layer), "--source", "HTR 2020",
                                 "--class-column", "LoaiRung", "--crs", "9213"])  # fmt: skip
    assert json.loads(result.output)["polygons"] == 1
    found = deforestation.evidence_for([late])[late.id]
    assert (found.verdict, found.natural_forest_share) == ("deforestation_free", 0.0)


def test_a_class_the_layer_does_not_name_counts_as_forest_and_a_stand_outside_it_is_unknown(
    runner, tmp_path
):
    covered, far = make_stand(planting_year=2022), make_stand("Phan Đình Phùng", planting_year=2022)
    layer = _baseline(tmp_path, covered, "TXG")  # a status code, not a word: read with caution
    runner.invoke(args=["custody", "baseline", str(layer), "--source", "HTR 2020",
                        "--class-column", "LoaiRung", "--crs", "9213"])  # fmt: skip
    found = deforestation.evidence_for([covered, far])
    assert found[covered.id].verdict == "flagged"
    assert (found[far.id].verdict, found[far.id].natural_forest_share) == ("unknown", None)
