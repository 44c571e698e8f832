"""Fixtures for the tests that need the database: a real PostGIS database migrated by the real
migrations; app, client, runner, the live server for Chromium. Unit tests never load them."""

import contextvars
import os

import flask_migrate
import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from smarttrees import create_app
from smarttrees.config import ROOT, local_database_url, sqlalchemy_url
from smarttrees.extensions import db
from smarttrees.services import admin

# Tables emptied after every test; reference data (communes, species) stays loaded.
MUTABLE_TABLES = (
    "audit_log, lot_events, seedling_lots, nurseries, inspections, trees, stands, "
    "product_lineage, product_batches, import_row_errors, import_batches, api_tokens, users, "
    "procrastinate_jobs, login_attempts, harvests, shipments, shipment_items, "
    "forest_baseline, changes, user_communes"
)  # truncating trees also empties the map tallies (a database trigger)


# The rows an import's check keeps for its write live in a schema of the batch's own.
DROP_KEPT_IMPORT_ROWS = """
DO $$ DECLARE name text;
BEGIN
  FOR name IN SELECT nspname FROM pg_namespace WHERE nspname ~ '^import_[0-9]+$' LOOP
    EXECUTE format('DROP SCHEMA %I CASCADE', name);
  END LOOP;
END $$"""


def _database_url() -> str:
    return os.environ.get("TEST_DATABASE_URL") or local_database_url("smarttrees_test")


def reset_schema(url: str) -> None:
    """An empty public schema with PostGIS, so the migrations start from nothing."""
    engine = create_engine(sqlalchemy_url(url))
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
        connection.execute(text("CREATE EXTENSION postgis"))
    engine.dispose()


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    url = _database_url()
    reset_schema(url)
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": url,
            "SQLALCHEMY_DATABASE_URI": sqlalchemy_url(url),
            "BASEMAP_FILE": "",  # no basemap, unless a test builds one
            "EXPORT_DIR": str(tmp_path_factory.mktemp("exports")),  # not the app's var/
        }
    )
    with app.app_context():
        flask_migrate.upgrade()
        admin.load_reference(ROOT / "data" / "reference")
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _app_context(app):
    with app.app_context():
        yield
        db.session.rollback()
        db.session.execute(text(f"TRUNCATE {MUTABLE_TABLES} RESTART IDENTITY CASCADE"))
        db.session.execute(text(DROP_KEPT_IMPORT_ROWS))
        db.session.commit()
        db.session.info.clear()


class IsolatedClient(FlaskClient):
    """Each request runs in a fresh context, as in production: the test's own app context
    (its session, g, cached locale, signed-in user) does not leak into the request."""

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def client(app):
    app.test_client_class = IsolatedClient
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture(scope="module")
def live_server(app):
    """The app on a free local port, for the browser tests."""
    from tests.helpers.browser import LiveServer

    server = LiveServer(app)
    yield server
    server.stop()


@pytest.fixture
def public_map(app):
    """The public read-only map switched on for one test."""
    app.config["PUBLIC_MAP"] = True
    yield
    app.config["PUBLIC_MAP"] = False
