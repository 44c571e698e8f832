"""The forest-product list (bảng kê lâm sản, form 01 of Circular 26/2022/TT-BNNPTNT, amended by
Circular 22/2023/TT-BNNPTNT) as an A4 PDF: made at each sale, transfer or transport of one
batch set on one vehicle, with a QR code of the address where the list can be verified.

Empty fields print a dotted line, as paper forms do, so they can be filled in by hand; numbers
are written the Vietnamese way (decimal comma, thousands dot) and text uses an embedded
TrueType font with Vietnamese glyphs.
"""

import datetime
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from typing import Any, BinaryIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table

from smarttrees.labels.sheets import Fonts, draw_qr, qr_modules, register_fonts

DOTS = "……………………"
MARGIN = 15 * mm
QR_SIDE = 26 * mm
SLANT = 0.21  # tan 12°: the regular font has no italic, so scientific names are sheared
# STT, product, species, HS, unit, pieces, m³, kg, batch, notes: 180 mm, the A4 width inside
COLUMNS_MM = (9, 18, 36, 13, 12, 15, 18, 19, 22, 18)
HEADINGS = (
    "STT",
    "Tên lâm sản",
    "Tên loài cây",
    "Mã HS",
    "Đơn vị tính",
    "Số lượng",
    "Khối lượng (m³)",
    "Trọng lượng (kg)",
    "Mã lô hàng",
    "Ghi chú",
)


@dataclass(frozen=True)
class Party:
    name: str
    address: str = ""


@dataclass(frozen=True)
class Origin:
    source_document: str = ""
    forest_owner: str = ""
    plots: str = ""
    commune: str = ""
    lon_lat: str = ""


@dataclass(frozen=True)
class Transport:
    vehicle: str = ""
    origin_place: str = ""
    destination: str = ""
    date: datetime.date | None = None
    valid_until: datetime.date | None = None


@dataclass(frozen=True)
class Row:
    product: str
    common_name: str
    scientific_name: str
    hs_code: str
    unit: str
    pieces: int | None
    volume_m3: Decimal | None
    mass_kg: Decimal | None
    batch_code: str
    notes: str = ""


@dataclass(frozen=True)
class ProductList:
    number: str
    made_on: datetime.date
    place: str
    owner: Party
    buyer: Party
    origin: Origin
    transport: Transport
    rows: tuple[Row, ...]
    verify_url: str
    made_by: str = ""


def vn_number(value: Decimal | int | None, places: int) -> str:
    """Write a number with a decimal comma and a thousands dot: 12345.6 → '12.345,600'."""
    if value is None:
        return ""
    rounded = Decimal(value).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    return f"{rounded:,.{places}f}".translate(str.maketrans(",.", ".,"))


def short_date(day: datetime.date | None) -> str:
    """Write a date as 26/11/2026, or dots to fill in by hand."""
    return day.strftime("%d/%m/%Y") if day else DOTS


def long_date(day: datetime.date) -> str:
    """Write a date the administrative way: 'ngày 05 tháng 02 năm 2026'."""
    # Decree 30/2020/NĐ-CP: days below 10 and months 1 and 2 take a leading zero.
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def _text(value: str | None, *, dots: bool = True) -> str:
    """NFC and escaped for a Paragraph; blanks become dots when asked."""
    value = unicodedata.normalize("NFC", value or "").strip()
    return escape(value) if value else (DOTS if dots else "")


def _styles(fonts: Fonts) -> dict[str, ParagraphStyle]:
    """Paragraph styles, all in the embedded fonts."""
    base = ParagraphStyle("body", fontName=fonts.regular, fontSize=9.5, leading=13)
    cell = ParagraphStyle("cell", base, fontSize=8, leading=9.6)
    return {
        "body": base,
        "centre": ParagraphStyle("centre", base, alignment=TA_CENTER),
        "motto": ParagraphStyle("motto", base, fontName=fonts.bold, alignment=TA_CENTER),
        "small": ParagraphStyle("small", base, fontSize=7.5, leading=9),
        "title": ParagraphStyle(
            "title", base, fontName=fonts.bold, fontSize=16, leading=21, alignment=TA_CENTER
        ),
        "url": ParagraphStyle("url", base, fontSize=5.5, leading=6.5, alignment=TA_CENTER),
        "cell": cell,
        "number": ParagraphStyle("number", cell, alignment=TA_RIGHT),
        "head": ParagraphStyle("head", cell, fontName=fonts.bold, alignment=TA_CENTER),
        "sign": ParagraphStyle("sign", base, fontName=fonts.bold, alignment=TA_CENTER),
    }


class _Qr(Flowable):
    """The verification address as a vector QR code, square."""

    def __init__(self, url: str, side: float) -> None:
        super().__init__()
        self.modules, self.side = qr_modules(url), side

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.side, self.side

    def draw(self) -> None:
        draw_qr(self.canv, self.modules, x=0, y=0, side=self.side)


