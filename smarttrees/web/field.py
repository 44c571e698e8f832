"""Pages a label's QR code opens on a phone: /t/<code> for trees (lots and batches: custody).

Small and quick on a slow network: no map library, one stylesheet. Without login they show
the public card when the public map is on, and ask for a login otherwise.
"""

import json

from flask import (
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user

from smarttrees.auth import role_required
from smarttrees.extensions import login
from smarttrees.labels import codes
from smarttrees.measures import MEASURES
from smarttrees.models import Role
from smarttrees.services import custody, inventory, labels
from smarttrees.services.custody import LOT_PREFIX
from smarttrees.services.custody.harvests import BATCH_PREFIX
from smarttrees.web import bp
from smarttrees.web.printing import label_pdf

PAGES_BY_PREFIX = {LOT_PREFIX: "pages.lot_tag", BATCH_PREFIX: "pages.batch_tag"}


def may_see() -> bool:
    """A label's page opens for staff, and for anyone while the public map is on."""
    return current_user.is_authenticated or current_app.config["PUBLIC_MAP"]


def not_found(scan, kind: str, *, may_tag: bool = False):
    """The page of a code that names no record: the real codes one typo away, if any."""
    return render_template("field/not_found.html", scan=scan, kind=kind, may_tag=may_tag), 404


@bp.get("/t/<code>")
def tree_tag(code: str):
    if not may_see():
        return login.unauthorized()
    scan = labels.scan_tree(code)
    if scan.record is None:
        may_tag = current_user.is_authenticated and current_user.can(Role.FIELD)
        return not_found(scan, "tree", may_tag=may_tag)
    return render_template("field/tree.html", tree=scan.record)


@bp.get("/scan")
def scan():
    """Scan a label with the phone's camera, or type its code."""
    if not may_see():
        return login.unauthorized()
    typed = request.args.get("code", "").strip()
    if typed:
        code = codes.normalize(typed)
        page = "pages.tree_tag"
        if len(code) == codes.PAYLOAD_LENGTH + 2 and code[0] in PAGES_BY_PREFIX:
            page = PAGES_BY_PREFIX[code[0]]
        return redirect(url_for(page, code=code))
    wasm = url_for("vendor.asset", package="zxing-wasm", filename="dist/reader/zxing_reader.wasm")
    return render_template("field/scan.html", wasm_url=wasm)


@bp.get("/field")
@role_required(Role.FIELD)
def field_app():
    """The installable field app: works offline on the trees of the area the user chose."""
    # The server's own ranges, so a phone offline refuses what the server would refuse.
    limits = {
        m.column: {"low": m.low, "high": m.high, "message": gettext(m.message)}
        for m in MEASURES.values()
    }
    return render_template("field/app.html", communes=inventory.list_communes(), limits=limits)


@bp.get("/sw.js")
def service_worker():
    """The field app's service worker, served from the root so it may look after /t/ pages."""
    response = send_from_directory(current_app.static_folder, "js/sw.js", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/manifest.webmanifest")
def manifest():
    """What a phone needs to install the field app."""
    body = {
        "name": "SmartTrees",
        "short_name": "SmartTrees",
        "start_url": url_for("pages.field_app"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#f6f8f6",
        "theme_color": "#1f6f3f",
        "icons": [
            {
                "src": url_for("static", filename=f"icons/tree-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
            }
            for size in (192, 512)
        ],
    }
    return current_app.response_class(json.dumps(body), mimetype="application/manifest+json")


@bp.get("/l/<code>/label.pdf")
@role_required(Role.NURSERY)
def lot_label(code: str):
    """The lot's label, to print again for its trays (a nursery's operators: their own)."""
    if not custody.may_print_label(current_user, custody.get_lot(code)):
        abort(403)
    return label_pdf(
        labels.Selection(lots=(code,)), default_layout="tag-50x30", filename=f"{code}.pdf"
    )
