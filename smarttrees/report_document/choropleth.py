"""The communes coloured by trees per hectare, drawn as vector polygons from outlines in
web-mercator metres (EPSG:3857), with its legend and a scale bar below."""

import math
from bisect import bisect_right
from dataclasses import dataclass
from itertools import pairwise

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import FILL_EVEN_ODD
from reportlab.platypus.flowables import Flowable

from smarttrees.report_document import formats
from smarttrees.report_document.texts import Words

# ColorBrewer "Greens", five classes: light is few trees per hectare.
RAMP = tuple(colors.HexColor(c) for c in ("#edf8e9", "#bae4b3", "#74c476", "#31a354", "#006d2c"))
NO_TREES = colors.HexColor("#cfcfcf")  # grey: apart from the palest green
OUTLINE = colors.HexColor("#5f5f5f")
EARTH_RADIUS = 6378137.0  # of the web-mercator sphere, metres
POINT_M = 0.0254 / 72  # a PDF point, in metres of paper
NICE_KM = (1, 2, 5, 10, 20, 25, 50, 100)
LEGEND_ROW = 4.2 * mm


@dataclass(frozen=True)
class Classes:
    """Classes of trees per hectare: class i holds breaks[i-1] <= v < breaks[i]."""

    low: float
    breaks: tuple[float, ...]
    high: float

    @property
    def palette(self) -> list[colors.Color]:
        """The ramp's colours spread over as many classes as there are."""
        last = len(RAMP) - 1
        if not self.breaks:
            return [RAMP[last // 2]]
        return [RAMP[round(i * last / len(self.breaks))] for i in range(len(self.breaks) + 1)]

    def colour(self, value: float | None) -> colors.Color:
        """A commune's fill: no value is a commune without trees."""
        return NO_TREES if value is None else self.palette[bisect_right(self.breaks, value)]

    def labels(self) -> list[str]:
        edges = [self.low, *self.breaks, self.high]
        return [f"{formats.decimal(a, 2)} – {formats.decimal(b, 2)}" for a, b in pairwise(edges)]


def classes(values: list[float]) -> Classes | None:
    """Quantile classes of the communes that have trees (fewer when values repeat)."""
    known = sorted(values)
    if not known:
        return None
    cuts = {known[len(known) * k // len(RAMP)] for k in range(1, len(RAMP))}
    breaks = tuple(sorted(c for c in cuts if known[0] < c))
    return Classes(known[0], breaks, known[-1])


def rings(geometry: dict) -> list[list[list[float]]]:
    """Every ring of a GeoJSON Polygon or MultiPolygon."""
    if geometry["type"] == "Polygon":
        return geometry["coordinates"]
    return [ring for polygon in geometry["coordinates"] for ring in polygon]


def bounds(shapes: list[dict]) -> tuple[float, float, float, float]:
    xs, ys = [], []
    for shape in shapes:
        for ring in rings(shape["geometry"]):
            xs += [p[0] for p in ring]
            ys += [p[1] for p in ring]
    return min(xs), min(ys), max(xs), max(ys)


def ground_factor(y_mercator: float) -> float:
    """Ground metres per web-mercator metre at that northing (the cosine of its latitude)."""
    return math.cos(math.atan(math.sinh(y_mercator / EARTH_RADIUS)))


class CommuneMap(Flowable):
    """The map in a box `width` wide and at most `height` tall, then legend and scale.
    `values` are the trees per hectare by commune code, of the communes that have trees."""

    def __init__(
        self,
        shapes: list[dict],
        values: dict[str, float],
        words: Words,
        font: str,
        *,
        width: float,
        height: float,
    ) -> None:
        super().__init__()
        self.shapes, self.values, self.words, self.font = shapes, values, words, font
        self.classes = classes(list(values.values()))
        self.extent = bounds(shapes) if shapes else None
        self.box = (width, height)

    def _legend_rows(self) -> int:
        return len(self.classes.labels()) + 1 if self.classes else 1

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = min(self.box[0], avail_width)
        self.legend_height = (self._legend_rows() + 3) * LEGEND_ROW
        self.map_height = 0.0
        if self.shapes:
            x0, y0, x1, y1 = self.extent
            room = self.box[1] - self.legend_height
            self.scale = min(self.width / (x1 - x0), room / (y1 - y0))
            self.map_height = (y1 - y0) * self.scale
        self.height = self.map_height + self.legend_height
        return self.width, self.height

    def draw(self) -> None:
        if self.shapes:
            self._draw_polygons()
            self._draw_scale()
        self._draw_legend()

    def _draw_polygons(self) -> None:
        x0, y0, x1, _ = self.extent
        left = (self.width - (x1 - x0) * self.scale) / 2
        canvas, bottom = self.canv, self.legend_height
        canvas.saveState()
        canvas.setStrokeColor(OUTLINE)
        canvas.setLineWidth(0.3)
        canvas.setLineJoin(1)
        for shape in self.shapes:
            path = canvas.beginPath()
            for ring in rings(shape["geometry"]):
                points = [
                    (left + (x - x0) * self.scale, bottom + (y - y0) * self.scale) for x, y in ring
                ]
                path.moveTo(*points[0])
                for point in points[1:]:
                    path.lineTo(*point)
                path.close()
            canvas.setFillColor(self._fill(shape["code"]))
            canvas.drawPath(path, stroke=1, fill=1, fillMode=FILL_EVEN_ODD)  # holes stay holes
        canvas.restoreState()

    def _fill(self, code: str) -> colors.Color:
        return self.classes.colour(self.values.get(code)) if self.classes else NO_TREES

    def _scale_of_paper(self) -> tuple[float, float]:
        """Ground metres per point of paper, and the map's scale denominator."""
        _, y0, _, y1 = self.extent
        metres = ground_factor((y0 + y1) / 2) / self.scale
        return metres, metres / POINT_M

    def _draw_scale(self) -> None:
        metres_per_point, denominator = self._scale_of_paper()
        fitting = [km for km in NICE_KM if km * 1000 / metres_per_point <= self.width / 3]
        km = fitting[-1] if fitting else NICE_KM[0]
        length = km * 1000 / metres_per_point
        canvas, y = self.canv, self.legend_height - 2.5 * mm
        canvas.saveState()
        canvas.setLineWidth(0.8)
        canvas.line(0, y, length, y)
        for x in (0, length / 2, length):
            canvas.line(x, y - 1.2 * mm, x, y + 1.2 * mm)
        canvas.setFont(self.font, 7)
        canvas.drawString(length + 2 * mm, y - 1, f"{formats.count(km)} km")
        rounded = round(denominator, -int(math.log10(denominator)) + 1)
        scale = self.words("Scale about 1:{scale}", scale=formats.count(rounded))
        canvas.drawRightString(self.width, y - 1, scale)
        canvas.restoreState()

    def _draw_legend(self) -> None:
        canvas, y = self.canv, self.legend_height - 3 * LEGEND_ROW
        entries = (
            list(zip(self.classes.palette, self.classes.labels(), strict=True))
            if self.classes
            else []
        )
        canvas.saveState()
        canvas.setFont(self.font, 7.5)
        canvas.drawString(0, y + LEGEND_ROW * 0.9, self.words("Trees per ha"))
        for fill, label in [*entries, (NO_TREES, self.words("No trees"))]:
            canvas.setFillColor(fill)
            canvas.setStrokeColor(OUTLINE)
            canvas.setLineWidth(0.3)
            canvas.rect(0, y - 0.5 * mm, 6 * mm, 3 * mm, stroke=1, fill=1)
            canvas.setFillColor(colors.black)
            canvas.drawString(8 * mm, y, label)
            y -= LEGEND_ROW
        canvas.restoreState()
