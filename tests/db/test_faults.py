"""Faults: the web worker killed with SIGKILL in the middle of a sync and of a lot event, the
job worker killed while it writes an import (then run again by the next worker). Nothing is
half-written or stored twice."""

import io
import threading
from datetime import UTC, datetime

import pytest
import requests
from sqlalchemy import text

from smarttrees.extensions import db
from smarttrees.models import ImportStatus, LotEventKind, Role
from smarttrees.services import admin, custody, imports
from tests.helpers.factories import (
    commune_named,
    make_user,
    point_in,
    species_named,
)
from tests.helpers.faults import app_env, flask_command, served, wait_for
from tests.helpers.imports import run_jobs

pytestmark = pytest.mark.external

RECORDS = 200


@pytest.fixture
def server(app, tmp_path):
    env = app_env(
        app.config["DATABASE_URL"],
        SMARTTREES_PHOTO_DIR=str(tmp_path / "photos"),
        SMARTTREES_UPLOAD_DIR=str(tmp_path / "uploads"),
    )
    with served(env) as running:
        yield running


def _bearer(role: Role = Role.FIELD) -> dict[str, str]:
    return {"Authorization": "Bearer " + admin.issue_token(make_user(role), name="phone")}


def _tree_records(prefix: str, lon: float, lat: float, species_id: int) -> list[dict]:
    return [
        {"type": "tree", "client_id": f"{prefix}-{i}", "category": "scattered",
         "lon": lon + (i % 20) * 3e-5, "lat": lat + (i // 20) * 3e-5,
         "species_id": species_id, "dbh_cm": "20"}
        for i in range(RECORDS)
    ]  # fmt: skip


def _count(sql: str, **params) -> int:
    """Read afresh on a connection of its own (the test's session may hold a snapshot)."""
    db.session.rollback()
    with db.engine.connect() as connection:
        return connection.scalar(text(sql), params)


def _others_busy() -> int:
    """Backends of the test database, other than this one, that are not idle."""
    return _count(
        """SELECT count(*) FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid()
              AND state IS NOT NULL AND state <> 'idle'"""
    )


def _waiting_on_a_lock() -> int:
    return _count(
        """SELECT count(*) FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock'"""
    )


def _in_background(send) -> tuple[threading.Thread, list]:
    """Send a request from a thread; the list receives its response or its exception."""
    outcome = []

    def run():
        try:
            outcome.append(send())
        except requests.RequestException as error:
            outcome.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def _killed_while_blocked(server, table: str, *, once) -> list:
    """Hold `table` against writes once `once()` holds, kill the web worker while its request
    waits for it, then let go: the dead worker's transaction must roll back."""
    with db.engine.connect() as locker:
        locker.execute(text(f"LOCK TABLE {table} IN SHARE MODE"))
        wait_for(_waiting_on_a_lock, seconds=30)
        stored = once()
        server.kill_worker()
        locker.rollback()
    wait_for(lambda: _others_busy() == 0, seconds=30)
    return stored


def test_a_sync_killed_midway_then_sent_again_stores_each_record_once(server):
    headers = _bearer()
    lon, lat = point_in(commune_named("Gia Sàng"))
    records = _tree_records("kill", lon, lat, species_named("Acacia mangium").id)
    stored_sql = "SELECT count(*) FROM trees WHERE external_id LIKE 'kill-%'"
    thread, outcome = _in_background(
        lambda: requests.post(
            server.url + "/api/v1/sync", json={"records": records}, headers=headers, timeout=120
        )
    )
    wait_for(lambda: _count(stored_sql) >= 10, seconds=60)
    at_kill = _killed_while_blocked(server, "trees", once=lambda: _count(stored_sql))
    thread.join(timeout=30)
    assert isinstance(outcome[0], requests.ConnectionError)  # the phone saw no answer
    assert 10 <= at_kill < RECORDS
    assert _count(stored_sql) == at_kill  # the record being written when killed: not stored

    again = requests.post(
        server.url + "/api/v1/sync", json={"records": records}, headers=headers, timeout=120
    )
    assert again.status_code == 200, again.text
    statuses = [result["status"] for result in again.json()["results"]]
    assert statuses.count("duplicate") == at_kill
    assert statuses.count("created") == RECORDS - at_kill
    assert _count(stored_sql) == _count("SELECT count(*) FROM trees") == RECORDS
    assert _count("SELECT count(DISTINCT external_id) FROM trees") == RECORDS
    assert _count("SELECT coalesce(sum(trees), 0) FROM commune_tallies") == RECORDS


def _lot_with_seedlings(quantity: int = 1000):
    nursery = custody.create_nursery(name="Vườn ươm Phú Lương")
    lot = custody.create_lot(
        species_id=species_named("Acacia mangium").id, nursery_id=nursery.id, seed_source="RG"
    )
    custody.record_event(lot, LotEventKind.SOWN, quantity)
    return lot.code


def _loss(client_id: str) -> dict:
    return {"kind": "lost", "quantity": 20, "reason": "Sâu hại", "client_id": client_id,
            "occurred_at": datetime.now(UTC).isoformat()}  # fmt: skip


def _lot_state(code: str, client_id: str) -> tuple[int, int]:
    events = _count("SELECT count(*) FROM lot_events WHERE client_id = :c", c=client_id)
    return events, custody.get_lot(code).quantity_on_hand


def test_a_lot_event_killed_before_its_commit_is_recorded_once_when_sent_again(server):
    code, headers = _lot_with_seedlings(), _bearer()
    body = _loss("ph-kill:1")
    url = f"{server.url}/api/v1/lots/{code}/events"
    thread, outcome = _in_background(
        lambda: requests.post(url, json=body, headers=headers, timeout=60)
    )
    _killed_while_blocked(server, "lot_events", once=lambda: None)
    thread.join(timeout=30)
    assert isinstance(outcome[0], requests.ConnectionError)
    assert _lot_state(code, "ph-kill:1") == (0, 1000)  # nothing half-written

    again = requests.post(url, json=body, headers=headers, timeout=60)
    assert again.status_code == 201, again.text
    assert again.json()["quantity_on_hand"] == 980
    assert _lot_state(code, "ph-kill:1") == (1, 980)


def test_a_lot_event_replayed_after_the_worker_was_killed_moves_the_stock_once(server):
    code, headers = _lot_with_seedlings(), _bearer()
    body = _loss("ph-kill:2")
    url = f"{server.url}/api/v1/lots/{code}/events"
    first = requests.post(url, json=body, headers=headers, timeout=60)
    server.kill_worker()  # the phone never read the answer: its outbox sends it again
    again = requests.post(url, json=body, headers=headers, timeout=60)
    assert first.status_code == again.status_code == 201, again.text
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["quantity_on_hand"] == 980
    assert _lot_state(code, "ph-kill:2") == (1, 980)


# The job worker killed with SIGKILL while it writes an import's trees.

IMPORT_ROWS = 50_000


def _survey_csv() -> bytes:
    lon, lat = point_in(commune_named("Gia Sàng"))
    lines = ["id,longitude,latitude,species,dbh"]
    for i in range(IMPORT_ROWS):
        dx, dy = (i % 250) * 2e-5, (i // 250) * 2e-5  # a planting grid of about 2 m
        lines.append(f"W{i},{lon + dx:.7f},{lat + dy:.7f},Keo lai,12.5")
    return "\n".join(lines).encode()


def _writing_trees() -> int | None:
    return _count(
        """SELECT pid FROM pg_stat_activity
            WHERE state = 'active' AND query LIKE '%INSERT INTO trees%'
              AND pid <> pg_backend_pid()"""
    )


def _import_killed_while_writing(app, runner, upload_dir) -> int:
    """A reviewed batch whose write job was running when its worker got SIGKILL."""
    batch = imports.upload(
        io.BytesIO(_survey_csv()), "killed.csv", upload_dir=upload_dir, source="killed",
        crs=None, layer=None, category="plantation", actor=None,
    )  # fmt: skip
    run_jobs(runner)
    assert imports.get_batch(batch.id).status == ImportStatus.REVIEW
    assert imports.request_write(batch.id, actor=None)
    worker = flask_command("jobs", "worker", env=app_env(app.config["DATABASE_URL"]))
    try:
        wait_for(lambda: _writing_trees() or worker.poll() is not None, seconds=120)
        assert worker.poll() is None, worker.stdout.read()
        backend = _writing_trees()
    finally:
        worker.kill()
        worker.wait()
    wait_for(lambda: not _count("SELECT count(*) FROM pg_stat_activity WHERE pid = :p", p=backend))
    return batch.id


def _batch_state(batch_id: int) -> tuple:
    db.session.rollback()
    with db.engine.connect() as connection:
        return connection.execute(
            text("""SELECT status::text, failure,
                           (SELECT count(*) FROM trees WHERE import_batch_id = :b),
                           (SELECT count(*) FROM trees),
                           (SELECT coalesce(sum(trees), 0) FROM commune_tallies)
                      FROM import_batches WHERE id = :b"""),
            {"b": batch_id},
        ).one()


def test_an_import_write_killed_midway_writes_no_tree(app, runner, upload_dir):
    batch_id = _import_killed_while_writing(app, runner, upload_dir / "uploads")
    status, _, of_batch, trees, tallied = _batch_state(batch_id)
    assert (of_batch, trees, tallied) == (0, 0, 0)  # one transaction: nothing half-written
    assert status == "committing"


def test_an_import_write_killed_midway_is_resumed_or_failed_with_a_reason(app, runner, upload_dir):
    batch_id = _import_killed_while_writing(app, runner, upload_dir / "uploads")
    worker = flask_command("jobs", "worker", env=app_env(app.config["DATABASE_URL"]))
    try:  # a worker started again finds the abandoned job
        wait_for(lambda: _batch_state(batch_id)[0] in ("done", "failed"), seconds=90, every=0.5)
    finally:
        worker.kill()
        worker.wait()
    status, failure, of_batch, trees, tallied = _batch_state(batch_id)
    if status == "done":
        assert of_batch == trees == tallied == IMPORT_ROWS  # written exactly once
    else:
        assert failure and of_batch == trees == 0
