"""The report's tables: key figures, every commune, the worst communes, stands, and the
method with each equation's source and each default."""

from collections.abc import Callable

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Table
from reportlab.platypus.flowables import Flowable

from smarttrees.report_document import formats
from smarttrees.report_document.layout import RULE, WIDTH, Pen
from smarttrees.report_document.texts import COMPARISON, METHOD_INTRO, METHOD_NAMES, YEARS

RANGE = "95 %"  # the probability of the range (smarttrees.allometry.Z_95)
UNDERLINED = ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE)


def key_figures(carbon: dict, pen: Pen, *, width: float) -> Table:
    """Trees, living and not, biomass, carbon and CO₂e with its range, and what rests on a
    model: label and value, the living trees and CO₂e in bold."""
    words, estimates = pen.words, carbon["trees_with_dbh"]

    def modelled(part: int) -> str:
        share = f"{formats.share(part, estimates)} %"
        return words("{count} ({share} of the estimates)", count=formats.count(part), share=share)

    low, high = formats.tonnes(carbon["low"]), formats.tonnes(carbon["high"])
    rows = [
        (words("Trees recorded"), formats.count(carbon["trees"] + carbon["not_living"])),
        (words("Living trees"), formats.count(carbon["trees"])),
        (words("Dead or removed"), formats.count(carbon["not_living"])),
        (words("Above-ground biomass (t)"), formats.tonnes(carbon["agb_t"])),
        (words("Carbon (t)"), formats.tonnes(carbon["carbon_t"])),
        (words("CO₂ equivalent (t)"), formats.tonnes(carbon["co2e_t"])),
        (f"{words('Range')} ({RANGE})", f"{low} – {high}"),
        (words("Estimates with a modelled height"), modelled(carbon["heights_estimated"])),
        (
            words("Estimates with a genus or default wood density"),
            modelled(carbon["densities_estimated"]),
        ),
        (
            words("Living trees without DBH (no estimate)"),
            formats.count(carbon["trees_without_dbh"]),
        ),
    ]
    bold = {1, 5}  # living trees, CO₂e
    cells = [
        [pen.write(label, "strong" if i in bold else "cell"),
         pen.write(value, "total" if i in bold else "number")]
        for i, (label, value) in enumerate(rows)
    ]  # fmt: skip
    return pen.table(cells, [width * 0.55, width * 0.45], UNDERLINED)


def comparison(carbon: dict, pen: Pen) -> list[Paragraph]:
    """Huy et al. 2019 beside Chave for the living dipterocarps, when there are any."""
    beside = carbon.get("comparison") or {}
    if not beside.get("trees"):
        return []
    values = {
        "n": formats.count(beside["trees"]),
        "chave": formats.tonnes(beside["chave_agb_t"]),
        "huy": formats.tonnes(beside["huy_agb_t"]),
    }
    return [pen.write(pen.words(COMPARISON) % values, "small")]


def communes(rows: list[dict], carbon: dict, pen: Pen) -> Table:
    """Every commune, most trees first, and the total; runs over as many pages as it needs."""
    head = ("No.", "Commune", "Trees", "Trees per ha", "Poor or dead (%)",
            "Above-ground biomass (t)")  # fmt: skip
    body = [
        [
            pen.write(str(index), "number"),
            pen.write(row["label"] if row["key"] else pen.words("Outside any commune"), "cell"),
            pen.write(formats.count(row["trees"]), "number"),
            pen.write(formats.decimal(row["trees_per_ha"], 2), "number"),
            pen.write(formats.decimal(row["share_poor"], 1), "number"),
            pen.write(formats.tonnes(row["agb_t"]), "number"),
        ]
        for index, row in enumerate(rows, start=1)
    ]
    trees, poor = sum(r["trees"] for r in rows), sum(r["poor_or_dead"] for r in rows)
    total = [
        pen.say("Total", "strong"),
        "",
        pen.write(formats.count(trees), "total"),
        "",
        pen.write(formats.share(poor, trees), "total"),
        pen.write(formats.tonnes(carbon["agb_t"]), "total"),
    ]
    cells = [[pen.say(h, "head") for h in head], *body, total]
    widths = [w * mm for w in (11, 59, 28, 24, 26, 32)]
    return pen.ruled(cells, widths, style=[("SPAN", (0, -1), (1, -1))])


