"""The browser's import flow for tests: an upload folder, an upload, the job worker, a
signed-in Chromium page."""

import io
import threading

import pytest

from smarttrees.extensions import db
from tests.helpers.factories import PASSWORD
from tests.helpers.web import csrf_from


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


def signed_in_page(playwright, live_server, user):
    """Chromium with a page signed in as the user (the Vietnamese login form)."""
    from tests.helpers.browser import CHROMIUM_FLAGS, chromium_path

    browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(live_server.url + "/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    return browser, page
