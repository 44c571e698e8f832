"""The dashboard as an Excel workbook: one sheet per figure, headings in the reader's language,
numbers as numbers (Excel formats them as its user's locale does)."""

import re
from typing import BinaryIO

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook

from smarttrees.web.report_charts import WORDS

# sheet title, figure, columns (field, heading); a field of the app's own words is translated
SHEETS = (
    (_l("Trees by category"), "categories", (("key", _l("Category")), ("trees", _l("Trees")))),
    (_l("Trees by condition"), "conditions", (("key", _l("Condition")), ("trees", _l("Trees")))),
    (_l("Trees by species"), "species", (("label", _l("Species")), ("trees", _l("Trees")))),
    (
        _l("Communes"),
        "communes",
        (
            ("code", _l("Code")), ("label", _l("Commune")), ("trees", _l("Trees")),
            ("poor_or_dead", _l("Poor or dead")), ("share_poor", _l("Poor or dead (%)")),
            ("trees_per_ha", _l("Trees per ha")), ("agb_t", _l("Above-ground biomass (t)")),
        ),
    ),
    (
        _l("Planting years"),
        "planting_years",
        (
            ("key", _l("Year planted")), ("trees", _l("Trees")), ("living", _l("Living")),
            ("survival", _l("Survival (%)")), ("inspected_share", _l("Inspected (%)")),
        ),
    ),
    (_l("Plantings by month"), "plantings", (("key", _l("Month")), ("trees", _l("Trees")))),
    (
        _l("Inspections by month"),
        "inspections",
        (("key", _l("Month")), ("inspections", _l("Inspections"))),
    ),
    (
        _l("Stands by species"),
        "stands_by_species",
        (("label", _l("Species")), ("stands", _l("Stands")), ("area_ha", _l("Area (ha)"))),
    ),
    (
        _l("Growth per year"),
        "growth",
        (
            ("species", _l("Species")), ("age_class", _l("Age (years)")),
            ("measure", _l("Measure")), ("trees", _l("Trees measured twice")),
            ("per_year", _l("Growth per year")),
        ),
    ),
    (
        _l("Stands by age"),
        "stands_by_age",
        (("key", _l("Age (years)")), ("stands", _l("Stands")), ("area_ha", _l("Area (ha)"))),
    ),
)  # fmt: skip
CARBON = (
    ("trees", _l("Living trees")), ("not_living", _l("Dead or removed")),
    ("trees_without_dbh", _l("Living trees without DBH (no estimate)")),
    ("heights_estimated", _l("Estimates with a modelled height")),
    ("densities_estimated", _l("Estimates with a genus or default wood density")),
    ("agb_t", _l("Above-ground biomass (t)")), ("carbon_t", _l("Carbon (t)")),
    ("co2e_t", _l("CO₂ equivalent (t)")), ("low", _l("CO₂e, low end of the 95-percent range (t)")),
    ("high", _l("CO₂e, high end of the 95-percent range (t)")),
)  # fmt: skip


def write(out: BinaryIO, figures: dict, *, filters: dict[str, str]) -> None:
    """The summary sheet (filters and carbon), then one sheet per figure."""
    book = Workbook(write_only=True)
    summary = book.create_sheet(gettext("Summary"))
    summary.append([gettext("Filters"), ", ".join(f"{k}={v}" for k, v in filters.items()) or "—"])
    for field, heading in CARBON:
        summary.append([str(heading), figures["carbon"][field]])
    for title, key, columns in SHEETS:
        sheet = book.create_sheet(_sheet_name(str(title)))
        sheet.append([str(heading) for _field, heading in columns])
        rows = figures[key]["rows"] if key == "growth" else figures[key]
        for row in rows:
            sheet.append([_cell(row.get(field), field, key) for field, _heading in columns])
    book.save(out)


def _sheet_name(title: str) -> str:
    """Excel refuses these characters in a sheet's name ("Xã/phường"), and over 31 of them."""
    return re.sub(r"[\\/*?:\[\]]", "-", title)[:31]


def _cell(value, field: str, key: str):
    if value is None:
        return gettext("others") if field == "label" else None
    if field == "key" and key in WORDS:
        return gettext(value)
    if field == "measure":
        return gettext("DBH (cm)") if value == "dbh" else gettext("Height (m)")
    return value
