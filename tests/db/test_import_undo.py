"""Undoing a written import: its new records go, its updated ones get their values back, and
nothing done since is lost."""

from sqlalchemy import func, select

from smarttrees.extensions import db
from smarttrees.models import AuditLog, CommuneTally, ImportBatch, ImportStatus, Role, Stand, Tree
from smarttrees.services import inventory
from tests.helpers.imports import run_jobs, upload
from tests.helpers.web import csrf_from, sign_in

FIRST = b"id,species,dbh,longitude,latitude\nA,Sau,20,105.81,21.59\nB,Sau,30,105.83,21.60\n"
# B grows to 35 cm and C is new; A repeats itself.
SECOND = (
    b"id,species,dbh,longitude,latitude\n"
    b"A,Sau,20,105.81,21.59\nB,Sau,35,105.83,21.60\nC,Sau,12,105.82,21.61\n"
)


def _import(client, runner, content: bytes, name: str) -> ImportBatch:
    upload(client, content, name, source="team-a")
    run_jobs(runner)
    batch = db.session.scalars(select(ImportBatch).order_by(ImportBatch.id.desc())).first()
    client.post(
        f"/imports/{batch.id}/commit", data={"csrf_token": csrf_from(client, "/imports/new")}
    )
    run_jobs(runner)
    return db.session.get(ImportBatch, batch.id)


def _undo(client, batch: ImportBatch):
    token = csrf_from(client, f"/imports/{batch.id}")
    return client.post(f"/imports/{batch.id}/undo", data={"csrf_token": token})


def _trees() -> dict[str, tuple]:
    rows = db.session.execute(select(Tree.external_id, Tree.dbh_cm, Tree.import_batch_id))
    return {external: (float(dbh), batch) for external, dbh, batch in rows}


def _tallied() -> int:
    return db.session.scalar(select(func.coalesce(func.sum(CommuneTally.trees), 0)))


def test_undoing_a_re_import_removes_its_new_tree_and_gives_the_updated_one_its_values(
    client, runner, upload_dir
):
    manager = sign_in(client, Role.MANAGER)
    first = _import(client, runner, FIRST, "thang_1.csv")
    second = _import(client, runner, SECOND, "thang_2.csv")
    assert (second.summary["created"], second.summary["updated"]) == (1, 1)
    assert _trees()["B"] == (35.0, second.id) and _tallied() == 3

    assert _undo(client, second).status_code == 302
    run_jobs(runner)
    undone = db.session.get(ImportBatch, second.id)
    assert undone.status == ImportStatus.UNDONE
    assert undone.summary["undone"] == {"removed": 1, "reverted": 1}
    assert _trees() == {"A": (20.0, first.id), "B": (30.0, first.id)}
    assert _tallied() == 2  # the map's counts follow
    entry = db.session.scalar(select(AuditLog).where(AuditLog.entity == "import_batches"))
    assert entry.actor_id == manager.id and entry.after["status"] == "undone"
    page = client.get(f"/imports/{second.id}").get_data(as_text=True)
    assert 'id="count-removed">1<' in page and 'id="undo-import"' not in page


def test_undoing_a_first_import_removes_every_tree_it_created(client, runner, upload_dir):
    sign_in(client, Role.MANAGER)
    batch = _import(client, runner, FIRST, "thang_1.csv")
    _undo(client, batch)
    run_jobs(runner)
    assert db.session.scalar(select(func.count()).select_from(Tree)) == 0
    assert _tallied() == 0
    # Undone is final: neither undone again nor discarded.
    assert _undo(client, batch).status_code == 302
    token = csrf_from(client, f"/imports/{batch.id}")
    assert (
        client.post(f"/imports/{batch.id}/discard", data={"csrf_token": token}).status_code == 409
    )


def test_an_import_whose_trees_were_inspected_since_is_not_undone(client, runner, upload_dir):
    manager = sign_in(client, Role.MANAGER)
    batch = _import(client, runner, FIRST, "thang_1.csv")
    code = db.session.scalar(select(Tree.code).where(Tree.external_id == "B"))
    inventory.record_inspection(code, {"dbh_cm": "31", "condition": "good"}, actor=manager)
    db.session.commit()

    response = _undo(client, batch)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "không thể hoàn tác" in page.lower() and code in page
    run_jobs(runner)
    assert db.session.get(ImportBatch, batch.id).status == ImportStatus.DONE
    assert db.session.scalar(select(func.count()).select_from(Tree)) == 2


def test_a_later_import_of_the_same_trees_blocks_the_undo_of_the_earlier(
    client, runner, upload_dir
):
    sign_in(client, Role.MANAGER)
    _import(client, runner, FIRST, "thang_1.csv")
    second = _import(client, runner, SECOND, "thang_2.csv")
    third = _import(client, runner, SECOND.replace(b"B,Sau,35", b"B,Sau,36"), "thang_3.csv")
    assert third.summary["updated"] == 1
    _undo(client, second)
    run_jobs(runner)
    assert db.session.get(ImportBatch, second.id).status == ImportStatus.DONE
    assert _trees()["B"] == (36.0, third.id)


def test_undoing_a_stands_import_removes_its_stands_and_frees_their_trees(
    client, runner, upload_dir, tmp_path
):
    from tests.helpers.surveys import stand_map

    sign_in(client, Role.MANAGER)
    path, _ = stand_map(tmp_path)
    upload(client, path.read_bytes(), "hien_trang_rung.gpkg", kind="stands", source="htr")
    run_jobs(runner)
    batch = db.session.scalar(select(ImportBatch))
    client.post(f"/imports/{batch.id}/commit", data={"csrf_token": csrf_from(client, "/")})
    run_jobs(runner)
    assert db.session.scalar(select(func.count()).select_from(Stand)) == 3
    inside = _a_tree_inside_a_stand()
    assert inside.stand_id is not None

    _undo(client, batch)
    run_jobs(runner)
    assert db.session.get(ImportBatch, batch.id).status == ImportStatus.UNDONE
    assert db.session.scalar(select(func.count()).select_from(Stand)) == 0
    assert db.session.get(Tree, inside.id).stand_id is None


def _a_tree_inside_a_stand() -> Tree:
    """A tree planted in the first stand after the import (the database files it there)."""
    from tests.helpers.factories import make_tree

    stand = db.session.scalars(select(Stand).order_by(Stand.id)).first()
    inside = func.ST_PointOnSurface(Stand.geom)
    lon, lat = db.session.execute(
        select(func.ST_X(inside), func.ST_Y(inside)).where(Stand.id == stand.id)
    ).one()
    tree = make_tree(lon=lon, lat=lat, category="plantation")
    db.session.commit()
    db.session.refresh(tree)
    return tree
