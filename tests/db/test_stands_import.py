"""Plantation stands from the forest-status map's polygons: through check, review and commit,
updated by a re-import, and the trees standing in them assigned to them."""

import json

import pytest
from sqlalchemy import func, select

from smarttrees.extensions import db
from smarttrees.models import ForestFunction, Stand, Tree
from smarttrees.services import maps
from tests.helpers.factories import make_tree
from tests.helpers.surveys import stand_map

pytestmark = pytest.mark.external


def _stands(runner, path, *args):
    result = runner.invoke(args=["stands", "import", str(path), *map(str, args)])
    lines = [line for line in result.output.splitlines() if line.startswith("{")]
    return result.exit_code, (json.loads(lines[0]) if lines else None), result.output


def test_a_forest_status_map_imports_its_stands_and_their_trees(runner, tmp_path):
    path, drawn = stand_map(tmp_path)
    middle = drawn["square"].centroid  # of plot a, in VN-2000
    lon, lat = drawn["to_wgs84"].transform(middle.x, middle.y)
    tree = make_tree(lon=lon, lat=lat)
    assert tree.stand_id is None
    code, summary, output = _stands(runner, path, "--commit")
    assert code == 0, output
    assert (summary["rows_read"], summary["ready"], summary["created"]) == (4, 3, 3)
    assert summary["errors_by_code"] == {
        "area_differs": 1,
        "geometry_not_polygon": 1,
        "shape_repaired": 1,
    }
    assert summary["decisions"]["columns"] == {
        "tieu_khu": "Tiểu khu",
        "khoanh": "Khoảnh",
        "lo": "Lô",
        "species": "Loài cây",
        "planting_year": "Năm trồng",
        "owner": "Chủ rừng",
        "forest_function": "Mục đích",
        "area": "Diện tích (ha)",
    }
    assert summary["trees_assigned"] == 1
    stands = {s.lo: s for s in db.session.scalars(select(Stand))}
    a = stands["a"]
    assert abs(float(a.area_ha) - 1.0) < 0.01 and a.commune.name == "Phú Lương"
    assert a.species.vi_name == "Keo lai" and a.planting_year == 2019
    assert a.forest_function == ForestFunction.PRODUCTION and a.external_id == "301/2/a"
    assert stands["c"].forest_function == ForestFunction.PROTECTION
    assert db.session.get(Tree, tree.id).stand_id == a.id
    assert maps.stand_summary(a.id)["name"] == "301/2/a"  # no name in the map: its plot ids


def test_a_second_import_of_the_map_updates_its_stands_and_duplicates_none(runner, tmp_path):
    path, _ = stand_map(tmp_path)
    _stands(runner, path, "--commit", "--source", "htr-2025")
    _, again, _ = _stands(runner, path, "--commit", "--source", "htr-2025")
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 3)
    newer, _ = stand_map(tmp_path, year=2020)
    _, summary, _ = _stands(runner, newer, "--commit", "--source", "htr-2025")
    assert (summary["created"], summary["updated"]) == (0, 2)
    assert db.session.scalar(select(func.count()).select_from(Stand)) == 3


def test_plots_another_source_already_holds_are_refused_naming_them(runner, tmp_path):
    path, _ = stand_map(tmp_path)
    _stands(runner, path, "--commit", "--source", "htr-2024")
    _, summary, _ = _stands(runner, path, "--source", "another-survey")
    assert summary["errors_by_code"]["plot_taken"] == 3 and summary["ready"] == 0


def test_a_table_without_polygons_is_not_taken_for_stands(runner, tmp_path):
    path = tmp_path / "lo.csv"
    path.write_text("tieu khu,khoanh,lo\n301,2,a\n", encoding="utf-8")
    code, summary, output = _stands(runner, path)
    assert code == 1 and summary is None and "polygon files" in output


def test_two_features_of_one_file_with_the_same_plot_ids_are_refused_not_crashed(runner, tmp_path):
    path, _ = stand_map(tmp_path, lots=("a", "a", "c", "d"))
    code, summary, output = _stands(runner, path, "--commit")
    assert code == 0, output
    assert summary["errors_by_code"]["plot_taken"] == 2 and summary["created"] == 1
