"""The basemap's tiles, from the file the app serves (PMTiles or MBTiles): /basemap/<z>/<x>/<y>
and what the map needs to draw them, /basemap/info.json. No request leaves the app."""

import gzip
import hashlib
import os
from pathlib import Path

from flask import Response, current_app, jsonify, request, url_for

from smarttrees.api.tiles import bp, require_map_access, tile_at_args
from smarttrees.errors import NotFound
from smarttrees.maps.basemap_files import BasemapUnreadable, open_basemap

_opened: dict[tuple[str, float], object] = {}


def served_basemap():
    """The basemap file, opened once (and again when the file changes); None without one."""
    path = Path(current_app.config["BASEMAP_FILE"])
    try:
        changed = os.stat(path).st_mtime
    except OSError:
        return None
    key = (str(path), changed)
    if key not in _opened:
        try:
            _opened.clear()
            _opened[key] = open_basemap(path)
        except BasemapUnreadable as error:
            current_app.logger.error("basemap not served: %s", error)
            return None
    return _opened[key]


def basemap_info() -> dict | None:
    """The basemap as the map's script takes it: its tiles' URL, vector or raster, its zooms."""
    basemap = served_basemap()
    if basemap is None:
        url = current_app.config["BASEMAP_URL"]
        return {"kind": "raster", "url": url, "maxzoom": 19} if url else None
    template = url_for("tiles.basemap_tile", z=0, x=0, y=0).replace("/0/0/0", "/{z}/{x}/{y}")
    return {**basemap.info().as_dict(), "url": template}


@bp.get("/basemap/info.json")
def basemap_description():
    require_map_access()
    info = basemap_info()
    if info is None:
        raise NotFound("No basemap is installed.")
    return jsonify(info)


@bp.get("/basemap/<z>/<x>/<y>")
def basemap_tile(z: str, x: str, y: str):
    require_map_access()
    tile_at = tile_at_args(z, x, y)
    basemap = served_basemap()
    if basemap is None:
        raise NotFound("No basemap is installed.")
    tile = basemap.tile(tile_at.z, tile_at.x, tile_at.y)
    headers = {"Cache-Control": "public, max-age=86400", "Vary": "Accept-Encoding"}
    if tile is None:
        # An empty vector tile is a tile with nothing in it; an image that is not there, a 404.
        if basemap.info().kind == "vector":
            return Response(b"", mimetype="application/vnd.mapbox-vector-tile", headers=headers)
        raise NotFound("No such tile.")
    body = tile.data
    if tile.gzipped:
        if "gzip" in request.headers.get("Accept-Encoding", ""):
            headers["Content-Encoding"] = "gzip"
        else:
            body = gzip.decompress(body)
    headers["ETag"] = '"' + hashlib.sha1(tile.data).hexdigest()[:16] + '"'
    if headers["ETag"] in request.headers.get("If-None-Match", ""):
        return Response(status=304, headers=headers)
    return Response(body, mimetype=tile.media_type, headers=headers)
