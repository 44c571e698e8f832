"""The report as one A4 PDF: page 1 the heading, filters, key figures, worst communes and the
map; then the charts; then every commune, the stands, the method and the signatures."""

from collections.abc import Mapping
from datetime import datetime
from functools import partial
from typing import BinaryIO

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, SimpleDocTemplate, Spacer
from reportlab.platypus.flowables import Flowable

from smarttrees.labels.sheets import Fonts
from smarttrees.report_document import charts, tables
from smarttrees.report_document.choropleth import CommuneMap
from smarttrees.report_document.layout import (
    MARGIN,
    WIDTH,
    NumberedCanvas,
    Pen,
    heading,
    signatures,
    styles,
)
from smarttrees.report_document.texts import DEPARTMENT, Words

LEFT = WIDTH * 0.53  # page 1: the figures on the left, the map on the right
MAP_BOX = (WIDTH - LEFT - 4 * mm, 190 * mm)
CHART_HEIGHT = 48 * mm


def write_report(
    out: BinaryIO,
    *,
    figures: dict,
    shapes: list[dict],
    method: dict,
    filters: list[tuple[str, str]],
    texts: Mapping[str, str],
    fonts: Fonts,
    generated_at: datetime,
    province: str,
) -> None:
    """Write the dashboard's figures (reports.dashboard) as a PDF report into `out`.

    `shapes` are the communes' outlines in EPSG:3857 (reports.commune_shapes), `method` is
    reports.method(), `filters` the filter as (label, value) pairs already in words, `texts` the
    translation of every message of TEXTS, `fonts` the registered embedded fonts.
    """
    pen = Pen(Words(texts), styles(fonts), fonts)
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        **{f"{side}Margin": MARGIN for side in ("left", "right", "top", "bottom")},
        title=pen.words("Report on trees and carbon"),
        author=pen.words(DEPARTMENT),
        subject="; ".join(f"{label}: {value}" for label, value in filters),
        initialFontName=fonts.regular,  # else every page starts in Helvetica, not embedded
    )
    first = _first_page(figures, shapes, filters, pen, generated_at=generated_at, province=province)
    story = [
        *first,
        PageBreak(),
        *_charts(figures, pen),
        pen.say("Trees by commune", "h2"),
        tables.communes(figures["communes"], figures["carbon"], pen),
        Spacer(0, 3 * mm),
        tables.stands(figures, pen),
        *tables.growth(figures, pen),
        tables.method(method, pen),
        signatures(pen),
    ]
    doc.build(story, canvasmaker=partial(NumberedCanvas, words=pen.words, font=fonts.regular))


def _first_page(
    figures: dict,
    shapes: list[dict],
    filters: list[tuple[str, str]],
    pen: Pen,
    *,
    generated_at: datetime,
    province: str,
) -> list:
    """Heading, title, when and under which filters, then figures beside the map."""
    stated = "; ".join(f"{label}: {value}" for label, value in filters)
    stated = stated or pen.words("none (every tree in the province)")
    at = {"time": generated_at.strftime("%H:%M"), "date": generated_at.strftime("%d/%m/%Y")}
    left = [
        pen.say("Key figures", "h3"),
        tables.key_figures(figures["carbon"], pen, width=LEFT - 6),
        Spacer(0, 1.5 * mm),
        *tables.comparison(figures["carbon"], pen),
        pen.say("The communes with the largest share of poor or dead trees", "h3"),
        tables.worst_communes(figures["worst_communes"], pen, width=LEFT - 6),
    ]
    values = _per_hectare(figures["communes"])
    right = [
        pen.say("Trees per hectare by commune", "h3"),
        CommuneMap(
            shapes, values, pen.words, pen.fonts.regular, width=MAP_BOX[0], height=MAP_BOX[1]
        ),
        pen.say("Coloured by trees per hectare under these filters.", "small"),
        pen.say("Commune outlines simplified; Web Mercator projection.", "small"),
    ]
    return [
        *heading(pen, province=province, day=generated_at.date()),
        pen.write(pen.words("Report on trees and carbon").upper(), "title"),
        pen.say("Figures from the database at {time} on {date}.", "centre", **at),
        Spacer(0, 2 * mm),
        pen.write(f"{pen.words('Filters')}: {stated}", "body"),
        Spacer(0, 1 * mm),
        pen.table([[left, right]], [LEFT, WIDTH - LEFT], valign="TOP"),
    ]


def _per_hectare(communes: list[dict]) -> dict[str, float]:
    """Trees per hectare by commune code, for the communes that have trees."""
    return {c["code"]: c["trees_per_ha"] or 0.0 for c in communes if c["code"] and c["trees"]}


def _charts(figures: dict, pen: Pen) -> list:
    """Category and condition side by side, then species, planting years and months."""
    font, half = pen.fonts.regular, WIDTH / 2 - 3 * mm
    nothing = pen.say("Nothing to show under these filters.", "small")

    def titled(title: str, drawing: Flowable | None) -> list:
        return [pen.say(title, "h3"), nothing if drawing is None else drawing]

    def bars(rows: list[dict], title: str) -> list:
        labels, values = [pen.words.word(r["key"]) for r in rows], [r["trees"] for r in rows]
        drawing = charts.bar_chart(labels, values, font, width=half, height=CHART_HEIGHT)
        return titled(title, drawing if any(values) else None)

    species, years = figures["species"], figures["planting_years"]
    names = [r["label"] or pen.words("others") for r in species]
    by_species = charts.species_chart(names, [r["trees"] for r in species], font, width=WIDTH)
    legend = (pen.words("Trees"), pen.words("Survival (%)"))
    by_year = charts.years_chart(years, font, width=WIDTH, height=55 * mm, legend=legend)
    pair = [bars(figures["categories"], "Trees by category"),
            bars(figures["conditions"], "Trees by condition")]  # fmt: skip
    out = [
        pen.table([pair], [WIDTH / 2] * 2, valign="TOP"),
        *titled("Trees by species", by_species if species else None),
        *titled("Trees by year of planting", by_year if years else None),
    ]
    for title, key, field in (("Trees planted per month", "plantings", "trees"),
                              ("Inspections per month", "inspections", "inspections")):  # fmt: skip
        drawing = charts.line_chart(figures[key], field, font, width=WIDTH, height=40 * mm)
        out += titled(title, drawing if figures[key] else None)
    return out
