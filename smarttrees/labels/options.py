"""What a print asks for, parsed in one place for every door (the pages' print buttons and the
CLI): the sheet layout, a Code 128 barcode, margins moved for a printer that feeds off-centre,
and the label fonts the settings name."""

from collections.abc import Mapping
from dataclasses import dataclass

from smarttrees.errors import ValidationFailed
from smarttrees.labels.sheets import LAYOUTS, Fonts, register_fonts

MAX_MARGIN_MM = 30.0


@dataclass(frozen=True)
class PrintOptions:
    layout: str
    code128: bool = False
    margins: tuple[float, float] | None = None  # left, top in millimetres


def print_options(
    *, layout: str | None, default_layout: str, code128: bool, margins: str | None
) -> PrintOptions:
    """Options from text as a query string or the command line gives them; `margins` is
    "left,top" in millimetres, or "left;top" where each may have a decimal comma."""
    errors: dict[str, str] = {}
    layout = (layout or "").strip() or default_layout
    if layout not in LAYOUTS:
        errors["layout"] = "Choose one of the listed values."
    moved = _margins(margins, errors)
    if errors:
        raise ValidationFailed("Some fields are not valid.", details=errors)
    return PrintOptions(layout=layout, code128=code128, margins=moved)


def _margins(text: str | None, errors: dict) -> tuple[float, float] | None:
    if not text or not text.strip(" ,;"):
        return None
    # "4,5;6": with a semicolon between them, each margin may have a decimal comma.
    parts = text.replace(",", ".").split(";") if ";" in text else text.split(",")
    try:
        left, top = (float(part.strip() or 0) for part in parts)
    except ValueError:
        errors["margins"] = "Give the left and top margins in millimetres, e.g. 4.5,6."
        return None
    if not all(-MAX_MARGIN_MM <= value <= MAX_MARGIN_MM for value in (left, top)):
        errors["margins"] = "A margin can move a sheet by at most 30 mm."
        return None
    return left, top


def label_fonts(settings: Mapping) -> Fonts:
    """The fonts the settings name (LABEL_FONT, LABEL_FONT_BOLD), registered once."""
    return register_fonts(settings["LABEL_FONT"], settings["LABEL_FONT_BOLD"])