class _Species(Flowable):
    """The common name over the scientific name in slanted type, each wrapped to the cell."""

    def __init__(self, common: str, scientific: str, font: str, size: float = 8) -> None:
        super().__init__()
        self.names, self.font, self.size = (_plain(common), _plain(scientific)), font, size
        self.lines: list[tuple[str, bool]] = []

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        common, scientific = (simpleSplit(n, self.font, self.size, avail_width) for n in self.names)
        self.lines = [(line, False) for line in common] + [(line, True) for line in scientific]
        self.width, self.height = avail_width, len(self.lines) * self.size * 1.2
        return self.width, self.height

    def draw(self) -> None:
        self.canv.setFont(self.font, self.size)
        for index, (line, slanted) in enumerate(self.lines):
            baseline = self.height - (index + 1) * self.size * 1.2 + self.size * 0.25
            self.canv.saveState()
            self.canv.transform(1, 0, SLANT if slanted else 0, 1, 0, baseline)
            self.canv.drawString(0, 0, line)
            self.canv.restoreState()


def _plain(value: str) -> str:
    return unicodedata.normalize("NFC", value or "").strip()


def _field(label: str, value: str, *, bold: str | None = None) -> str:
    """'Label: value' markup; the value in `bold` font when given."""
    shown = f'<font name="{bold}">{value}</font>' if bold else value
    return f"{label}: {shown}"


