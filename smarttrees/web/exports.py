"""Exports of the tree list's selection: CSV and GeoJSON streamed; Excel, GeoPackage, zipped
Shapefile and KML written into a file of their own, then sent."""

from flask import Response, request, send_file, stream_with_context

from smarttrees.auth import role_required
from smarttrees.models import Role
from smarttrees.services import exports, inventory
from smarttrees.web import bp
from smarttrees.web.trees import list_query

URL_FORMATS = {"shp.zip": "shp"}  # /trees/export.shp.zip: the file's own suffix
STREAMED = {
    "csv": (inventory.trees_csv, "text/csv; charset=utf-8"),
    "geojson": (inventory.trees_geojson, "application/geo+json"),
}


def _crs() -> int | None:
    """The coordinate system asked for (an EPSG code); a value that is none is refused later."""
    value = request.args.get("crs", "").strip()
    if not value:
        return None
    return int(value) if value.isdigit() else -1


def _streamed(fmt: str) -> Response:
    query, _ = list_query()
    write, mimetype = STREAMED[fmt]
    headers = {"Content-Disposition": f'attachment; filename="trees.{fmt}"'}
    return Response(stream_with_context(write(query)), mimetype=mimetype, headers=headers)


@bp.get("/trees/export.<fmt>")
@role_required(Role.VIEWER)
def tree_export(fmt: str):
    """The trees the list's filters select as a file."""
    if fmt in STREAMED:
        return _streamed(fmt)
    fmt = URL_FORMATS.get(fmt, fmt)
    crs = exports.check_format(fmt, _crs())
    query, _ = list_query()
    path = exports.write_now(query, fmt, crs)
    response = send_file(
        path, mimetype=exports.FORMATS[fmt].mimetype, as_attachment=True, download_name=path.name
    )
    response.call_on_close(lambda: exports.discard(path))
    return response
