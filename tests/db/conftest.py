"""The database's fixtures for every test here (a migrated PostGIS, emptied after each)."""

from tests.helpers.database import (  # noqa: F401  (fixtures)
    _app_context,
    app,
    client,
    live_server,
    public_map,
    runner,
)
from tests.helpers.imports import upload_dir  # noqa: F401  (a fixture)
