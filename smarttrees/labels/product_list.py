"""The forest-product list (bảng kê lâm sản, form 01 of Circular 26/2022/TT-BNNPTNT amended by
22/2023) as an A4 PDF with a QR code of its verification address; blanks print dots to fill in."""

import datetime
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from typing import Any, BinaryIO
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table
from reportlab.platypus.flowables import CallerMacro, Flowable

from smarttrees.labels.sheets import Fonts, draw_qr, qr_modules, register_fonts
from smarttrees.labels.vn_format import DOTS, long_date, short_date, vn_number

MARGIN = 15 * mm
WIDTH = A4[0] - 2 * MARGIN
QR_SIDE = 26 * mm
SLANT = 0.21  # tan 12°: only upright fonts are passed in, so scientific names are sheared
HEADINGS = (
    "STT|Tên lâm sản|Tên loài cây|Mã HS|Đơn vị tính|Số lượng|Khối lượng (m³)|"
    "Trọng lượng (kg)|Mã lô hàng|Ghi chú"
)
COLUMNS_MM = (9, 18, 34, 12, 12, 14, 19, 19, 25, 18)  # 180 mm: the A4 width inside margins
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
SIGNERS = ("XÁC NHẬN CỦA CƠ QUAN KIỂM LÂM SỞ TẠI", "NGƯỜI LẬP BẢNG KÊ / CHỦ LÂM SẢN")
AMOUNTS = (("pieces", 0, 5), ("volume_m3", 3, 6), ("mass_kg", 0, 7))  # decimal places, column


@dataclass(frozen=True)
class Party:
    name: str
    address: str = ""


@dataclass(frozen=True)
class Origin:
    source_document: str = ""  # e.g. "Biên bản khai thác KT-2026-0012"
    forest_owner: str = ""
    plots: str = ""  # e.g. "Lô 2, khoảnh 4, tiểu khu 123"
    commune: str = ""
    lon_lat: str = ""  # formatted by the caller, e.g. "105,812345; 21,601234"


@dataclass(frozen=True)
class Transport:
    vehicle: str = ""
    origin_place: str = ""
    destination: str = ""
    date: datetime.date | None = None
    valid_until: datetime.date | None = None


@dataclass(frozen=True)
class Row:
    product: str  # in Vietnamese: "Gỗ tròn", "Gỗ xẻ", "Dăm gỗ", "Củi"
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


def _plain(value: str | None) -> str:
    """Return the text in NFC without surrounding blanks."""
    return unicodedata.normalize("NFC", value or "").strip()


def _text(value: str | None, *, dots: bool = True) -> str:
    """Return the text NFC and escaped for a Paragraph; blanks become dots unless told not to."""
    return escape(_plain(value)) or (DOTS if dots else "")


def _field(label: str, value: str, *, bold: str | None = None) -> str:
    """Mark up 'Label: value', the value in the `bold` font when given."""
    return f'{label}: <font name="{bold}">{value}</font>' if bold else f"{label}: {value}"


def _styles(fonts: Fonts) -> dict[str, ParagraphStyle]:
    """Build the paragraph styles, all in the embedded fonts."""
    body = ParagraphStyle("body", fontName=fonts.regular, fontSize=9.5, leading=13)
    cell = ParagraphStyle("cell", body, fontSize=8, leading=9.6)
    bold = {"fontName": fonts.bold, "alignment": TA_CENTER}
    return {
        "body": body,
        "centre": ParagraphStyle("centre", body, alignment=TA_CENTER),
        "small": ParagraphStyle("small", body, fontSize=7.5, leading=9),
        "title": ParagraphStyle("title", body, fontSize=16, leading=21, **bold),
        "url": ParagraphStyle("url", body, fontSize=5.5, leading=6.5, alignment=TA_CENTER),
        "cell": cell,
        "stt": ParagraphStyle("stt", cell, alignment=TA_CENTER),
        "number": ParagraphStyle("number", cell, alignment=TA_RIGHT),
        "total": ParagraphStyle("total", cell, fontName=fonts.bold, alignment=TA_RIGHT),
        "head": ParagraphStyle("head", cell, **bold),
        "sign": ParagraphStyle("sign", body, **bold),
    }