def worst_communes(rows: list[dict], pen: Pen, *, width: float) -> Flowable:
    """The communes with the largest share of poor or dead trees."""
    if not rows:
        return pen.say("Nothing to show under these filters.", "small")
    head = ("No.", "Commune", "Trees", "Poor or dead", "Poor or dead (%)")
    body = [
        [
            pen.write(str(index), "number"),
            pen.write(row["label"], "cell"),
            pen.write(formats.count(row["trees"]), "number"),
            pen.write(formats.count(row["poor_or_dead"]), "number"),
            pen.write(formats.decimal(row["share_poor"], 1), "number"),
        ]
        for index, row in enumerate(rows, start=1)
    ]
    widths = [width * share for share in (0.095, 0.325, 0.18, 0.19, 0.21)]
    return pen.ruled([[pen.say(h, "head") for h in head], *body], widths)


def _stand_table(rows: list[dict], first: str, name: Callable[[dict], str], pen: Pen) -> Flowable:
    """Stands and area for each row, named by `name`."""
    if not rows:
        return pen.say("Nothing to show under these filters.", "small")
    half = WIDTH / 2 - 2 * mm
    head = [pen.say(h, "head") for h in (first, "Stands", "Area (ha)")]
    body = [
        [
            pen.write(name(row), "cell"),
            pen.write(formats.count(row["stands"]), "number"),
            pen.write(formats.decimal(row["area_ha"], 1), "number"),
        ]
        for row in rows
    ]
    return pen.ruled([head, *body], [half * 0.56, half * 0.2, half * 0.24])


def stands(figures: dict, pen: Pen) -> Table:
    """Stands and their area by species and by age class (5 years), side by side."""
    years = pen.words(YEARS)
    by_species = _stand_table(
        figures["stands_by_species"], "Species", lambda r: r["label"] or pen.words("others"), pen
    )
    by_age = _stand_table(
        figures["stands_by_age"],
        "Age (years)",
        lambda r: years % {"low": r["key"], "high": r["key"] + 4},
        pen,
    )
    titles = [pen.say("Stands by species", "h3"), pen.say("Stands by age", "h3")]
    return pen.table([titles, [by_species, by_age]], [WIDTH / 2] * 2, valign="TOP")


def growth(figures: dict, pen: Pen) -> list[Flowable]:
    """Yearly growth in DBH and height per species and age class, from trees measured twice."""
    rows = figures.get("growth", {}).get("rows", [])
    title = pen.say("Growth per year", "h3")
    if not rows:
        return [title, pen.say(GROWTH_NONE, "small")]
    years = pen.words(YEARS)
    head = ("Species", "Age (years)", "Measure", "Trees measured twice", "Growth per year")
    body = [
        [
            pen.write(row["species"] or "—", "cell"),
            pen.write(years % {"low": row["age_class"], "high": row["age_class"] + 4}, "cell"),
            pen.say("DBH (cm)" if row["measure"] == "dbh" else "Height (m)", "cell"),
            pen.write(formats.count(row["trees"]), "number"),
            pen.write(formats.decimal(row["per_year"], 2), "number"),
        ]
        for row in rows
    ]
    widths = [WIDTH * share for share in (0.3, 0.16, 0.18, 0.18, 0.18)]
    return [title, pen.ruled([[pen.say(h, "head") for h in head], *body], widths)]


GROWTH_NONE = "No tree under these filters was measured twice at least half a year apart."


def _source(source: dict) -> str:
    doi = f", doi:{source['doi']}" if source.get("doi") else ""
    return f"{source['citation']}{doi}"


def _method_rows(rows: list[dict], pen: Pen) -> list[list]:
    """Name (and 'comparison' for one outside the total), then formula or value over source."""
    cells = []
    for row in rows:
        name = pen.words(METHOD_NAMES[row["key"]]) if row["key"] in METHOD_NAMES else row["key"]
        if not row.get("in_total", True):
            name = f"{name} ({pen.words('comparison, not in the total')})"
        what = pen.write(row.get("formula") or row["value"], "cell")
        cells.append(
            [pen.write(name, "strong"), [what, pen.write(_source(row["source"]), "small")]]
        )
    return cells


def method(method_data: dict, pen: Pen) -> Flowable:
    """The method, on one page: what it counts, each equation with its source and DOI, each
    default with its source."""
    out = [
        pen.say("How the carbon is estimated", "h2"),
        pen.write(pen.words(METHOD_INTRO) % {"p": RANGE}, "body"),
    ]
    for title, key in (("Equations", "equations"), ("Defaults", "defaults")):
        cells = _method_rows(method_data[key], pen)
        out.append(pen.say(title, "h3"))
        out.append(pen.table(cells, [52 * mm, WIDTH - 52 * mm], UNDERLINED, valign="TOP"))
    return KeepTogether(out)
