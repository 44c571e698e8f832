"""Label PDFs for the pages' print buttons: layout, Code 128 and margins from the query string."""

import io

from flask import Response, current_app, request, send_file
from flask_babel import gettext

from smarttrees.labels.addresses import label_base_url
from smarttrees.labels.options import label_fonts, print_options
from smarttrees.services import labels


def label_pdf(selection: labels.Selection, *, default_layout: str, filename: str) -> Response:
    config = current_app.config
    args = request.args
    margins = [args.get("margin_left", ""), args.get("margin_top", "")]
    options = print_options(
        layout=args.get("layout"),
        default_layout=default_layout,
        code128=bool(args.get("code128")),
        margins=";".join(margins) if any(margins) else None,
    )
    base = label_base_url(
        config["BASE_URL"], used=request.host_url, production=config["PRODUCTION"]
    )
    buffer = io.BytesIO()
    labels.write_labels(
        selection,
        buffer,
        base_url=base,
        note=gettext("QR codes lead to %(url)s", url="{url}"),
        layout=options.layout,
        fonts=label_fonts(config),
        code128=options.code128,
        limit=config["LABEL_LIMIT"],
        margins=options.margins,
    )
    buffer.seek(0)
    return send_file(buffer, mimetype="application/pdf", download_name=filename)