class _Species(Flowable):
    """The common name over the scientific name in slanted type, each wrapped to the cell."""

    def __init__(self, common: str, scientific: str, font: str, size: float = 8) -> None:
        super().__init__()
        self.names, self.font, self.size = (_plain(common), _plain(scientific)), font, size

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


def _grid(rows: list[list[Any]], widths: list[float], font: str, *style: Any, **kw: Any) -> Table:
    """Build a table whose string cells use `font` (else ReportLab's unembedded Helvetica)."""
    valign = kw.pop("valign", "MIDDLE")
    commands = [("FONTNAME", (0, 0), (-1, -1), font), ("VALIGN", (0, 0), (-1, -1), valign)]
    return Table(rows, colWidths=widths, style=[*commands, *style], **kw)


def _heading(pl: ProductList, st: dict[str, ParagraphStyle], font: str) -> list[Flowable]:
    """Lay out the form name and national motto, then the title and number beside the QR code."""
    motto = Paragraph(f"{MOTTO[0]}<br/><u>{MOTTO[1]}</u>", st["sign"])
    form = Paragraph("Mẫu số 01 (Thông tư số<br/>26/2022/TT-BNNPTNT)", st["small"])
    top = _grid([[form, motto, ""]], [48 * mm, WIDTH - 96 * mm, 48 * mm], font)
    number = Paragraph(_field("Số", _text(pl.number)), st["centre"])
    title = [Paragraph("BẢNG KÊ LÂM SẢN", st["title"]), number]
    modules = qr_modules(pl.verify_url)
    # A macro draws the code, from its top-left corner down over the spacer that holds its room.
    code = CallerMacro(lambda m: draw_qr(m.canv, modules, x=0, y=-QR_SIDE, side=QR_SIDE))
    qr = [code, Spacer(QR_SIDE, QR_SIDE), Paragraph(_text(pl.verify_url, dots=False), st["url"])]
    side = QR_SIDE + 4 * mm
    flush = ("RIGHTPADDING", (2, 0), (2, 0), 0)
    middle = _grid([["", title, qr]], [side, WIDTH - 2 * side, side], font, flush)
    return [top, Spacer(0, 1 * mm), middle, Spacer(0, 3 * mm)]


def _particulars(pl: ProductList, st: dict[str, ParagraphStyle], bold: str) -> list[Flowable]:
    """List owner, buyer, origin and transport, one labelled line each."""
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
        f"{_field('Vận chuyển từ', _text(t.origin_place))}; {_field('đến', _text(t.destination))}",
        f"Thời gian vận chuyển: từ ngày {short_date(t.date)} đến ngày {short_date(t.valid_until)}",
    ]
    indented = ParagraphStyle("indented", st["body"], leftIndent=4 * mm)
    return [Paragraph(line, st["body"] if line[0].isdigit() else indented) for line in lines]


def _row_cells(number: int, row: Row, st: dict[str, ParagraphStyle], font: str) -> list[Any]:
    """Fill one table row: text wraps inside its cell, numbers align right."""
    texts = (row.product, row.hs_code, row.unit, row.batch_code, row.notes)
    cells = [Paragraph(_text(text, dots=False), st["cell"]) for text in texts]
    amounts = [_amount([getattr(row, a)], p, c, st["number"]) for a, p, c in AMOUNTS]
    species = _Species(row.common_name, row.scientific_name, font)
    return [Paragraph(str(number), st["stt"]), cells[0], species, *cells[1:3], *amounts, *cells[3:]]


def _amount(values: list[Any], places: int, column: int, style: ParagraphStyle) -> Paragraph:
    """Set the sum of the values as the rows print them, blank if one is unknown, on one line."""
    step, known = Decimal(1).scaleb(-places), None not in values and values
    total = sum(Decimal(v).quantize(step, ROUND_HALF_UP) for v in values) if known else None
    text, room = vn_number(total, places), COLUMNS_MM[column] * mm - 5
    size = min(style.fontSize, room / max(stringWidth(text, style.fontName, 1), 0.001))
    return Paragraph(text, style.clone("fit", fontSize=size, leading=max(size * 1.2, 7)))


