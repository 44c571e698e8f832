"""Label PDFs for the pages' print buttons: layout, Code 128 and margins from the query string."""

import io

from flask import Response, current_app, request, send_file

from smarttrees.labels.sheets import register_fonts
from smarttrees.services import labels


def _margins() -> tuple[float, float] | None:
    """Sheet margins (left, top) in millimetres, when the printer needs them moved."""
    left, top = request.args.get("margin_left", ""), request.args.get("margin_top", "")
    try:
        return (float(left), float(top)) if left or top else None
    except ValueError:
        return None


def label_pdf(selection: labels.Selection, *, default_layout: str, filename: str) -> Response:
    config = current_app.config
    buffer = io.BytesIO()
    labels.write_labels(
        selection,
        buffer,
        base_url=config["BASE_URL"],
        layout=request.args.get("layout", default_layout),
        fonts=register_fonts(config["LABEL_FONT"], config["LABEL_FONT_BOLD"]),
        code128=bool(request.args.get("code128")),
        limit=config["LABEL_LIMIT"],
        margins=_margins(),
    )
    buffer.seek(0)
    return send_file(buffer, mimetype="application/pdf", download_name=filename)
