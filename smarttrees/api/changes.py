"""The change feed: GET /api/v1/changes?since=<cursor>&limit=<n>."""

from flask import request

from smarttrees.api import bp, shapes
from smarttrees.api.description import described
from smarttrees.auth import role_required
from smarttrees.models import Role
from smarttrees.services.interop import changes


@bp.get("/changes")
@role_required(Role.VIEWER)
@described(
    "What changed since a cursor", tag="Changes", query=changes.FEED, answers={200: shapes.CHANGES}
)
def change_feed():
    """Trees, inspections, stands, seedling lots and product batches created, updated or
    deleted after the cursor, oldest first; ask again with `next`."""
    since, limit = changes.parse_feed(request.args)
    return changes.changes_since(since, limit=limit)
