"""The real migrations: down to nothing and up again, with no drift from the models."""

import flask_migrate
import pytest
from sqlalchemy import inspect, text

from smarttrees.config import ROOT
from smarttrees.extensions import db
from smarttrees.services import reference

pytestmark = pytest.mark.external


def _tables() -> set[str]:
    return set(inspect(db.engine).get_table_names())


def test_migrations_run_down_to_base_and_up_again(app):
    assert "trees" in _tables()
    flask_migrate.downgrade(revision="base")
    db.session.remove()
    left = _tables() - {"spatial_ref_sys", "alembic_version"}
    assert left == set()
    types = db.session.scalar(text("SELECT count(*) FROM pg_type WHERE typname = 'tree_category'"))
    assert types == 0
    flask_migrate.upgrade()
    assert {"trees", "inspections", "lot_events", "procrastinate_jobs"} <= _tables()
    reference.load_reference(ROOT / "data" / "reference")


def test_models_and_migrations_agree(runner):
    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output
