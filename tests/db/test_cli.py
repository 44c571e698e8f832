"""flask commands: users, reference, demo, jobs."""

import pytest
from sqlalchemy import func, select, text

from smarttrees.extensions import db
from smarttrees.models import AdminLevel, AdminUnit, SeedlingLot, Tree, User
from smarttrees.services import admin

pytestmark = pytest.mark.external


def test_users_create(runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "Lan@Example.VN",
            "--name",
            "Nguyễn Thị Lan",
            "--role",
            "manager",
            "--password",
            "mật khẩu dài",
        ]
    )
    assert result.exit_code == 0, result.output
    assert admin.authenticate("lan@example.vn", "mật khẩu dài").name == "Nguyễn Thị Lan"


def test_users_create_refuses_a_short_password(runner):
    result = runner.invoke(
        args=["users", "create", "--email", "a@b.vn", "--name", "A", "--password", "short"]
    )
    assert result.exit_code != 0
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_users_token_prints_a_working_token(runner, client):
    runner.invoke(
        args=["users", "create", "--email", "t@b.vn", "--name", "T", "--password", "long enough"]
    )
    token = runner.invoke(args=["users", "token", "t@b.vn"]).output.strip()
    response = client.get("/api/v1/species", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


def test_reference_load_is_idempotent(runner):
    result = runner.invoke(args=["reference", "load"])
    assert result.exit_code == 0 and '"admin_units": 93' in result.output


def test_demo_load_puts_trees_in_every_commune_once(runner):
    first = runner.invoke(args=["demo", "load", "--trees", "1500"])
    assert first.exit_code == 0, first.output
    assert "1,500 trees" in first.output and "admin@smarttrees.local" in first.output
    again = runner.invoke(args=["demo", "load", "--trees", "1500"])
    assert "already loaded" in again.output
    assert db.session.scalar(select(func.count()).select_from(Tree)) == 1500
    empty = db.session.scalar(
        select(func.count())
        .select_from(AdminUnit)
        .where(
            AdminUnit.level != AdminLevel.PROVINCE,
            ~select(Tree.id).where(Tree.commune_id == AdminUnit.id).exists(),
        )
    )
    assert empty == 0
    # The places the generator wrote agree with the spatial truth.
    wrong = db.session.scalar(
        text("SELECT count(*) FROM trees WHERE commune_id IS DISTINCT FROM commune_at(geom)")
    )
    assert wrong == 0
    in_stands = db.session.scalar(
        text(
            "SELECT count(*) FROM trees t JOIN stands s ON s.id = t.stand_id "
            "WHERE ST_Intersects(s.geom, t.geom)"
        )
    )
    assert in_stands == db.session.scalar(
        select(func.count()).select_from(Tree).where(Tree.category == "plantation")
    )
    assert db.session.scalar(select(func.min(SeedlingLot.quantity_on_hand))) >= 0


def test_demo_load_is_deterministic(runner):
    runner.invoke(args=["demo", "load", "--trees", "300", "--seed", "5"])
    first = db.session.scalar(
        text("SELECT md5(string_agg(ST_AsText(geom), ',' ORDER BY code)) FROM trees")
    )
    db.session.execute(
        text("TRUNCATE lot_events, seedling_lots, nurseries, trees, stands, users CASCADE")
    )
    db.session.commit()
    runner.invoke(args=["demo", "load", "--trees", "300", "--seed", "5"])
    again = db.session.scalar(
        text("SELECT md5(string_agg(ST_AsText(geom), ',' ORDER BY code)) FROM trees")
    )
    assert again == first


def test_a_deferred_job_is_run_by_the_worker(runner, app):
    from smarttrees import jobs

    queue = jobs.queue_app(app.config["DATABASE_URL"])
    with queue.open():
        job_id = queue.configure_task("smarttrees:analyze_inventory").defer()
    result = runner.invoke(args=["jobs", "worker", "--once"])
    assert result.exit_code == 0, result.output
    status = db.session.scalar(
        text("SELECT status FROM procrastinate_jobs WHERE id = :id"), {"id": job_id}
    )
    assert status == "succeeded"


def test_a_larger_demo_tops_up_the_existing_one(runner):
    runner.invoke(args=["demo", "load", "--trees", "400"])
    lots_before = db.session.scalar(select(func.count()).select_from(SeedlingLot))
    result = runner.invoke(args=["demo", "load", "--trees", "1000"])
    assert "600 trees" in result.output and "1,000 demo trees in all" in result.output
    assert db.session.scalar(select(func.count()).select_from(Tree)) == 1000
    assert db.session.scalar(select(func.count()).select_from(SeedlingLot)) == lots_before
    codes = db.session.scalar(select(func.count(func.distinct(Tree.code))))
    assert codes == 1000