def _heading(pl: ProductList, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    """Form name and national motto, then the title and number beside the QR code."""
    width = A4[0] - 2 * MARGIN
    motto = [
        Paragraph("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", st["motto"]),
        Paragraph("<u>Độc lập - Tự do - Hạnh phúc</u>", st["motto"]),
    ]
    top = Table(
        [[Paragraph("Mẫu số 01<br/>Thông tư 26/2022/TT-BNNPTNT", st["small"]), motto, ""]],
        colWidths=(40 * mm, width - 80 * mm, 40 * mm),
        style=[("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (0, 0), 0)],
    )
    title = [
        Paragraph("BẢNG KÊ LÂM SẢN", st["title"]),
        Paragraph(_field("Số", _text(pl.number)), st["centre"]),
    ]
    qr = [_Qr(pl.verify_url, QR_SIDE), Paragraph(_text(pl.verify_url, dots=False), st["url"])]
    side = QR_SIDE + 4 * mm
    middle = Table(
        [["", title, qr]],
        colWidths=(side, width - 2 * side, side),
        style=[("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("RIGHTPADDING", (2, 0), (2, 0), 0)],
    )
    return [top, Spacer(0, 2 * mm), middle, Spacer(0, 3 * mm)]


def _particulars(pl: ProductList, st: dict[str, ParagraphStyle], bold: str) -> list[Flowable]:
    """Owner, buyer, origin and transport, one labelled line each."""
    o, t = pl.origin, pl.transport
    lines = [
        _field("1. Chủ lâm sản", _text(pl.owner.name), bold=bold),
        _field("Địa chỉ", _text(pl.owner.address)),
        _field("2. Tổ chức, cá nhân mua/nhận lâm sản", _text(pl.buyer.name), bold=bold),
        _field("Địa chỉ", _text(pl.buyer.address)),
        _field("3. Nguồn gốc lâm sản", _text(o.source_document)),
        _field("Chủ rừng", _text(o.forest_owner)),
        f"{_field('Vị trí khai thác', _text(o.plots))}; {_field('xã', _text(o.commune))}",
        _field("Tọa độ nơi khai thác (kinh độ; vĩ độ)", _text(o.lon_lat)),
        _field("4. Phương tiện vận chuyển, biển số/số hiệu", _text(t.vehicle), bold=bold),
        f"{_field('Vận chuyển từ', _text(t.origin_place))}; "
        f"{_field('đến', _text(t.destination))}",
        f"Thời gian vận chuyển: từ ngày {short_date(t.date)} "
        f"đến ngày {short_date(t.valid_until)}",
    ]
    indented = ParagraphStyle("indented", st["body"], leftIndent=4 * mm)
    return [
        Paragraph(line, st["body"] if line[0].isdigit() else indented) for line in lines
    ] + [Spacer(0, 3 * mm)]


def _row_cells(number: int, row: Row, st: dict[str, ParagraphStyle], font: str) -> list[Any]:
    """One table row: text wraps inside its cell, numbers align right."""
    return [
        Paragraph(str(number), st["head"].clone("stt", fontName=font)),
        Paragraph(_text(row.product, dots=False), st["cell"]),
        _Species(row.common_name, row.scientific_name, font),
        Paragraph(_text(row.hs_code, dots=False), st["cell"]),
        Paragraph(_text(row.unit, dots=False), st["cell"]),
        Paragraph(vn_number(row.pieces, 0), st["number"]),
        Paragraph(vn_number(row.volume_m3, 3), st["number"]),
        Paragraph(vn_number(row.mass_kg, 0), st["number"]),
        Paragraph(_text(row.batch_code, dots=False), st["cell"]),
        Paragraph(_text(row.notes, dots=False), st["cell"]),
    ]


def _total(values: list[Any], places: int) -> str:
    """The sum of the values given; blank when no row has one."""
    given = [Decimal(v) for v in values if v is not None]
    return vn_number(sum(given, Decimal(0)), places) if given else ""


def _table(pl: ProductList, st: dict[str, ParagraphStyle], fonts: Fonts) -> Table:
    """The rows under a heading repeated on every page, then the total row."""
    body = [_row_cells(i, row, st, fonts.regular) for i, row in enumerate(pl.rows, start=1)]
    # A list with no rows still gets ruled lines to write on.
    body = body or [[Spacer(0, 5 * mm)] + [""] * (len(HEADINGS) - 1) for _ in range(3)]
    rows = pl.rows
    total = [
        Paragraph("Tổng cộng", st["head"]),
        *[""] * 4,
        Paragraph(_total([r.pieces for r in rows], 0), st["number"].clone("t0", fontName=fonts.bold)),
        Paragraph(_total([r.volume_m3 for r in rows], 3), st["number"].clone("t1", fontName=fonts.bold)),
        Paragraph(_total([r.mass_kg for r in rows], 0), st["number"].clone("t2", fontName=fonts.bold)),
        "",
        "",
    ]
    head = [Paragraph(text, st["head"]) for text in HEADINGS]
    return Table(
        [head, *body, total],
        colWidths=[w * mm for w in COLUMNS_MM],
        repeatRows=1,
        style=[
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.92, 0.92, 0.92)),
            ("LEFTPADDING", (0, 0), (-1, -1), 2),
            ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ("SPAN", (0, -1), (4, -1)),
        ],
    )


def _signatures(pl: ProductList, st: dict[str, ParagraphStyle], bold: str) -> Flowable:
    """Place and date, the confirming authority on the left and the maker on the right."""
    place = f"{_text(pl.place)}, {long_date(pl.made_on)}"
    rows = [
        ["", Paragraph(place, st["centre"])],
        [
            Paragraph("XÁC NHẬN CỦA CƠ QUAN KIỂM LÂM SỞ TẠI", st["sign"]),
            Paragraph("NGƯỜI LẬP BẢNG KÊ / CHỦ LÂM SẢN", st["sign"]),
        ],
        [
            Paragraph(
                "(Khi phải xác nhận; ký, đóng dấu, ghi rõ họ tên)<br/>"
                f"Vào sổ số: {DOTS} ngày {DOTS}",
                st["centre"],
            ),
            Paragraph("(Ký, ghi rõ họ tên)", st["centre"]),
        ],
        ["", ""],
        ["", Paragraph(_text(pl.made_by), st["sign"])],
    ]
    width = (A4[0] - 2 * MARGIN) / 2
    table = Table(
        rows,
        colWidths=(width, width),
        rowHeights=(None, None, None, 24 * mm, None),
        style=[("VALIGN", (0, 0), (-1, -1), "TOP")],
    )
    return KeepTogether([Spacer(0, 4 * mm), table])


class _CountingCanvas(Canvas):
    """A canvas that holds its pages back until the end, to write 'sheet x of y' on each."""

    def __init__(self, *args: Any, stamp: Callable[[Canvas, int, int], None], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._stamp = stamp
        self._held: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 (ReportLab's name)
        self._held.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        for number, state in enumerate(self._held, start=1):
            self.__dict__.update(state)
            self._stamp(self, number, len(self._held))
            super().showPage()
        super().save()


def _stamp(canvas: Canvas, number: int, total: int, *, pl: ProductList, fonts: Fonts) -> None:
    """Write the sheet count at the top right, and on later sheets which list they belong to."""
    top = A4[1] - 9 * mm
    canvas.setFont(fonts.regular, 9)
    canvas.drawRightString(A4[0] - MARGIN, top, f"Tờ số: {number} / Tổng số tờ: {total}")
    if number > 1:
        canvas.drawString(MARGIN, top, f"Bảng kê lâm sản số: {_plain(pl.number)} (tiếp theo)")


def render(product_list: ProductList, out: BinaryIO, *, regular_font: str, bold_font: str) -> None:
    """Write the product list as an A4 PDF into `out`."""
    fonts = register_fonts(regular_font, bold_font)
    st = _styles(fonts)
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=f"Bảng kê lâm sản {_plain(product_list.number)}",
        author=_plain(product_list.made_by),
        subject=product_list.verify_url,
        pageCompression=1,
    )
    story = [
        *_heading(product_list, st),
        *_particulars(product_list, st, fonts.bold),
        _table(product_list, st, fonts),
        _signatures(product_list, st, fonts.bold),
    ]
    stamp = partial(_stamp, pl=product_list, fonts=fonts)
    doc.build(story, canvasmaker=partial(_CountingCanvas, stamp=stamp))
