"""Imports in the browser's flow: upload, check in the background, review, report, commit."""

import io
import threading

import pytest
from sqlalchemy import func, select

from smarttrees.extensions import db
from smarttrees.models import ImportBatch, ImportStatus, Role, Tree
from tests.conftest import csrf_from, sign_in
from tests.factories import PASSWORD, make_user
from tests.test_imports import vn2000_survey

pytestmark = pytest.mark.external


@pytest.fixture
def upload_dir(app, tmp_path):
    previous = app.config["UPLOAD_DIR"]
    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    yield tmp_path
    app.config["UPLOAD_DIR"] = previous


def upload(client, content: bytes, name: str, **form):
    data = {
        "csrf_token": csrf_from(client, "/imports/new"),
        "file": (io.BytesIO(content), name),
        **form,
    }
    return client.post("/imports/new", data=data, content_type="multipart/form-data")


def run_jobs(runner) -> None:
    """Run the waiting jobs, in a thread of its own (its event loop must not meet another)."""
    results = []
    worker = threading.Thread(
        target=lambda: results.append(runner.invoke(args=["jobs", "worker", "--once"]))
    )
    worker.start()
    worker.join(timeout=120)
    assert results and results[0].exit_code == 0, results and results[0].output
    db.session.expire_all()


def test_upload_check_review_and_commit(client, runner, upload_dir, tmp_path):
    sign_in(client, Role.MANAGER)
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
    sign_in(client, Role.MANAGER)
    upload(client, b"id,species\n1,Sau\n", "no_coordinates.csv")
    run_jobs(runner)
    batch = db.session.scalar(select(ImportBatch))
    assert batch.status == ImportStatus.FAILED
    assert "coordinate" in client.get(f"/imports/{batch.id}").get_data(as_text=True)


def test_an_empty_upload_is_refused(client, upload_dir):
    sign_in(client, Role.MANAGER)
    response = upload(client, b"", "empty.csv")
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(ImportBatch)) == 0


def test_imports_need_a_manager(client, upload_dir):
    sign_in(client, Role.FIELD)
    assert client.get("/imports/new").status_code == 403


def test_a_survey_goes_from_upload_to_the_map_in_a_browser(
    app, runner, live_server, upload_dir, tmp_path
):
    from playwright.sync_api import expect, sync_playwright

    from tests.browser import ARTIFACTS, CHROMIUM_FLAGS, OffsiteRequests, chromium_path

    user = make_user(Role.MANAGER)
    path, _ = vn2000_survey(tmp_path)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        offsite = OffsiteRequests(page, live_server.url)
        page.goto(live_server.url + "/login")
        page.get_by_label("Email").fill(user.email)
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.goto(live_server.url + "/imports/new")
        page.set_input_files("input[name=file]", str(path))
        page.select_option("select[name=crs]", "EPSG:9213")
        page.get_by_role("button", name="Tải lên và kiểm tra").click()
        expect(page.locator("h1")).to_contain_text("khao_sat.csv")
        run_jobs(runner)  # the job worker checks the file; the page notices and reloads
        expect(page.get_by_role("button", name="Nhập 2 dòng sẵn sàng")).to_be_visible(
            timeout=15_000
        )
        expect(page.locator("table.rows")).to_contain_text("species_ambiguous")
        page.get_by_role("button", name="Nhập 2 dòng sẵn sàng").click()
        run_jobs(runner)
        expect(page.get_by_role("link", name="Xem cây trên bản đồ")).to_be_visible(timeout=15_000)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "import-done.png"), full_page=True)
        page.get_by_role("link", name="Xem cây trên bản đồ").click()
        page.wait_for_function(
            "document.querySelectorAll('.leaflet-st-trees-pane canvas').length > 0"
        )
        assert offsite.blocked == []
        browser.close()
    assert db.session.scalar(select(func.count()).select_from(Tree)) == 2
