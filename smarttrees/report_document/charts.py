"""The dashboard's charts as vector drawings (reportlab.graphics), every string in the embedded
font: bars of counts, bars of trees per planting year with the survival line, counts per month."""

import math
from collections.abc import Callable, Sequence

from reportlab.graphics.charts.barcharts import BarChart, HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from smarttrees.report_document import formats

BAR = colors.HexColor("#31a354")
LINE = colors.HexColor("#d95f0e")
GRID = colors.HexColor("#d9d9d9")
SIZE = 7  # points, of every label


def _axis_font(labels, font: str) -> None:
    labels.fontName, labels.fontSize = font, SIZE


def _value_axis(axis, font: str, values: Sequence[float]) -> None:
    """From zero, its labels in Vietnamese numbers, light grid lines across the chart."""
    _axis_font(axis.labels, font)
    axis.valueMin, axis.valueMax = 0, max(max(values, default=0), 1) * 1.08
    axis.labelTextFormat = formats.count
    axis.visibleGrid, axis.gridStrokeColor, axis.gridStrokeWidth = 1, GRID, 0.3
    axis.strokeWidth = 0.5


def _drawing(width: float, height: float, font: str) -> Drawing:
    """A drawing whose text starts in the embedded font (else in Helvetica, not embedded)."""
    drawing = Drawing(width, height)
    drawing.initialFontName, drawing.initialFontSize = font, SIZE
    return drawing


def _sparse(labels: Sequence[str], room: float, font: str) -> list[str]:
    """Every k-th label, the others blank, so that labels along `room` points do not touch."""
    widest = max((stringWidth(label, font, SIZE) for label in labels), default=0)
    step = max(1, math.ceil(len(labels) * (widest + 2 * mm) / room))
    return [label if index % step == 0 else "" for index, label in enumerate(labels)]


def every_month(rows: list[dict], field: str) -> list[dict]:
    """The rows from the first month to the last, a month without a row counting zero."""
    if not rows:
        return []
    found = {row["key"]: row[field] for row in rows}
    first, last = (tuple(map(int, rows[i]["key"].split("-"))) for i in (0, -1))
    out, (year, month) = [], first
    while (year, month) <= last:
        key = f"{year:04d}-{month:02d}"
        out.append({"key": key, field: found.get(key, 0)})
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def every_year(years: list[dict]) -> list[dict]:
    """The years from the first planted to the last; a year without trees has no survival."""
    if not years:
        return []
    found = {row["key"]: row for row in years}
    span = range(years[0]["key"], years[-1]["key"] + 1)
    return [found.get(year, {"key": year, "trees": 0, "survival": None}) for year in span]


def _bars(chart: BarChart, labels: Sequence[str], values: Sequence[float], font: str) -> None:
    chart.data = [list(values)]
    chart.categoryAxis.categoryNames = list(labels)
    _axis_font(chart.categoryAxis.labels, font)
    chart.categoryAxis.strokeWidth = 0.5
    _value_axis(chart.valueAxis, font, values)
    chart.bars[0].fillColor, chart.bars[0].strokeColor = BAR, None
    chart.barWidth, chart.groupSpacing = 10, 6  # relative: a gap of 0.6 bar between bars


def bar_chart(
    labels: Sequence[str], values: Sequence[int], font: str, *, width: float, height: float
) -> Drawing:
    """Upright bars, each with its count on top."""
    drawing = _drawing(width, height, font)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 12 * mm, 6 * mm, width - 14 * mm, height - 10 * mm
    _bars(chart, labels, values, font)
    chart.barLabelFormat = formats.count
    _axis_font(chart.barLabels, font)
    chart.barLabels.nudge = 5
    drawing.add(chart)
    return drawing


