"""Species and communes."""

from flask import request
from flask_login import current_user

from smarttrees.api import bp, shapes
from smarttrees.api.description import described
from smarttrees.api.serialize import commune_feature, species_dict
from smarttrees.auth import public_or_viewer, role_required
from smarttrees.errors import NotFound
from smarttrees.inputs import is_whole
from smarttrees.models import Role
from smarttrees.services import inventory, maps

COMMUNE_CODE = {"code": "The commune's five-digit statistics code."}


@bp.get("/species")
@role_required(Role.VIEWER)
@described(
    "Species",
    tag="Reference",
    query=inventory.NAME_SEARCH,
    answers={200: shapes.record({"species": shapes.items(shapes.ref("Species"))})},
)
def list_species():
    return {
        "species": [
            species_dict(s)
            for s in inventory.list_species(inventory.NAME_SEARCH.parse(request.args).get("q"))
        ]
    }


@bp.get("/communes")
@role_required(Role.VIEWER)
@described(
    "Communes with their trees",
    tag="Reference",
    query=inventory.NAME_SEARCH,
    answers={
        200: shapes.record(
            {"type": {"const": "FeatureCollection"}, "features": shapes.items(shapes.COMMUNE)}
        )
    },
)
def list_communes():
    counts = inventory.commune_tree_counts()
    units = inventory.list_communes(inventory.NAME_SEARCH.parse(request.args).get("q"))
    return {
        "type": "FeatureCollection",
        "features": [commune_feature(u, tree_count=counts.get(u.id, 0)) for u in units],
    }


@bp.get("/communes/<code>")
@role_required(Role.VIEWER)
@described("A commune", tag="Reference", answers={200: shapes.COMMUNE}, path=COMMUNE_CODE)
def get_commune(code: str):
    unit = inventory.get_commune(code)
    return commune_feature(unit, tree_count=inventory.commune_tree_counts().get(unit.id, 0))


def _point_arg():
    """The point the query string gives (lon, lat); a 422 naming "location" when it is none."""
    return maps.POINT.parse(request.args)["geom"]


@bp.get("/here")
@public_or_viewer
@described(
    "The stand and commune at a point", tag="Map", query=maps.POINT, answers={200: shapes.PLACE}
)
def place_here():
    """The stand and commune at a point of the map: what a click there opens."""
    point = _point_arg()
    return maps.place_at(point.x, point.y)


@bp.get("/trees/nearest")
@public_or_viewer
@described(
    "The trees nearest a point", tag="Map", query=maps.NEAREST, answers={200: shapes.NEAREST}
)
def nearest_trees():
    """The trees nearest a point (the map's "my location"), nearest first, in metres."""
    values = maps.NEAREST.parse(request.args)
    point = values["geom"]
    return {"trees": maps.nearest_trees(point.x, point.y, values.get("limit") or 10)}


@bp.get("/communes/<code>/summary")
@public_or_viewer
@described("A commune's card", tag="Map", answers={200: shapes.COMMUNE_SUMMARY}, path=COMMUNE_CODE)
def commune_summary(code: str):
    return maps.commune_summary(code)


@bp.get("/stands/<stand_id>")
@public_or_viewer
@described(
    "A stand's card",
    tag="Map",
    answers={200: shapes.STAND_SUMMARY},
    path={"stand_id": "The stand's id."},
)
def stand_summary(stand_id: str):
    if not is_whole(stand_id):
        raise NotFound("No stand has this id.", details={"id": stand_id})
    staff = current_user.is_authenticated and current_user.can(Role.VIEWER)
    return maps.stand_summary(int(stand_id), with_owner=staff)


@bp.get("/search")
@public_or_viewer
@described("Find a commune or a tree", tag="Map", query=maps.SEARCH, answers={200: shapes.SEARCH})
def search():
    return {"results": maps.search(maps.SEARCH.parse(request.args).get("q") or "")}
