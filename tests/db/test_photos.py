"""Inspection photos: upright from EXIF, resized, size-limited, never half-written."""

import io
from pathlib import Path

import pytest
from PIL import Image

from smarttrees.models import Role
from smarttrees.services import inventory
from tests.helpers.factories import make_tree
from tests.helpers.web import csrf_from, sign_in

pytestmark = pytest.mark.external


@pytest.fixture
def photo_dir(app, tmp_path):
    previous = app.config["PHOTO_DIR"]
    app.config["PHOTO_DIR"] = str(tmp_path)
    yield tmp_path
    app.config["PHOTO_DIR"] = previous


def sideways_jpeg() -> bytes:
    """A landscape 3000×2000 picture whose EXIF says: turn me 90° clockwise to view."""
    image = Image.new("RGB", (3000, 2000), (40, 120, 60))
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def post_inspection(client, tree, data: dict, photo: bytes | None):
    token = csrf_from(client, f"/trees/{tree.code}/inspect")
    form = dict(data, csrf_token=token)
    if photo is not None:
        form["photo"] = (io.BytesIO(photo), "IMG_0001.jpg")
    return client.post(f"/trees/{tree.code}/inspect", data=form, content_type="multipart/form-data")


def test_a_photo_is_stored_upright_and_resized(client, photo_dir):
    sign_in(client, Role.FIELD)
    tree = make_tree()
    response = post_inspection(client, tree, {"condition": "fair"}, sideways_jpeg())
    assert response.status_code == 302
    inspection = inventory.get_tree(tree.code).inspections[0]
    stored = Image.open(Path(photo_dir) / inspection.photo_path)
    assert stored.size == (1067, 1600)  # portrait now, long side 1,600
    page = client.get(f"/trees/{tree.code}").get_data(as_text=True)
    assert f"/photos/{inspection.photo_path}" in page
    assert client.get(f"/photos/{inspection.photo_path}").mimetype == "image/jpeg"


def test_a_photo_alone_is_a_valid_inspection(client, photo_dir):
    sign_in(client, Role.FIELD)
    tree = make_tree()
    assert post_inspection(client, tree, {}, sideways_jpeg()).status_code == 302


def test_a_file_that_is_not_a_photo_is_refused_and_nothing_is_written(client, photo_dir):
    sign_in(client, Role.FIELD)
    tree = make_tree()
    response = post_inspection(client, tree, {"dbh_cm": "40"}, b"%PDF-1.4 not a photo")
    assert response.status_code == 422
    assert "Tệp này không phải là ảnh." in response.get_data(as_text=True)
    assert inventory.get_tree(tree.code).inspections == []
    assert list(Path(photo_dir).rglob("*.jpg")) == []


def test_an_upload_over_the_size_limit_is_refused_with_413(app, client, photo_dir):
    sign_in(client, Role.FIELD)
    tree = make_tree()
    app.config["MAX_CONTENT_LENGTH"] = 50_000
    try:
        response = post_inspection(client, tree, {"dbh_cm": "40"}, sideways_jpeg() + b"0" * 60_000)
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 15 * 2**20
    assert response.status_code == 413
    assert inventory.get_tree(tree.code).inspections == []


def test_photos_are_not_public(client, photo_dir):
    assert client.get("/photos/2026/01/x.jpg").status_code == 302