def species_chart(
    labels: Sequence[str], values: Sequence[int], font: str, *, width: float
) -> Drawing:
    """Bars across, names on the left, the most common species at the top."""
    height = max(len(values), 1) * 4.6 * mm + 8 * mm
    drawing = _drawing(width, height, font)
    chart = HorizontalBarChart()
    chart.x, chart.y = 32 * mm, 5 * mm
    chart.width, chart.height = width - chart.x - 16 * mm, height - 7 * mm
    _bars(chart, labels, values, font)
    chart.categoryAxis.reverseDirection = 1
    chart.barLabelFormat = formats.count
    _axis_font(chart.barLabels, font)
    chart.barLabels.boxAnchor, chart.barLabels.dx = "w", 3
    drawing.add(chart)
    return drawing


def years_chart(
    years: list[dict], font: str, *, width: float, height: float, legend: tuple[str, str]
) -> Drawing:
    """Trees per year of planting (bars, left axis) and survival (line, right axis, 0-100 %)."""
    drawing = _drawing(width, height, font)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 12 * mm, 6 * mm, width - 24 * mm, height - 14 * mm
    years = every_year(years)
    labels = _sparse([str(y["key"]) for y in years], chart.width, font)
    _bars(chart, labels, [y["trees"] for y in years], font)
    chart.groupSpacing = 2
    drawing.add(chart)
    _survival(drawing, chart, [y["survival"] for y in years], font)
    _legend(drawing, legend, font, top=height - 2 * mm)
    return drawing


def _survival(drawing: Drawing, chart: BarChart, shares: list[float | None], font: str) -> None:
    """The survival line over the bars' centres, broken at a year without trees, and its axis
    on the right."""
    step, runs = chart.width / max(len(shares), 1), [[]]
    for index, share in enumerate(shares):
        if share is None:
            runs.append([])
            continue
        point = (chart.x + (index + 0.5) * step, chart.y + chart.height * share / 100)
        runs[-1].append(point)
        drawing.add(Circle(*point, 0.9, fillColor=LINE, strokeColor=None))
    for run in runs:
        if len(run) > 1:
            drawing.add(PolyLine([c for p in run for c in p], strokeColor=LINE, strokeWidth=1))
    right = chart.x + chart.width
    drawing.add(Line(right, chart.y, right, chart.y + chart.height, strokeWidth=0.5))
    for share in (0, 25, 50, 75, 100):
        y = chart.y + chart.height * share / 100
        drawing.add(Line(right, y, right + 1.5, y, strokeWidth=0.5))
        drawing.add(String(right + 3, y - 2.5, f"{share} %", fontName=font, fontSize=SIZE))


def _legend(drawing: Drawing, names: tuple[str, str], font: str, *, top: float) -> None:
    """A swatch for the bars and a stroke for the line, at the chart's top left."""
    bars, line = names
    drawing.add(Rect(12 * mm, top - 2.5, 4 * mm, 2.5 * mm, fillColor=BAR, strokeColor=None))
    drawing.add(String(17.5 * mm, top - 2.5, bars, fontName=font, fontSize=SIZE))
    offset = 20 * mm + stringWidth(bars, font, SIZE)
    drawing.add(
        Line(offset, top - 1.2, offset + 4 * mm, top - 1.2, strokeColor=LINE, strokeWidth=1.2)
    )
    drawing.add(String(offset + 5.5 * mm, top - 2.5, line, fontName=font, fontSize=SIZE))


def line_chart(
    months: list[dict],
    field: str,
    font: str,
    *,
    width: float,
    height: float,
    label: Callable[[str], str] = formats.month,
) -> Drawing:
    """Counts per month as a line, every few months named along the bottom."""
    drawing = _drawing(width, height, font)
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 12 * mm, 6 * mm, width - 14 * mm, height - 9 * mm
    months = every_month(months, field)
    values = [row[field] for row in months]
    chart.data = [values]
    labels = [label(row["key"]) for row in months]
    chart.categoryAxis.categoryNames = _sparse(labels, chart.width, font)
    _axis_font(chart.categoryAxis.labels, font)
    chart.categoryAxis.strokeWidth = 0.5
    _value_axis(chart.valueAxis, font, values)
    chart.lines[0].strokeColor, chart.lines[0].strokeWidth = LINE, 1.2
    chart.joinedLines = 1
    drawing.add(chart)
    return drawing
