"""The trees a filter selects, as CSV and GeoJSON: streamed, readable by Excel and QGIS (GDAL),
and brought back by SmartTrees' own import with nothing changed."""

import csv
import io
import json

from geoalchemy2.shape import to_shape
from sqlalchemy import select

from smarttrees.extensions import db
from smarttrees.models import Role, Tree
from tests.helpers.factories import make_tree, species_named
from tests.helpers.surveys import run
from tests.helpers.web import sign_in

FIELDS = ("species_id", "category", "dbh_cm", "height_m", "crown_m", "condition", "planted_on")


def _trees():
    """Four trees as surveys have them: a decimal DBH, no height, a Vietnamese note, a date."""
    return [
        make_tree(commune="Gia Sàng", dbh_cm="32,5", notes="gốc bị sâu"),
        make_tree(commune="Gia Sàng", height_m="", condition="poor", planted_on="01/02/2019"),
        make_tree(
            commune="Quan Triều",
            species_id=species_named("Khaya senegalensis").id,
            category="scattered",
            crown_m="6,5",
        ),
        make_tree(commune="Phan Đình Phùng", dbh_cm="", condition="dead"),
    ]


def _values(tree: Tree) -> tuple:
    point = to_shape(tree.geom)
    return (*(getattr(tree, f) for f in FIELDS), tree.notes, round(point.x, 6), round(point.y, 6))


def test_a_csv_export_opens_in_excel_and_comes_back_unchanged(client, runner, tmp_path):
    originals = _trees()
    sign_in(client, Role.VIEWER)
    answer = client.get("/trees/export.csv", buffered=True)
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    text = answer.get_data(as_text=True)
    assert text.startswith("\ufeff")  # Excel reads UTF-8 with its BOM
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 4 and {r["code"] for r in rows} == {t.code for t in originals}
    exported = tmp_path / "cay_xanh.csv"
    exported.write_text(text, encoding="utf-8")
    code, summary, output = run(runner, exported, "--source", "export", "--commit")
    assert code == 0 and summary["created"] == 4, output
    back = {t.external_id: t for t in db.session.scalars(select(Tree).filter_by(source="export"))}
    for tree in originals:
        db.session.refresh(tree)
        assert _values(back[tree.code]) == _values(tree), tree.code


def test_a_geojson_export_is_read_by_gdal_and_comes_back_unchanged(client, runner, tmp_path):
    import subprocess

    originals = _trees()
    sign_in(client, Role.VIEWER)
    answer = client.get(
        "/trees/export.geojson?commune_id=" + str(originals[0].commune_id), buffered=True
    )
    assert answer.mimetype == "application/geo+json"
    collection = json.loads(answer.get_data(as_text=True))
    assert {f["id"] for f in collection["features"]} == {originals[0].code, originals[1].code}
    exported = tmp_path / "cay_xanh.geojson"
    exported.write_bytes(answer.data)
    info = subprocess.run(
        ["ogrinfo", "-so", "-al", str(exported)], capture_output=True, text=True, check=True
    ).stdout
    assert "Feature Count: 2" in info and "Geometry: Point" in info
    code, summary, output = run(runner, exported, "--source", "export-gis", "--commit")
    assert code == 0 and summary["created"] == 2, output
    back = {
        t.external_id: t for t in db.session.scalars(select(Tree).filter_by(source="export-gis"))
    }
    for tree in originals[:2]:
        db.session.refresh(tree)
        assert _values(back[tree.code]) == _values(tree), tree.code
