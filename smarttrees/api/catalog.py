"""Species and communes."""

from flask import request
from flask_login import current_user

from smarttrees.api import bp
from smarttrees.api.params import whole_arg
from smarttrees.api.serialize import commune_feature, species_dict
from smarttrees.auth import public_or_viewer, role_required
from smarttrees.errors import NotFound, ValidationFailed
from smarttrees.inputs import Fields, is_whole
from smarttrees.models import Role
from smarttrees.services import inventory, maps


@bp.get("/species")
@role_required(Role.VIEWER)
def list_species():
    return {"species": [species_dict(s) for s in inventory.list_species(request.args.get("q"))]}


@bp.get("/communes")
@role_required(Role.VIEWER)
def list_communes():
    counts = inventory.commune_tree_counts()
    units = inventory.list_communes(request.args.get("q"))
    return {
        "type": "FeatureCollection",
        "features": [commune_feature(u, tree_count=counts.get(u.id, 0)) for u in units],
    }


@bp.get("/communes/<code>")
@role_required(Role.VIEWER)
def get_commune(code: str):
    unit = inventory.get_commune(code)
    return commune_feature(unit, tree_count=inventory.commune_tree_counts().get(unit.id, 0))


def _point_arg():
    """The point the query string gives (lon, lat); a 422 naming "location" when it is none."""
    fields = Fields(request.args)
    inventory.parse_location(fields, required=True)
    if fields.errors:
        raise ValidationFailed("Some parameters are not valid.", details=fields.errors)
    return fields.values["geom"]


@bp.get("/here")
@public_or_viewer
def place_here():
    """The stand and commune at a point of the map: what a click there opens."""
    point = _point_arg()
    return maps.place_at(point.x, point.y)


@bp.get("/trees/nearest")
@public_or_viewer
def nearest_trees():
    """The trees nearest a point (the map's "my location"), nearest first, in metres."""
    point = _point_arg()
    return {"trees": maps.nearest_trees(point.x, point.y, whole_arg("limit") or 10)}


@bp.get("/communes/<code>/summary")
@public_or_viewer
def commune_summary(code: str):
    return maps.commune_summary(code)


@bp.get("/stands/<stand_id>")
@public_or_viewer
def stand_summary(stand_id: str):
    if not is_whole(stand_id):
        raise NotFound("No stand has this id.", details={"id": stand_id})
    staff = current_user.is_authenticated and current_user.can(Role.VIEWER)
    return maps.stand_summary(int(stand_id), with_owner=staff)


@bp.get("/search")
@public_or_viewer
def search():
    return {"results": maps.search(request.args.get("q", ""))}
