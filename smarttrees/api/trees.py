"""Trees as GeoJSON: list with bbox, filters and cursor; one tree; create, edit, inspect."""

from flask import request, url_for
from flask_login import current_user

from smarttrees.api import bp
from smarttrees.api.params import bbox_arg, enum_arg, json_body, whole_arg
from smarttrees.api.serialize import inspection_dict, tree_card_dict, tree_feature
from smarttrees.auth import public_or_viewer, role_required
from smarttrees.models import Condition, Role, TreeCategory
from smarttrees.services import inventory
from smarttrees.services.inventory import TreeQuery


def query_from_args() -> TreeQuery:
    return TreeQuery(
        species_id=whole_arg("species_id"),
        category=enum_arg("category", TreeCategory),
        condition=enum_arg("condition", Condition),
        commune_id=whole_arg("commune_id"),
        q=request.args.get("q"),
        bbox=bbox_arg(),
        after=whole_arg("cursor"),
        limit=whole_arg("limit") or 100,
    )


@bp.get("/trees")
@role_required(Role.VIEWER)
def list_trees():
    rows, next_cursor = inventory.list_trees(query_from_args())
    links = {}
    if next_cursor is not None:
        args = dict(request.args, cursor=next_cursor)
        links["next"] = url_for("api.list_trees", _external=True, **args)
    return {
        "type": "FeatureCollection",
        "features": [tree_feature(tree) for tree in rows],
        "next_cursor": next_cursor,
        "links": links,
    }


@bp.get("/trees/<code>")
@role_required(Role.VIEWER)
def get_tree(code: str):
    tree = inventory.get_tree(code)
    feature = tree_feature(tree)
    feature["properties"]["inspections"] = [inspection_dict(i) for i in tree.inspections]
    return feature


@bp.post("/trees")
@role_required(Role.FIELD)
def create_tree():
    tree = inventory.plant_tree(json_body(), actor=current_user)
    return tree_feature(tree), 201, {"Location": url_for("api.get_tree", code=tree.code)}


@bp.patch("/trees/<code>")
@role_required(Role.MANAGER)
def update_tree(code: str):
    return tree_feature(inventory.edit_tree(code, json_body(), actor=current_user))


@bp.post("/trees/<code>/inspections")
@role_required(Role.FIELD)
def inspect_tree(code: str):
    """Record an inspection: 201 when added, 200 with the earlier copy when the same record
    (client_id) was sent before."""
    done = inventory.record_inspection(code, json_body(), actor=current_user)
    return inspection_dict(done.inspection), 201 if done.created else 200


@bp.get("/trees/<code>/card")
@public_or_viewer
def tree_card(code: str):
    """What the map shows on a click; public when the public map is on."""
    return tree_card_dict(inventory.get_tree(code))
