"""Vector tiles: /tiles/<layer>/<z>/<x>/<y>.pbf with cache validators tied to the data."""

import gzip
import hashlib

from flask import Blueprint, Response, current_app, request
from flask_login import current_user

from smarttrees.api.params import enum_arg, whole_arg
from smarttrees.errors import DomainError, Forbidden, Unauthorized, ValidationFailed
from smarttrees.geo.tiles import Tile, parse_tile
from smarttrees.inputs import is_whole
from smarttrees.models import Condition, Role, TreeCategory
from smarttrees.services import maps
from smarttrees.services.maps import TileFilter

bp = Blueprint("tiles", __name__, url_prefix="/tiles")
MVT_TYPE = "application/vnd.mapbox-vector-tile"


class BadTile(DomainError):
    status = 400
    code = "bad_tile"


def require_map_access() -> None:
    """Tiles are public when the public map is switched on; otherwise viewers and up."""
    if current_app.config["PUBLIC_MAP"]:
        return
    if not current_user.is_authenticated:
        raise Unauthorized("Sign in first.")
    if not current_user.can(Role.VIEWER):
        raise Forbidden("You do not have permission to do this.")


def tile_at_args(z: str, x: str, y: str) -> Tile:
    """The tile the URL names; a 400 naming the part that is not one."""
    try:
        return parse_tile(z, x, y)
    except ValueError as error:
        part = str(error)
        raise BadTile(
            "This is not a tile of the map.",
            details={part: "Tile coordinates are whole numbers within the zoom's grid."},
        ) from None


def tile_filter() -> TileFilter:
    species = request.args.get("species", "").strip()
    parts = [part.strip() for part in species.split(",") if part.strip()]
    if not all(is_whole(part) for part in parts):
        raise ValidationFailed(
            "Some parameters are not valid.", details={"species": "Species ids, comma-separated."}
        )
    return TileFilter(
        category=enum_arg("category", TreeCategory),
        condition=enum_arg("condition", Condition),
        species_ids=tuple(sorted(int(part) for part in parts)),
        commune_id=whole_arg("commune"),
        planted_year=whole_arg("year"),
        import_batch_id=whole_arg("batch"),
    )


def _respond(render, *, layer: str, version: int, key: str = "") -> Response:
    """A tile with an ETag from the data version: unchanged data is answered with 304."""
    digest = hashlib.sha1(f"{layer}|{version}|{key}".encode()).hexdigest()[:16]
    etag = f'"{digest}"'
    public = current_app.config["PUBLIC_MAP"]
    headers = {
        "ETag": etag,
        "Cache-Control": ("public" if public else "private") + ", no-cache",
        "Vary": "Accept-Encoding, Cookie",
    }
    if etag in request.headers.get("If-None-Match", ""):
        return Response(status=304, headers=headers)
    body = render()
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        body = gzip.compress(body, compresslevel=5)
        headers["Content-Encoding"] = "gzip"
    return Response(body, mimetype=MVT_TYPE, headers=headers)


@bp.get("/trees/<z>/<x>/<y>.pbf")
def trees(z: str, x: str, y: str):
    require_map_access()
    tile, filters = tile_at_args(z, x, y), tile_filter()
    version = maps.tree_tile_version(tile)
    return _respond(
        lambda: maps.tree_tile(tile, filters), layer="trees", version=version, key=filters.key()
    )


@bp.get("/stands/<z>/<x>/<y>.pbf")
def stands(z: str, x: str, y: str):
    require_map_access()
    tile = tile_at_args(z, x, y)
    version = maps.layer_version("stands")
    return _respond(lambda: maps.stand_tile(tile), layer="stands", version=version)


@bp.get("/communes/<z>/<x>/<y>.pbf")
def communes(z: str, x: str, y: str):
    require_map_access()
    tile = tile_at_args(z, x, y)
    version = max(maps.layer_version("communes"), maps.tree_tile_version(Tile(0, 0, 0)))
    return _respond(lambda: maps.commune_tile(tile), layer="communes", version=version)
