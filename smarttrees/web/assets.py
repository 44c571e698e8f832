"""Front-end packages installed by npm, served by the app itself (no CDN at run time)."""

import json
from pathlib import Path

from flask import Blueprint, abort, current_app, send_from_directory

vendor = Blueprint("vendor", __name__, url_prefix="/vendor")


def _allowed_packages() -> set[str]:
    manifest = Path(current_app.root_path).parent / "package.json"
    return set(json.loads(manifest.read_text())["dependencies"])


@vendor.get("/<package>/<path:filename>")
def asset(package: str, filename: str):
    """A file from an allow-listed package in node_modules (dependencies in package.json)."""
    if package not in _allowed_packages():
        abort(404)
    directory = Path(current_app.config["NODE_MODULES"]) / package
    return send_from_directory(directory, filename, max_age=86400)
