"""Real public inventories nobody here wrote, imported without a hand-written mapping; and every
sample file, whatever it holds, checked and committed without a server error."""

from pathlib import Path

import pytest
from sqlalchemy import func, select

from smarttrees.errors import DomainError
from smarttrees.extensions import db
from smarttrees.models import Tree
from smarttrees.services import imports
from tests.helpers.surveys import SAMPLES, run

pytestmark = pytest.mark.external

OURS = Path(__file__).resolve().parents[1] / "data" / "samples"
TORONTO = OURS / "toronto_eastyork_streettrees" / "street-tree-data-EY.csv"
SCBI_TREES = OURS / "scbi_dendro_trees_utm" / "dendro_trees.csv"
SCBI_DBH = OURS / "scbi_dendroall_2010_dbh_mm" / "scbi.dendroAll_2010.csv"


@pytest.fixture(autouse=True)
def anywhere(monkeypatch):
    """The inventories come from all over the world, not from Thái Nguyên."""
    monkeypatch.setenv("SMARTTREES_SERVICE_AREA", "none")


def test_trees_at_one_address_with_their_own_ids_are_all_imported(runner):
    # Toronto East York: 1,610 trees share 478 address points; the point is a GeoJSON text.
    code, summary, output = run(runner, TORONTO, "--commit")
    assert code == 0, output
    assert (summary["rows_read"], summary["created"]) == (6115, 6115)
    # 1,610 trees on 478 points: each tree after the first on its point is named once.
    assert summary["errors_by_code"] == {
        "out_of_range": 1,
        "same_point": 1610 - 478,
        "species_unknown": 6115,
    }
    assert summary["decisions"]["columns"] == {
        "wkt": "geometry",
        "species": "BOTANICAL_NAME",
        "dbh": "DBH_TRUNK",
        "external_id": "_id",
    }
    shared = db.session.scalar(
        select(func.count()).select_from(
            select(Tree.geom).group_by(Tree.geom).having(func.count() > 1).subquery()
        )
    )
    assert shared == 478
    code, again, _ = run(runner, TORONTO, "--commit")
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 6115)


def test_trees_without_ids_at_one_point_are_two_trees_and_a_repeated_row_is_one(runner, tmp_path):
    path = tmp_path / "same_address.csv"
    path.write_text(
        "lat,lon,species,dbh\n"
        "43.70012,-79.33112,Acer saccharum,30\n"
        "43.70012,-79.33112,Acer saccharum,12\n"
        "43.70012,-79.33112,Acer saccharum,12\n",
        encoding="utf-8",
    )
    code, summary, output = run(runner, path, "--commit")
    assert code == 0, output
    assert summary["created"] == 2
    assert summary["errors_by_code"]["row_repeated"] == 1
    assert summary["errors_by_code"]["same_point"] == 2
    code, again, _ = run(runner, path, "--commit")
    assert (again["created"], again["unchanged"]) == (0, 2)


def test_a_research_plot_is_placed_by_its_degrees_not_its_plot_metres(runner):
    code, summary, output = run(runner, SCBI_TREES)
    assert code == 0, output
    assert (summary["rows_read"], summary["ready"]) == (670, 663)
    assert summary["decisions"]["columns"]["lon"] == "lon"
    assert summary["encoding"] == "cp1258"  # one Windows byte in the notes


def test_a_table_without_map_coordinates_is_refused_naming_its_columns(runner):
    code, summary, output = run(runner, SCBI_DBH)
    assert code == 1 and summary is None
    assert "No coordinate columns" in output and "lx" in output


def _every_sample() -> list[Path]:
    files = [p for p in (*SAMPLES.rglob("*"), *OURS.rglob("*")) if p.is_file()]
    kinds = {".csv", ".json", ".geojson", ".gpkg", ".kml", ".gpx", ".xlsx"}
    return sorted(p for p in files if p.suffix.lower() in kinds)


@pytest.mark.parametrize("path", _every_sample(), ids=lambda p: p.name)
def test_every_sample_file_is_checked_and_committed_without_a_server_error(path):
    try:
        summary = imports.import_file(path, source=f"sample-{path.name}", commit=True)
    except DomainError as refused:  # a file that is no tree table is refused with a reason
        assert refused.status < 500 and refused.message
        return
    written = db.session.scalar(
        select(func.count()).select_from(Tree).where(Tree.source == f"sample-{path.name}")
    )
    assert written == summary["created"] <= summary["ready"] <= summary["rows_read"]
