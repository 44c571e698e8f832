"""Backups: a restore into a fresh database holds every row and photo the backup promised, and
the check says so when it does not."""

import io
import re
import uuid
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import create_engine, make_url, text

from smarttrees.config import sqlalchemy_url
from smarttrees.errors import Conflict
from smarttrees.models import Role
from smarttrees.services import inventory
from smarttrees.services.admin import backups
from tests.helpers.factories import make_stand, make_tree, make_user

pytestmark = pytest.mark.external


@pytest.fixture
def fresh_database_url(app):
    """A database name of the test server that nothing uses; dropped after the test."""
    url = make_url(app.config["DATABASE_URL"])
    name = f"smarttrees_restore_{uuid.uuid4().hex[:10]}"
    yield url.set(database=name).render_as_string(hide_password=False)
    engine = create_engine(
        sqlalchemy_url(url.set(database="postgres").render_as_string(hide_password=False)),
        isolation_level="AUTOCOMMIT",
    )
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


@pytest.fixture
def inventory_with_a_photo(tmp_path) -> Path:
    """Trees, a stand, users and an inspection whose photo is on disk; the photo directory."""
    photo_dir = tmp_path / "photos"
    field = make_user(Role.FIELD)
    make_stand()
    trees = [make_tree(actor=field, dbh_cm=str(20 + n)) for n in range(5)]
    jpeg = io.BytesIO()
    Image.new("RGB", (64, 48), (40, 120, 60)).save(jpeg, "JPEG")
    jpeg.seek(0)
    inventory.record_inspection(
        trees[0].code, {"dbh_cm": "41", "condition": "fair"}, actor=field, photo=jpeg,
        photo_dir=photo_dir,
    )  # fmt: skip
    return photo_dir


CHANGE_A_SPECIES = (
    "UPDATE species SET note = 'changed after the backup' WHERE id = (SELECT min(id) FROM species)"
)


def execute(url: str, statement: str) -> None:
    engine = create_engine(sqlalchemy_url(url))
    with engine.begin() as connection:
        connection.execute(text(statement))
    engine.dispose()


def differing(checks) -> dict[str, backups.Check]:
    return {check.name: check for check in checks if not check.same}


def test_a_restore_into_a_fresh_database_holds_every_row_and_photo(
    app, tmp_path, inventory_with_a_photo, fresh_database_url
):
    backup = backups.create_backup(
        database_url=app.config["DATABASE_URL"],
        photo_dir=inventory_with_a_photo,
        backup_dir=tmp_path / "backups",
    )
    manifest = backups.read_manifest(backup)
    assert manifest["tables"]["public.trees"]["rows"] == 5
    assert manifest["tables"]["public.inspections"]["rows"] == 1
    assert manifest["alembic_revision"]
    [photo] = manifest["photos"]

    restored_photos = tmp_path / "restored"
    checks = backups.restore_backup(
        backup, database_url=fresh_database_url, photo_dir=restored_photos
    )

    assert differing(checks) == {}
    tables = {check.name for check in checks if check.kind == "table"}
    assert {"public.trees", "public.inspections", "public.users", "public.stands"} <= tables
    assert [check.name for check in checks if check.kind == "photo"] == [photo]
    assert (restored_photos / photo).read_bytes() == (inventory_with_a_photo / photo).read_bytes()


def test_the_check_names_a_changed_row_and_a_changed_photo(
    app, runner, tmp_path, inventory_with_a_photo, fresh_database_url
):
    backup = backups.create_backup(
        database_url=app.config["DATABASE_URL"],
        photo_dir=inventory_with_a_photo,
        backup_dir=tmp_path / "backups",
    )
    restored_photos = tmp_path / "restored"
    backups.restore_backup(backup, database_url=fresh_database_url, photo_dir=restored_photos)

    execute(fresh_database_url, CHANGE_A_SPECIES)
    [photo] = backups.read_manifest(backup)["photos"]
    (restored_photos / photo).write_bytes(b"not the photo")
    checks = backups.verify_backup(
        backup, database_url=fresh_database_url, photo_dir=restored_photos
    )

    changed = differing(checks)
    assert set(changed) == {"public.species", photo}
    species = changed["public.species"]
    assert species.expected.split(",")[0] == species.found.split(",")[0] == "45 rows"
    assert changed[photo].found != changed[photo].expected
    verify = ["backup", "verify", str(backup), "--database-url", fresh_database_url]
    result = runner.invoke(args=[*verify, "--photo-dir", str(restored_photos)])
    assert result.exit_code == 1
    assert "≠ public.species" in result.output and f"≠ {photo}" in result.output


def test_a_database_that_holds_tables_is_replaced_only_when_told(
    app, runner, tmp_path, inventory_with_a_photo, fresh_database_url
):
    backup = backups.create_backup(
        database_url=app.config["DATABASE_URL"],
        photo_dir=inventory_with_a_photo,
        backup_dir=tmp_path / "backups",
    )
    backups.restore_backup(backup, database_url=fresh_database_url, photo_dir=tmp_path / "a")
    execute(fresh_database_url, CHANGE_A_SPECIES)

    with pytest.raises(Conflict) as refused:
        backups.restore_backup(backup, database_url=fresh_database_url, photo_dir=tmp_path / "b")
    said = refused.value.message % refused.value.params  # as the command line prints it
    assert re.search(r"holds [0-9]+ tables", said)

    restore = ["backup", "restore", str(backup), "--database-url", fresh_database_url]
    result = runner.invoke(args=[*restore, "--photo-dir", str(tmp_path / "b"), "--force"])
    assert result.exit_code == 0, result.output
    assert "every table" in result.output  # the changed species is the backup's again
