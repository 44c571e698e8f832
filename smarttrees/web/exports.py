"""Exports of the tree list's selection: CSV and GeoJSON streamed; Excel, GeoPackage, zipped
Shapefile and KML written at once when small, else made by a background job whose page shows
its progress and then hands over the file."""

from pathlib import Path

from flask import (
    Response,
    current_app,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_login import current_user

from smarttrees.auth import role_required
from smarttrees.inputs import is_whole
from smarttrees.models import Role
from smarttrees.services import exports, inventory
from smarttrees.web import bp
from smarttrees.web.trees import list_query

URL_FORMATS = {"shp.zip": "shp"}  # /trees/export.shp.zip: the file's own suffix
STREAMED = {
    "csv": (inventory.trees_csv, "text/csv; charset=utf-8"),
    "geojson": (inventory.trees_geojson, "application/geo+json"),
}


def export_dir() -> Path:
    return Path(current_app.config["EXPORT_DIR"])


def _crs() -> int | None:
    """The coordinate system asked for (an EPSG code); a value that is none is refused later."""
    value = request.args.get("crs", "").strip()
    if not value:
        return None
    return int(value) if is_whole(value) else -1


def _streamed(fmt: str) -> Response:
    query, _ = list_query()
    write, mimetype = STREAMED[fmt]
    headers = {"Content-Disposition": f'attachment; filename="trees.{fmt}"'}
    return Response(stream_with_context(write(query)), mimetype=mimetype, headers=headers)


@bp.get("/trees/export.<fmt>")
@role_required(Role.VIEWER)
def tree_export(fmt: str):
    """The trees the list's filters select as a file: at once when few, else a page that
    offers to make it in the background."""
    if fmt in STREAMED:
        return _streamed(fmt)
    url_format, fmt = fmt, URL_FORMATS.get(fmt, fmt)
    crs = exports.check_format(fmt, _crs())
    query, args = list_query()
    size = exports.size(query, at_once=current_app.config["EXPORT_AT_ONCE"])
    if size.in_background:
        active = {name: value for name, value in args.items() if value}
        return render_template(
            "exports/start.html",
            fmt=fmt,
            url_format=url_format,
            crs=crs,
            size=size,
            active=active,
        )
    path = exports.write_now(query, fmt, crs)
    response = send_file(
        path, mimetype=exports.FORMATS[fmt].mimetype, as_attachment=True, download_name=path.name
    )
    response.call_on_close(lambda: exports.discard(path))
    return response


@bp.post("/trees/export.<fmt>")
@role_required(Role.VIEWER)
def tree_export_start(fmt: str):
    """Make the file of the list's selection in the background, and follow it on its page."""
    query, _ = list_query()
    fmt = URL_FORMATS.get(fmt, fmt)
    export = exports.start(query, fmt, _crs(), actor_id=current_user.id, export_dir=export_dir())
    return redirect(url_for("pages.export_detail", export_id=export.id))


def _export(export_id: str) -> exports.Export:
    """An export of the signed-in user's (any, for an admin)."""
    return exports.get(
        export_id,
        export_dir=export_dir(),
        user_id=current_user.id,
        sees_all=current_user.can(Role.ADMIN),
    )


@bp.get("/exports/<export_id>")
@role_required(Role.VIEWER)
def export_detail(export_id: str):
    """An export's progress, then its file (or why it failed)."""
    export = _export(export_id)
    return render_template("exports/detail.html", export=export, Status=exports.ExportStatus)


@bp.get("/exports/<export_id>/file")
@role_required(Role.VIEWER)
def export_file(export_id: str):
    export = _export(export_id)
    return send_file(
        exports.file_of(export, export_dir()),
        mimetype=exports.FORMATS[export.format].mimetype,
        as_attachment=True,
        download_name=export.filename,
    )
