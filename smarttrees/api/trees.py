"""Trees as GeoJSON: list with bbox, filters and cursor; one tree; create, edit, inspect."""

from flask import request, url_for
from flask_login import current_user

from smarttrees.api import bp, shapes
from smarttrees.api.description import described
from smarttrees.api.params import json_body
from smarttrees.api.serialize import inspection_dict, tree_card_dict, tree_feature
from smarttrees.api.shapes import ref
from smarttrees.auth import public_or_viewer, role_required
from smarttrees.models import Role
from smarttrees.services import inventory

CODE = {"code": "The code on the tree's label."}


@bp.get("/trees")
@role_required(Role.VIEWER)
@described(
    "Trees, a page at a time",
    tag="Trees",
    query=inventory.TREE_LIST,
    answers={200: ref("TreePage")},
)
def list_trees():
    rows, next_cursor = inventory.list_trees(inventory.tree_query(request.args))
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
@described("A tree and its inspections", tag="Trees", answers={200: ref("Tree")}, path=CODE)
def get_tree(code: str):
    tree = inventory.get_tree(code)
    feature = tree_feature(tree)
    feature["properties"]["inspections"] = [inspection_dict(i) for i in tree.inspections]
    return feature


@bp.post("/trees")
@role_required(Role.FIELD)
@described("Add a tree", tag="Trees", body=inventory.NEW_TREE, answers={201: ref("Tree")})
def create_tree():
    tree = inventory.plant_tree(json_body(), actor=current_user)
    return tree_feature(tree), 201, {"Location": url_for("api.get_tree", code=tree.code)}


@bp.patch("/trees/<code>")
@role_required(Role.MANAGER)
@described(
    "Change a tree", tag="Trees", body=inventory.TREE_CHANGES, answers={200: ref("Tree")}, path=CODE
)
def update_tree(code: str):
    return tree_feature(inventory.edit_tree(code, json_body(), actor=current_user))


@bp.post("/trees/<code>/inspections")
@role_required(Role.FIELD)
@described(
    "Record an inspection",
    tag="Trees",
    body=inventory.INSPECTION,
    answers={200: ref("Inspection"), 201: ref("Inspection")},
    path=CODE,
)
def inspect_tree(code: str):
    """Record an inspection: 201 when added, 200 with the earlier copy when the same record
    (client_id) was sent before."""
    done = inventory.record_inspection(code, json_body(), actor=current_user)
    return inspection_dict(done.inspection), 201 if done.created else 200


@bp.get("/trees/<code>/card")
@public_or_viewer
@described("What the map shows of a tree", tag="Map", answers={200: shapes.TREE_CARD}, path=CODE)
def tree_card(code: str):
    """What the map shows on a click; public when the public map is on."""
    return tree_card_dict(inventory.get_tree(code))
