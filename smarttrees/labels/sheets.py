"""Label sheets as PDF: a QR code (error correction Q) of the record's URL, the code in large
characters, up to three lines of text and, if asked, a Code 128 barcode for laser scanners.

QR codes are encoded by zxing-cpp and drawn as vector rectangles, so they stay sharp at any
printer resolution; text uses a TrueType font with Vietnamese glyphs, embedded in the PDF.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np
import zxingcpp
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

QUIET_MODULES = 4
PADDING = 2.5 * mm
# An office printer leaves about 4 mm of the sheet's edge blank: on a label that touches the
# edge (a4-3x8 fills the page), what lies nearer is cut off.
PRINTABLE_EDGE = 4.2 * mm
MIN_BAR_ROOM = 30 * mm  # a Code 128 of a tree code needs about this much to scan at 203 dpi


@dataclass(frozen=True)
class Label:
    code: str
    url: str
    lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class Layout:
    """A sheet of columns × rows labels; all sizes in millimetres."""

    name: str
    page_width: float
    page_height: float
    columns: int
    rows: int
    label_width: float
    label_height: float
    margin_left: float = 0.0
    margin_top: float = 0.0
    gap_x: float = 0.0
    gap_y: float = 0.0

    @property
    def per_page(self) -> int:
        return self.columns * self.rows


LAYOUTS = {
    layout.name: layout
    for layout in (
        Layout("a4-3x8", 210, 297, 3, 8, 70, 37.125),
        Layout("a4-2x5", 210, 297, 2, 5, 99, 57, margin_left=6, margin_top=6),
        Layout("tag-50x30", 50, 30, 1, 1, 50, 30),
    )
}


@dataclass(frozen=True)
class Fonts:
    regular: str
    bold: str


def register_fonts(regular_path: str, bold_path: str) -> Fonts:
    """Register the TrueType fonts (once per process) and return their names."""
    for name, path in (("LabelSans", regular_path), ("LabelSans-Bold", bold_path)):
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, path))
    return Fonts("LabelSans", "LabelSans-Bold")


def qr_modules(text: str) -> np.ndarray:
    """The QR symbol of text at error correction level Q: True where a module is dark."""
    symbol = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="Q")
    return np.asarray(symbol.to_image(scale=1, add_quiet_zones=False)) < 128


def draw_qr(canvas: Canvas, modules: np.ndarray, *, x: float, y: float, side: float) -> None:
    """Draw the symbol with its quiet zone inside a square of `side`, bottom-left at (x, y).

    One filled rectangle per run of dark modules in a row, in module units under a scaling
    matrix, written as PDF operators directly: ReportLab's path objects, formatting every
    coordinate as a float, are five times slower for a sheet of 10,000 labels.
    """
    count = modules.shape[0] + 2 * QUIET_MODULES
    padded = np.pad(modules.astype(np.int8), ((0, 0), (1, 1)))
    rows, columns = np.nonzero(np.diff(padded, axis=1))
    starts, ends = columns[::2] + QUIET_MODULES, columns[1::2] + QUIET_MODULES
    bottoms = count - QUIET_MODULES - 1 - rows[::2]
    # 1.02 modules tall: neighbouring rows overlap a hair, so no seam shows when rasterised.
    ops = " ".join(
        f"{left} {bottom} {width} 1.02 re"
        for left, bottom, width in zip(
            starts.tolist(), bottoms.tolist(), (ends - starts).tolist(), strict=True
        )
    )
    unit = side / count
    canvas.addLiteral(f"q 0 g {unit:.5f} 0 0 {unit:.5f} {x:.3f} {y:.3f} cm {ops} f Q")


def _fit(text: str, font: str, size: float, width: float) -> tuple[str, float]:
    """Shrink to fit down to 70 %, then cut with an ellipsis."""
    while pdfmetrics.stringWidth(text, font, size) > width and size > 0.7 * size + 0.01:
        size *= 0.95
        if pdfmetrics.stringWidth(text, font, size) <= width:
            return text, size
        if size < 6:
            break
    while text and pdfmetrics.stringWidth(text, font, size) > width:
        text = text[:-2] + "…"
    return text, size


def _draw_code128(
    canvas: Canvas, code: str, *, x: float, y: float, width: float, height: float
) -> None:
    """A Code 128 barcode stretched to `width` (no wider than 0.5 mm a module)."""
    probe = Code128(code, barHeight=height, humanReadable=False, quiet=False)
    bar_width = min(0.5 * mm, probe.barWidth * width / probe.width)
    bars = Code128(code, barHeight=height, barWidth=bar_width, humanReadable=False, quiet=False)
    bars.drawOn(canvas, x, y)


def _draw_text(
    canvas: Canvas,
    label: Label,
    *,
    left: float,
    top: float,
    room: float,
    height: float,
    fonts: Fonts,
    lines: int,
) -> float:
    """The code in large characters, then up to `lines` lines; returns the last baseline."""
    code, size = _fit(label.code, fonts.bold, min(20, height / mm * 0.55), room)
    top -= size
    canvas.setFont(fonts.bold, size)
    canvas.drawString(left, top, code)
    line_size = max(6.0, min(9.0, height / mm * 0.22))
    for line in label.lines[:lines]:
        top -= line_size * 1.25
        text, fitted = _fit(line, fonts.regular, line_size, room)
        canvas.setFont(fonts.regular, fitted)
        canvas.drawString(left, top, text)
    return top


@dataclass(frozen=True)
class Insets:
    """Room kept blank inside a label, on each side (points)."""

    left: float = PADDING
    right: float = PADDING
    top: float = PADDING
    bottom: float = PADDING


def _insets(layout: Layout, x: float, y: float) -> Insets:
    """A label's padding, widened on a side near a sheet's edge (a tag printer prints to its
    edges: its labels keep the padding alone)."""
    if layout.per_page == 1:
        return Insets()
    right_gap = layout.page_width * mm - x - layout.label_width * mm
    top_gap = layout.page_height * mm - y - layout.label_height * mm
    return Insets(
        left=max(PADDING, PRINTABLE_EDGE - x),
        right=max(PADDING, PRINTABLE_EDGE - right_gap),
        top=max(PADDING, PRINTABLE_EDGE - top_gap),
        bottom=max(PADDING, PRINTABLE_EDGE - y),
    )


def _draw_label(
    canvas: Canvas, label: Label, *, x: float, y: float, layout: Layout, fonts: Fonts, code128: bool
) -> None:
    width, height = layout.label_width * mm, layout.label_height * mm
    pad = _insets(layout, x, y)
    # A narrow label puts its Code 128 across the whole width, under a smaller QR code;
    # squeezed beside the QR code its bars would be too thin for a 203-dpi tag printer.
    stacked = code128 and width - height < MIN_BAR_ROOM + PADDING
    bar_band = 7 * mm if stacked else 0
    side = height - pad.top - pad.bottom - bar_band
    draw_qr(canvas, qr_modules(label.url), x=x + pad.left, y=y + pad.bottom + bar_band, side=side)
    left = x + pad.left + side + PADDING
    room = x + width - pad.right - left
    lines = 3 if not code128 else (1 if stacked else 2)
    baseline = _draw_text(
        canvas,
        label,
        left=left,
        top=y + height - pad.top,
        room=room,
        height=height - bar_band,
        fonts=fonts,
        lines=lines,
    )
    if stacked:
        _draw_code128(
            canvas,
            label.code,
            x=x + pad.left,
            y=y + pad.bottom * 0.6,
            width=width - pad.left - pad.right,
            height=bar_band - PADDING * 0.4,
        )
    elif code128:
        _draw_code128(
            canvas,
            label.code,
            x=left,
            y=y + pad.bottom,
            width=room,
            height=min(10 * mm, baseline - y - 2 * pad.bottom),
        )


NOTE_ROOM_MM = 4.0  # the bottom margin a page needs for its note


def _draw_note(canvas: Canvas, note: str, *, layout: Layout, fonts: Fonts) -> None:
    rows = layout.per_page // layout.columns
    used = layout.margin_top + rows * layout.label_height + (rows - 1) * layout.gap_y
    if not note or layout.page_height - used < NOTE_ROOM_MM:
        return
    canvas.setFont(fonts.regular, 6)
    canvas.setFillGray(0.35)
    canvas.drawString(layout.margin_left * mm, 1.5 * mm, note)
    canvas.setFillGray(0)


def render_sheet(
    labels: Iterable[Label],
    out: BinaryIO,
    *,
    layout: Layout,
    fonts: Fonts,
    code128: bool = False,
    title: str = "SmartTrees labels",
    note: str = "",
) -> int:
    """Write the labels as a PDF into `out`, page after page; returns how many were drawn.
    `note` (the address the codes carry) is the PDF's subject, and printed at the foot of
    every page whose bottom margin has room for it."""
    canvas = Canvas(
        out, pagesize=(layout.page_width * mm, layout.page_height * mm), pageCompression=1
    )
    canvas.setTitle(f"{title} · {note}" if note else title)  # a viewer's title bar shows it
    canvas.setSubject(note)
    count = 0
    for count, label in enumerate(labels, start=1):
        slot = (count - 1) % layout.per_page
        if slot == 0:
            if count > 1:
                canvas.showPage()
            _draw_note(canvas, note, layout=layout, fonts=fonts)
        column, row = slot % layout.columns, slot // layout.columns
        x = (layout.margin_left + column * (layout.label_width + layout.gap_x)) * mm
        y = (
            layout.page_height
            - layout.margin_top
            - (row + 1) * layout.label_height
            - row * layout.gap_y
        ) * mm
        _draw_label(canvas, label, x=x, y=y, layout=layout, fonts=fonts, code128=code128)
    canvas.save()
    return count