def _table(pl: ProductList, st: dict[str, ParagraphStyle], fonts: Fonts) -> Table:
    """Tabulate the rows under a heading repeated on every page, then the total row."""
    body = [_row_cells(i, row, st, fonts.regular) for i, row in enumerate(pl.rows, start=1)]
    sums = [_amount([getattr(r, a) for r in pl.rows], p, c, st["total"]) for a, p, c in AMOUNTS]
    total = [Paragraph("Tổng cộng", st["head"]), "", "", "", "", *sums, "", ""]
    return _grid(
        [[Paragraph(text, st["head"]) for text in HEADINGS.split("|")], *body, total],
        [w * mm for w in COLUMNS_MM],
        fonts.regular,
        ("GRID", (0, 0), (-1, -1), 0.5, "black"),
        ("BACKGROUND", (0, 0), (-1, 0), "#ebebeb"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ("SPAN", (0, -1), (4, -1)),
        repeatRows=1,
    )


def _signatures(pl: ProductList, st: dict[str, ParagraphStyle], font: str) -> Flowable:
    """Add place and date, the confirming authority on the left and the maker on the right."""
    sign, centre = st["sign"], st["centre"]
    confirm = f"(Khi phải xác nhận; ký, đóng dấu, ghi rõ họ tên)<br/>Vào sổ số: {DOTS}"
    rows = [
        ["", Paragraph(f"{_text(pl.place)}, {long_date(pl.made_on)}", centre)],
        [Paragraph(SIGNERS[0], sign), Paragraph(SIGNERS[1], sign)],
        [Paragraph(confirm, centre), Paragraph("(Ký, ghi rõ họ tên)", centre)],
        ["", ""],
        ["", Paragraph(_text(pl.made_by), sign)],
    ]
    heights = [None] * 3 + [22 * mm, None]  # the fourth row is the room to sign in
    table = _grid(rows, [WIDTH / 2] * 2, font, valign="TOP", rowHeights=heights)
    return KeepTogether([Spacer(0, 4 * mm), table])


class _CountingCanvas(Canvas):
    """A canvas that holds its pages back to the end, to write 'sheet x of y' on each."""

    def __init__(self, *args: Any, list_number: str, font: str, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self._list_number, self._font, self._held = list_number, font, []

    def showPage(self) -> None:
        self._held.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        for number, state in enumerate(self._held, start=1):
            self.__dict__.update(state)
            # The sheet count top right; later sheets also name the list they continue.
            top, total = A4[1] - 9 * mm, len(self._held)
            self.setFont(self._font, 9)
            self.drawRightString(A4[0] - MARGIN, top, f"Tờ số: {number} / Tổng số tờ: {total}")
            if number > 1:
                self.drawString(MARGIN, top, f"Bảng kê lâm sản số: {self._list_number} (tiếp theo)")
            super().showPage()
        super().save()


def render(product_list: ProductList, out: BinaryIO, *, regular_font: str, bold_font: str) -> None:
    """Write the product list into `out` as an A4 PDF, in the fonts at these paths."""
    st = _styles(fonts := register_fonts(regular_font, bold_font))
    doc = SimpleDocTemplate(
        out,
        **{f"{side}Margin": MARGIN for side in ("left", "right", "top", "bottom")},
        title=f"Bảng kê lâm sản {_plain(product_list.number)}",
        author=_plain(product_list.made_by),
        subject=product_list.verify_url,
        initialFontName=fonts.regular,  # else every page starts in Helvetica, not embedded
    )
    pl, number = product_list, _plain(product_list.number)
    story = [*_heading(pl, st, fonts.regular), *_particulars(pl, st, fonts.bold)]
    story += [Spacer(0, 3 * mm), _table(pl, st, fonts), _signatures(pl, st, fonts.regular)]
    doc.build(story, canvasmaker=partial(_CountingCanvas, list_number=number, font=fonts.regular))
