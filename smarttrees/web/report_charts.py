"""The dashboard's charts as data for the page's script: translated labels, values, and for
each bar the address of the trees behind it (the tree list under the same filters)."""

from flask import url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from smarttrees import report_document
from smarttrees.i18n import number
from smarttrees.services.reports.figures import CONDITIONS

# id, title, figure, kind, value field, the tree list's parameter for a bar (None: no link)
CHARTS = (
    ("categories", _l("Trees by category"), "categories", "bar", "trees", "category"),
    ("conditions", _l("Trees by condition"), "conditions", "bar", "trees", "condition"),
    ("species", _l("Trees by species"), "species", "hbar", "trees", "species_id"),
    ("years", _l("Trees by year of planting"), "planting_years", "bar", "trees", "year"),
    ("plantings", _l("Trees planted per month"), "plantings", "line", "trees", None),
    ("inspections", _l("Inspections per month"), "inspections", "line", "inspections", None),
    ("stands", _l("Stand area by species (ha)"), "stands_by_species", "hbar", "area_ha", None),
    ("ages", _l("Stand area by age (ha)"), "stands_by_age", "bar", "area_ha", None),
)  # fmt: skip
WORDS = {"categories", "conditions"}  # figures whose keys are the app's words


def _label(row: dict, figure: str) -> str:
    word = row["key"]
    if figure in WORDS:
        return gettext(word) if word else "—"
    if figure == "stands_by_age":
        return gettext("%(low)s–%(high)s years", low=row["key"], high=row["key"] + 4)
    if "label" in row:
        return row["label"] or gettext("others")
    return str(row["key"])


def stacked(figures: dict, args: dict[str, str]) -> dict:
    """Trees by category, stacked by condition: each bar links to its category's trees."""
    rows = figures["condition_by_category"]
    words = [row["key"] for row in rows]
    conditions = [c for c in CONDITIONS if any(c in row["conditions"] for row in rows)]
    return {
        "id": "stacked", "title": str(_l("Condition of the trees by category")), "kind": "stacked",
        "labels": [gettext(word) for word in words],
        "values": [sum(row["conditions"].values()) for row in rows],
        "texts": [number(sum(row["conditions"].values())) for row in rows],
        "links": [url_for("pages.tree_list", **(args | {"category": w})) for w in words],
        "stacks": [
            {"label": gettext(c) if c else "—", "key": c,
             "values": [row["conditions"].get(c, 0) for row in rows]}
            for c in conditions
        ],
        "survival": None,
    }  # fmt: skip


def charts(figures: dict, args: dict[str, str]) -> list[dict]:
    """Each chart's title, kind, labels, values (with their text) and links."""
    out = []
    for chart_id, title, figure, kind, field, parameter in CHARTS:
        rows = figures[figure]
        out.append({
            "id": chart_id, "title": str(title), "kind": kind,
            "labels": [_label(row, figure) for row in rows],
            "values": [row[field] or 0 for row in rows],
            "texts": [number(row[field] or 0) for row in rows],
            "links": [
                url_for("pages.tree_list", **(args | {parameter: row["key"]}))
                if parameter and row["key"] is not None else None
                for row in rows
            ],
            "survival": [row["survival"] for row in rows] if figure == "planting_years" else None,
        })  # fmt: skip
    out.insert(2, stacked(figures, args))
    return out


# The method's keys (smarttrees.allometry.METHOD) as the page names them: the report's names.
METHOD_NAMES = {key: _l(name) for key, name in report_document.METHOD_NAMES.items()}
