"""Inspection photos: upright from EXIF, resized, size-limited, never half-written."""

import io
import json
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


def _sync(client, records: list, photos: dict[str, bytes]):
    from smarttrees.services import admin
    from tests.helpers.factories import make_user

    bearer = admin.issue_token(make_user(Role.FIELD), name="phone")
    form = {"records": records if isinstance(records, str) else json.dumps(records)}
    for client_id, content in photos.items():
        form[f"photo:{client_id}"] = (io.BytesIO(content), f"{client_id}.jpg")
    return client.post(
        "/api/v1/sync",
        data=form,
        content_type="multipart/form-data",
        headers={"Authorization": f"Bearer {bearer}"},
    )


def test_photos_sent_with_a_phone_s_records_are_kept_with_their_inspections(client, photo_dir):
    """The field app sends each photo beside its record: an inspection keeps it, and a new
    tree's photo becomes its first inspection. A replay stores nothing twice."""
    from tests.helpers.factories import species_named

    tree = make_tree()
    records = [
        {"type": "inspection", "client_id": "i-1", "code": tree.code, "dbh_cm": "33"},
        {"type": "tree", "client_id": "t-1", "code": "", "species_id": species_named(
            "Lagerstroemia speciosa").id, "category": "urban", "dbh_cm": "12",
         "lon": 105.84, "lat": 21.59},
    ]  # fmt: skip
    photos = {"i-1": sideways_jpeg(), "t-1": sideways_jpeg()}
    reply = _sync(client, records, photos).get_json()["results"]
    assert [r["status"] for r in reply] == ["created", "created"], reply
    for code in (tree.code, reply[1]["code"]):
        [inspection] = inventory.get_tree(code).inspections
        assert Image.open(Path(photo_dir) / inspection.photo_path).size == (1067, 1600)
    again = _sync(client, records, photos).get_json()["results"]
    assert [r["status"] for r in again] == ["duplicate", "duplicate"]
    assert sum(1 for _ in Path(photo_dir).rglob("*.jpg")) == 2


def test_a_sync_form_whose_records_are_not_json_is_refused_naming_the_field(client, photo_dir):
    response = _sync(client, "{not json", {})
    assert response.status_code == 422
    assert "records" in response.get_json()["error"]["details"]
