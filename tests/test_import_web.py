"""Imports in the browser's flow: upload, check in the background, review, report, commit."""

import io

import pytest
from sqlalchemy import func, select

from smarttrees.extensions import db
from smarttrees.models import ImportBatch, ImportStatus, Role, Tree
from tests.conftest import csrf_from
from tests.factories import PASSWORD, make_user
from tests.test_imports import vn2000_survey

pytestmark = pytest.mark.external


@pytest.fixture
def upload_dir(app, tmp_path):
    previous = app.config["UPLOAD_DIR"]
    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    yield tmp_path
    app.config["UPLOAD_DIR"] = previous


def sign_in(client, role=Role.MANAGER):
    user = make_user(role)
    client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_from(client)}
    )


def upload(client, content: bytes, name: str, **form):
    data = {
        "csrf_token": csrf_from(client, "/imports/new"),
        "file": (io.BytesIO(content), name),
        **form,
    }
    return client.post("/imports/new", data=data, content_type="multipart/form-data")


def run_jobs(runner) -> None:
    result = runner.invoke(args=["jobs", "worker", "--once"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()


def test_upload_check_review_and_commit(client, runner, upload_dir, tmp_path):
    sign_in(client)
    path, _ = vn2000_survey(tmp_path)
    response = upload(
        client,
        path.read_bytes(),
        "khảo sát.csv",
        crs="EPSG:9213",
        source="ks-web",
        category="urban",
    )
    assert response.status_code == 302
    batch = db.session.scalar(select(ImportBatch))
    assert batch.status == ImportStatus.UPLOADED and batch.filename == "kh_o_s_t.csv"
    run_jobs(runner)
    assert db.session.get(ImportBatch, batch.id).status == ImportStatus.REVIEW
    page = client.get(f"/imports/{batch.id}").get_data(as_text=True)
    assert "species_ambiguous" in page and "outside_service_area" in page
    report = client.get(f"/imports/{batch.id}/errors.csv").get_data(as_text=True)
    assert report.splitlines()[0].lstrip("\ufeff") == "row,code,severity,columns,value,message"
    assert len(report.splitlines()) == 1 + 6  # one line per problem
    token = csrf_from(client, f"/imports/{batch.id}")
    assert client.post(f"/imports/{batch.id}/commit", data={"csrf_token": token}).status_code == 302
    db.session.expire_all()  # the request changed the batch in its own session
    assert db.session.get(ImportBatch, batch.id).status == ImportStatus.COMMITTING
    run_jobs(runner)
    done = db.session.get(ImportBatch, batch.id)
    assert done.status == ImportStatus.DONE and done.summary["created"] == 2
    assert db.session.scalar(select(func.count()).select_from(Tree)) == 2
    status = client.get(f"/api/v1/imports/{batch.id}").get_json()
    assert status["status"] == "done" and status["rows_done"] == 8


def test_a_file_that_cannot_be_imported_fails_with_its_reason(client, runner, upload_dir):
    sign_in(client)
    upload(client, b"id,species\n1,Sau\n", "no_coordinates.csv")
    run_jobs(runner)
    batch = db.session.scalar(select(ImportBatch))
    assert batch.status == ImportStatus.FAILED
    assert "coordinate" in client.get(f"/imports/{batch.id}").get_data(as_text=True)


def test_an_empty_upload_is_refused(client, upload_dir):
    sign_in(client)
    response = upload(client, b"", "empty.csv")
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(ImportBatch)) == 0


def test_imports_need_a_manager(client, upload_dir):
    sign_in(client, Role.FIELD)
    assert client.get("/imports/new").status_code == 403
