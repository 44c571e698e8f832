"""Label PDFs for the pages' print buttons: layout, Code 128 and margins from the query string."""

import io

from flask import Response, current_app, request, send_file
from flask_babel import gettext

from smarttrees.errors import ValidationFailed
from smarttrees.labels.addresses import LabelAddressRefused, is_local, label_base_url
from smarttrees.labels.options import label_fonts, print_options
from smarttrees.labels.sheets import LAYOUTS
from smarttrees.services import labels


def _base_url() -> str:
    """The address the printed codes lead to: the configured one, else the one this page was
    asked at (refused in production when it is this computer's)."""
    config = current_app.config
    return label_base_url(
        config["BASE_URL"], used=request.host_url, production=config["PRODUCTION"]
    )


def address_warning() -> str | None:
    """What to tell someone about to print, when the codes would lead phones nowhere."""
    try:
        base = _base_url()
    except LabelAddressRefused as refused:
        return gettext(refused.message)
    if not is_local(base):
        return None
    return gettext(
        "These codes would lead to %(address)s, which only this computer can open: a phone "
        "scanning the printed tag would open nothing. Open the app at the address phones "
        "reach, or set SMARTTREES_BASE_URL, before printing tags to hang on trees.",
        address=base,
    )


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
    base = _base_url()
    buffer = io.BytesIO()
    labels.write_labels(
        selection,
        buffer,
        base_url=base,
        note=gettext("QR codes lead to %(url)s", url="{url}"),
        title=gettext("SmartTrees labels"),
        layout=options.layout,
        fonts=label_fonts(config),
        code128=options.code128,
        limit=config["LABEL_LIMIT"],
        margins=options.margins,
    )
    buffer.seek(0)
    return send_file(buffer, mimetype="application/pdf", download_name=filename)


ROLL_LIMIT = 5_000  # tags in one roll printed from the browser


def roll_pdf(form) -> Response:
    """Reserve fresh tree codes and print their tags, as the form asks (count, layout,
    Code 128); a count that is not one is refused naming the field."""
    count = form.get("count", "").strip()
    if not (count.isascii() and count.isdigit() and 1 <= int(count) <= ROLL_LIMIT):
        raise ValidationFailed(
            "Some fields are not valid.",
            details={"count": "Enter a number of tags from 1 to 5,000."},
        )
    options = print_options(
        layout=form.get("layout"),
        default_layout="tag-50x30",
        code128=bool(form.get("code128")),
        margins=None,
    )
    config = current_app.config
    base = _base_url()
    buffer = io.BytesIO()
    first, last = labels.print_reserved_codes(
        int(count),
        buffer,
        base_url=base,
        note=gettext("QR codes lead to %(url)s", url="{url}"),
        layout=options.layout,
        fonts=label_fonts(config),
        code128=options.code128,
    )
    buffer.seek(0)
    return send_file(buffer, mimetype="application/pdf", download_name=f"tags-{first}-{last}.pdf")


def layout_label(name: str) -> str:
    """A label layout as a person reads it: "A4, 3 × 8 labels of 70 × 37 mm", "Tags of 50 × 30
    mm (a label printer)"."""
    layout = LAYOUTS[name]
    size = f"{layout.label_width:g} × {int(layout.label_height)} mm"
    if layout.columns * layout.rows == 1:
        return gettext("Tags of %(size)s (a label printer)", size=size)
    return gettext(
        "A4, %(columns)s × %(rows)s labels of %(size)s",
        columns=layout.columns,
        rows=layout.rows,
        size=size,
    )
