"""JSON and GeoJSON under /api/v1. Browsers use their session; other clients a bearer token."""

from flask import Blueprint, Flask, request
from flask_login import current_user

from smarttrees.extensions import csrf
from smarttrees.services import admin

bp = Blueprint("api", __name__, url_prefix="/api/v1")
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


@bp.before_request
def _protect_session_writes() -> None:
    """Bearer-token clients carry no cookie to forge; cookie clients must send X-CSRFToken.

    A request with neither is anonymous and is answered 401 by the view.
    """
    if request.method in SAFE_METHODS or _valid_bearer():
        return
    if current_user.is_authenticated:
        csrf.protect()


def _valid_bearer() -> bool:
    """A request that authenticates with a valid token; any other Authorization header (a
    made-up one beside a session cookie) does not excuse a session client from CSRF."""
    header = request.headers.get("Authorization", "")
    return (
        header.startswith("Bearer ")
        and admin.user_for_token(header.removeprefix("Bearer ").strip()) is not None
    )


def register(app: Flask) -> None:
    from smarttrees.api import (  # noqa: F401  (routes on bp and tiles.bp)
        basemap,
        catalog,
        changes,
        custody,
        exports,
        field,
        imports,
        ogc,
        openapi,
        reports,
        tiles,
        trees,
    )

    # Token clients cannot hold a CSRF token; session clients must send X-CSRFToken on writes.
    csrf.exempt(bp)
    app.register_blueprint(bp)
    app.register_blueprint(tiles.bp)
    app.register_blueprint(ogc.bp)
