"""The basemap's tiles, from the file the app serves (PMTiles or MBTiles): /basemap/<z>/<x>/<y>
and what the map needs to draw them, /basemap/info.json. No request leaves the app."""

import gzip
import hashlib

from flask import Response, jsonify, request

from smarttrees.api.tiles import bp, require_map_access, tile_at_args
from smarttrees.basemaps import basemap_info, served_basemap
from smarttrees.errors import NotFound


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
