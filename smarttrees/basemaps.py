"""The basemap the app serves: its file (PMTiles or MBTiles) opened once, and what a map's
script needs to draw it. Used by the map pages and by the tile routes."""

import os
from pathlib import Path

from flask import current_app, url_for

from smarttrees.maps.basemap_files import BasemapUnreadable, open_basemap

_opened: dict[tuple[str, float], object] = {}


def served_basemap():
    """The basemap file, opened once (and again when the file changes); None without one, or
    when it cannot be read (said once in the log)."""
    if not current_app.config["BASEMAP_FILE"]:
        return None
    path = Path(current_app.config["BASEMAP_FILE"])
    try:
        changed = os.stat(path).st_mtime
    except OSError:
        return None
    key = (str(path), changed)
    if key not in _opened:
        _opened.clear()
        try:
            _opened[key] = open_basemap(path)
        except BasemapUnreadable as error:
            current_app.logger.error("basemap not served: %s", error)
            _opened[key] = None
    return _opened[key]


def basemap_info() -> dict | None:
    """The basemap as the map's script takes it: its tiles' URL, vector or raster, its zooms."""
    basemap = served_basemap()
    if basemap is None:
        url = current_app.config["BASEMAP_URL"]
        return {"kind": "raster", "url": url, "maxzoom": 19} if url else None
    template = url_for("tiles.basemap_tile", z=0, x=0, y=0).replace("/0/0/0", "/{z}/{x}/{y}")
    return {**basemap.info().as_dict(), "url": template}
