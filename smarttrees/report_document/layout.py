"""The report's page: A4 portrait, its styles in the embedded fonts, the administrative heading
and signature blocks, tables, and 'Page x/y' at the foot of every page."""

import datetime
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table
from reportlab.platypus.flowables import Flowable

from smarttrees.labels.sheets import Fonts
from smarttrees.report_document import formats
from smarttrees.report_document.texts import (
    AUTHORITY,
    DEPARTMENT,
    HEAD,
    MAKER,
    MOTTO,
    NATION,
    PLACE_DATE,
    SIGN_NAME,
    SIGN_SEAL,
    Words,
)

MARGIN = 15 * mm
WIDTH = A4[0] - 2 * MARGIN
RULE = colors.HexColor("#9e9e9e")
HEAD_FILL = colors.HexColor("#e8f0e8")
SIGN_ROOM = 28 * mm  # the blank a signature and a seal take


def styles(fonts: Fonts) -> dict[str, ParagraphStyle]:
    """The paragraph styles, all in the embedded fonts."""
    body = ParagraphStyle("body", fontName=fonts.regular, fontSize=9.5, leading=12.5)
    bold, centred = {"fontName": fonts.bold}, {"alignment": TA_CENTER}
    cell = ParagraphStyle("cell", body, fontSize=8, leading=9.6)
    heading = ParagraphStyle("heading", body, fontSize=10, leading=13, **centred)
    above = {"keepWithNext": 1, **bold}  # a title stays with what it titles
    return {
        "body": body,
        "small": ParagraphStyle("small", body, fontSize=7.5, leading=9.2),
        "centre": ParagraphStyle("centre", body, **centred),
        "title": ParagraphStyle("title", body, fontSize=15, leading=20, **centred, **bold),
        "h2": ParagraphStyle(
            "h2", body, fontSize=11.5, leading=15, spaceBefore=6, spaceAfter=3, **above
        ),
        "h3": ParagraphStyle("h3", body, leading=12, spaceBefore=4, spaceAfter=2, **above),
        "cell": cell,
        "number": ParagraphStyle("number", cell, alignment=TA_RIGHT),
        "head": ParagraphStyle("head", cell, **centred, **bold),
        "strong": ParagraphStyle("strong", cell, **bold),
        "total": ParagraphStyle("total", cell, alignment=TA_RIGHT, **bold),
        "heading": heading,
        "heading_bold": ParagraphStyle("heading_bold", heading, **bold),
    }


def para(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text (escaped, so '<' and '&' print as they are)."""
    return Paragraph(escape(text), style)


def grid(rows: list[list[Any]], widths: list[float], font: str, *style: Any, **kw: Any) -> Table:
    """A table whose string cells use `font` (else ReportLab's Helvetica, not embedded)."""
    commands = [
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("VALIGN", (0, 0), (-1, -1), kw.pop("valign", "MIDDLE")),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    extra = kw.pop("style", [])
    return Table(rows, colWidths=widths, style=[*commands, *style, *extra], **kw)


@dataclass(frozen=True)
class Pen:
    """What every part of the report writes with: the reader's words, the styles, the fonts."""

    words: Words
    styles: dict[str, ParagraphStyle]
    fonts: Fonts

    def say(self, message: str, style: str, **values: object) -> Paragraph:
        """A paragraph of a message in the reader's words."""
        return para(self.words(message, **values), self.styles[style])

    def write(self, text: str, style: str) -> Paragraph:
        """A paragraph of text already in words (names, numbers, citations)."""
        return para(text, self.styles[style])

    def table(self, rows: list[list[Any]], widths: list[float], *style: Any, **kw: Any) -> Table:
        """A table in the report's font (see grid)."""
        return grid(rows, widths, self.fonts.regular, *style, **kw)

    def ruled(self, rows: list[list[Any]], widths: list[float], **kw: Any) -> Table:
        """A ruled table in the report's font (see ruled)."""
        return ruled(rows, widths, self.fonts.regular, **kw)


def ruled(rows: list[list[Any]], widths: list[float], font: str, **kw: Any) -> Table:
    """A ruled table with a shaded heading row, repeated on every page it runs onto."""
    return grid(
        rows,
        widths,
        font,
        ("GRID", (0, 0), (-1, -1), 0.4, RULE),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL),
        repeatRows=1,
        **kw,
    )


class Underline(Flowable):
    """A short centred rule, as under the department's name and the national motto."""

    def __init__(self, width: float) -> None:
        super().__init__()
        self.rule = width

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        return avail_width, 4.5  # clear of the descenders and of the dot below Ộ

    def draw(self) -> None:
        left = (self.width - self.rule) / 2
        self.canv.setLineWidth(0.6)
        self.canv.line(left, 1.5, left + self.rule, 1.5)


def heading(pen: Pen, *, province: str, day: datetime.date) -> list:
    """The authority on the left, the nation and motto on the right, then place and date."""
    left = [
        pen.say(AUTHORITY, "heading", province=province.upper()),
        pen.say(DEPARTMENT, "heading_bold"),
        Underline(30 * mm),
    ]
    right = [pen.say(NATION, "heading_bold"), pen.say(MOTTO, "heading_bold"), Underline(48 * mm)]
    place = pen.say(PLACE_DATE, "centre", place=province, **formats.date_parts(day))
    block = pen.table([[left, right], ["", place]], [WIDTH * 0.42, WIDTH * 0.58], valign="TOP")
    return [block, Spacer(0, 4 * mm)]


def signatures(pen: Pen) -> Flowable:
    """The maker on the left, the head of the department on the right, with room to sign."""
    rows = [
        [pen.say(MAKER, "heading_bold"), pen.say(HEAD, "heading_bold")],
        [pen.say(SIGN_NAME, "centre"), pen.say(SIGN_SEAL, "centre")],
        ["", ""],
    ]
    heights = [None, None, SIGN_ROOM]
    table = pen.table(rows, [WIDTH / 2] * 2, valign="TOP", rowHeights=heights)
    return KeepTogether([Spacer(0, 6 * mm), table])


class NumberedCanvas(Canvas):
    """A canvas that holds its pages back to the end, to write 'Page x/y' on each."""

    def __init__(self, *args: Any, words: Words, font: str, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self._words, self._font, self._held = words, font, []

    def showPage(self) -> None:
        self._held.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._held)
        for number, state in enumerate(self._held, start=1):
            self.__dict__.update(state)
            self.setFont(self._font, 8)
            self.setFillColor(colors.black)
            footer = self._words("Page {page}/{pages}", page=number, pages=total)
            self.drawCentredString(A4[0] / 2, 8 * mm, footer)
            super().showPage()
        super().save()
