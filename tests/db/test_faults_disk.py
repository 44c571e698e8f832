"""Faults: the upload disk full (a tiny tmpfs) and PostgreSQL restarted (a private cluster: the
project's own is shared). Nothing half-stored; the user told in words, never a traceback."""

import io
import json
import subprocess
import threading
import time
from collections.abc import Callable

import pytest
import requests
from PIL import Image
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from smarttrees.config import sqlalchemy_url
from smarttrees.models import Role
from tests.db.test_faults import _bearer, _count, _tree_records
from tests.helpers.factories import (
    PASSWORD,
    commune_named,
    make_user,
    point_in,
    species_named,
)
from tests.helpers.faults import PrivateCluster, app_env, flask_command, served
from tests.helpers.web import CSRF_INPUT

pytestmark = pytest.mark.external

RECORDS = 200


# The upload disk full: a tiny tmpfs holds the uploads and the photos.


@pytest.fixture
def full_disk(app, tmp_path):
    """A 256 KiB tmpfs, nearly filled, served as UPLOAD_DIR and PHOTO_DIR."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(disk)],
                             capture_output=True)  # fmt: skip
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here: " + mounted.stderr.decode())
    try:
        (disk / "filler").write_bytes(b"x" * 192 * 1024)
        env = app_env(
            app.config["DATABASE_URL"],
            SMARTTREES_UPLOAD_DIR=str(disk / "uploads"),
            SMARTTREES_PHOTO_DIR=str(disk / "photos"),
        )
        with served(env) as server:
            yield server, disk
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def _files_under(folder) -> list:
    return [p for p in folder.rglob("*") if p.is_file() and p.name != "filler"]


def _signed_in(server, role: Role) -> requests.Session:
    user, session = make_user(role), requests.Session()
    token = CSRF_INPUT.search(session.get(server.url + "/login").text).group(1)
    form = {"email": user.email, "password": PASSWORD, "csrf_token": token}
    assert session.post(server.url + "/login", data=form, allow_redirects=False).status_code == 302
    return session


def _told_in_words(response: requests.Response) -> None:
    assert response.status_code >= 400 or "error" in response.text, response.text
    assert "Traceback" not in response.text and "Errno" not in response.text
    assert "No space left" not in response.text


def test_a_survey_uploaded_to_a_full_disk_is_refused_and_leaves_no_file(full_disk):
    server, disk = full_disk
    session = _signed_in(server, Role.MANAGER)
    token = CSRF_INPUT.search(session.get(server.url + "/imports/new").text).group(1)
    survey = b"id,longitude,latitude,species,dbh\n" + b"A1,105.8,21.6,Keo lai,12.5\n" * 20_000
    response = session.post(
        server.url + "/imports/new",
        data={"csrf_token": token, "source": "full", "category": "plantation"},
        files={"file": ("full.csv", survey, "text/csv")},
        allow_redirects=False,
    )
    assert response.status_code in (413, 500, 503, 507), response.status_code
    _told_in_words(response)
    assert _files_under(disk) == []  # no half-written survey left behind
    assert _count("SELECT count(*) FROM import_batches") == 0


def _big_photo() -> bytes:
    out = io.BytesIO()
    Image.effect_noise((1600, 1600), 80).convert("RGB").save(out, "JPEG", quality=95)
    return out.getvalue()


def test_a_photo_synced_to_a_full_disk_is_refused_truthfully_and_leaves_no_file(full_disk):
    server, disk = full_disk
    lon, lat = point_in(commune_named("Gia Sàng"))
    record = _tree_records("photo", lon, lat, species_named("Acacia mangium").id)[0]
    response = requests.post(
        server.url + "/api/v1/sync",
        data={"records": json.dumps([record])},
        files={f"photo:{record['client_id']}": ("tree.jpg", _big_photo(), "image/jpeg")},
        headers=_bearer(),
        timeout=60,
    )
    _told_in_words(response)
    assert _files_under(disk) == []  # no half-written photo
    assert _count("SELECT count(*) FROM inspections WHERE photo_path IS NOT NULL") == 0
    stored = _count("SELECT count(*) FROM trees WHERE external_id = 'photo-0'")
    if response.status_code == 200:  # the result says truly what was kept
        result = response.json()["results"][0]
        assert stored == (result["status"] == "created")
        assert result["status"] != "created" or result.get("photo_error")
    else:
        assert stored == 0


# PostgreSQL restarted during a request: a private cluster, as the project's own is shared.


@pytest.fixture(scope="module")
def private_app(tmp_path_factory):
    """The app served against a private, migrated cluster; yields (server, cluster, token)."""
    cluster = PrivateCluster()
    try:
        env = app_env(cluster.url(), SMARTTREES_PHOTO_DIR=str(tmp_path_factory.mktemp("photos")))
        for command in (
            ["db", "upgrade"],
            ["reference", "load"],
            ["users", "create", "--email", "field@example.vn", "--name", "Thợ",
             "--role", "field", "--password", PASSWORD],
        ):  # fmt: skip
            done = flask_command(*command, env=env)
            assert done.wait(timeout=300) == 0, done.stdout.read()
        made = flask_command("users", "token", "field@example.vn", env=env)
        assert made.wait(timeout=60) == 0
        token = made.stdout.read().split()[-1]
        with served(env) as server:
            yield server, cluster, {"Authorization": f"Bearer {token}"}
    finally:
        cluster.remove()


def _private_records(cluster, prefix: str) -> tuple[list[dict], Callable[[], set[str]]]:
    """Tree records for the private cluster, and what of them it holds."""
    engine = create_engine(sqlalchemy_url(cluster.url()), poolclass=NullPool)
    with engine.connect() as connection:
        lon, lat = connection.execute(
            text("""SELECT ST_X(ST_PointOnSurface(geom)), ST_Y(ST_PointOnSurface(geom))
                      FROM admin_units WHERE name = 'Gia Sàng'""")
        ).one()
        species = connection.scalar(
            text("SELECT id FROM species WHERE scientific_name = 'Acacia mangium'")
        )

    def stored() -> set[str]:
        with engine.connect() as connection:
            return set(
                connection.scalars(
                    text("SELECT external_id FROM trees WHERE external_id LIKE :p"),
                    {"p": prefix + "-%"},
                )
            )

    return _tree_records(prefix, lon, lat, species), stored


def _sync(server, headers, records) -> requests.Response:
    return requests.post(
        server.url + "/api/v1/sync", json={"records": records}, headers=headers, timeout=120
    )


def test_after_postgresql_restarted_the_first_request_is_answered(private_app):
    server, cluster, headers = private_app
    records, stored = _private_records(cluster, "between")
    assert _sync(server, headers, records[:5]).status_code == 200
    cluster.pg_ctl("restart", "-m", "fast", "-w", "-t", "60")
    # The worker's pooled connections died with the server: the pool tests each before use.
    again = _sync(server, headers, records)
    assert again.status_code == 200, again.text
    statuses = [result["status"] for result in again.json()["results"]]
    assert statuses == ["duplicate"] * 5 + ["created"] * (RECORDS - 5)
    assert len(stored()) == RECORDS


def test_postgresql_restarted_during_a_sync_answers_each_record_truthfully(private_app):
    """The server restarts while a phone's 200 records are applied: the answer says which were
    stored and which were not, because the database went away (the rest are not tried one by
    one against a server that is down); sent again, each record is stored once."""
    server, cluster, headers = private_app
    records, stored = _private_records(cluster, "during")
    replies = {}
    sending = threading.Thread(target=lambda: replies.update(sync=_sync(server, headers, records)))
    sending.start()
    while len(stored()) < 20 and sending.is_alive():
        time.sleep(0.02)
    cluster.pg_ctl("restart", "-m", "fast", "-w", "-t", "60")
    sending.join(timeout=150)
    assert replies["sync"].status_code == 200, replies["sync"].text
    results = replies["sync"].json()["results"]
    created = {r["client_id"] for r in results if r["status"] == "created"}
    refused = [r for r in results if r["status"] == "rejected"]
    assert {r["error"]["code"] for r in refused} == {"database_away"}
    assert len(created) + len(refused) == RECORDS and 20 <= len(created) < RECORDS
    # Every record said created is stored. The one in flight when the server went may be
    # stored too (its commit done, the answer lost): it is said not saved, and sent again it
    # is found, not stored twice.
    held = stored()
    assert created <= held and held - created <= {refused[0]["client_id"]}
    again = _sync(server, headers, records).json()["results"]
    assert [r["status"] for r in again].count("duplicate") == len(held)
    assert len(stored()) == RECORDS
