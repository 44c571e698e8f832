"""Where the table is in an office spreadsheet: letterhead and title rows above the header, a
header of one row or two (a merged "Tọa độ VN-2000" over "X (m)" and "Y (m)"), a row of column
numbers "(1) … (n)" under it, and totals and signatures below the data.

The reader gives the first rows of a sheet; `find_layout` says which row is the header (or
which two are), which rows were skipped, and where the data starts. `is_footer` ends the data.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import chain

from smarttrees.importers.headings import words
from smarttrees.importers.points import parse_number

HEAD_ROWS = 30  # the rows a reader shows find_layout
_COLUMN_NUMBER = re.compile(r"^[\(\[]?\s*(\d{1,2})\s*[\)\]]?$")
_SIGNATURE_DATE = re.compile(r"\bngay\b.*\bthang\b.*\bnam\b")
FOOTER_WORDS = ("tong cong", "tong so", "tong", "cong", "total", "grand total", "sum")
SIGNATURE_WORDS = (
    "nguoi lap",
    "nguoi lap bieu",
    "nguoi kiem tra",
    "thu truong",
    "xac nhan",
    "ky ten",
    "giam doc",
    "ke toan",
    "can bo",
    "prepared by",
)


@dataclass
class Layout:
    """Row numbers as the user sees them (1 is the sheet's first row)."""

    header_rows: list[int]
    columns: list[str]
    first_data_row: int
    skipped_rows: list[int] = field(default_factory=list)
    # Totals, subtotals and signature lines met among the data (set by the reader as it reads).
    footer_rows: list[int] = field(default_factory=list)

    def describe(self) -> dict:
        return {
            "header_rows": self.header_rows,
            "skipped_rows": self.skipped_rows,
            "first_data_row": self.first_data_row,
            "footer_rows": self.footer_rows,
        }


class NoHeader(ValueError):  # a NotATable, for the readers
    """No row of the sheet's beginning looks like a header."""


def find_layout(head: list[tuple[int, list[str]]], header_row: int | None = None) -> Layout:
    """The layout of a sheet from its first non-empty rows: (row number, cell texts) pairs.
    `header_row` (a row number) overrides the guess: that row alone is the header."""
    if not head:
        raise NoHeader("The sheet is empty.")
    position = _header_position(head, header_row)
    number, header = head[position]
    header_rows, columns, used = [number], list(header), position + 1
    if used < len(head) and header_row is None and _continues_header(header, head[used][1]):
        header_rows.append(head[used][0])
        columns = _joined(header, head[used][1])
        used += 1
    skipped = [n for n, _ in head[:position]]
    if used < len(head) and _column_numbers(head[used][1]):
        skipped.append(head[used][0])
        used += 1
    first = head[used][0] if used < len(head) else header_rows[-1] + 1
    return Layout(header_rows, columns, first, skipped)


def _header_position(head: list[tuple[int, list[str]]], header_row: int | None) -> int:
    if header_row is not None:
        for position, (number, _) in enumerate(head):
            if number == header_row:
                return position
        raise NoHeader("The header row given is empty or beyond the sheet's first rows.")
    width = max(_filled(cells) for _, cells in head)
    if width < 2:
        raise NoHeader("The table has fewer than two columns: is it a table of trees?")
    for position, (_, cells) in enumerate(head):
        filled = _filled(cells)
        if filled >= max(2, (width + 1) // 2) and _texts(cells) >= 0.6 * filled:
            return position
    raise NoHeader("No row at the top of the sheet looks like a header of column names.")


def _filled(cells: list[str]) -> int:
    return sum(1 for cell in cells if cell.strip())


def _texts(cells: list[str]) -> int:
    """Cells that are words, not numbers."""
    return sum(1 for cell in cells if cell.strip() and not _is_number(cell))


def _is_number(text: str) -> bool:
    try:
        parse_number(text)
    except ValueError:
        return False
    return True


def _continues_header(header: list[str], below: list[str]) -> bool:
    """A second header row: words, not a row of column numbers, and some of them under an empty
    cell of the first row (the rest of a merged heading)."""
    filled = _filled(below)
    if filled < 2 or _texts(below) < filled or _column_numbers(below):
        return False
    return any(
        cell.strip() and (j >= len(header) or not header[j].strip()) for j, cell in enumerate(below)
    )


def _joined(header: list[str], below: list[str]) -> list[str]:
    """Each column named by its heading, or "parent/child" under a merged heading."""
    names, parent = [], ""
    for j in range(max(len(header), len(below))):
        top = header[j].strip() if j < len(header) else ""
        child = below[j].strip() if j < len(below) else ""
        parent = top or (parent if child else "")
        names.append(f"{parent}/{child}" if parent and child else parent or child)
    return names


def _column_numbers(cells: list[str]) -> bool:
    """A row numbering the columns: (1) (2) (3) … or 1 2 3 …"""
    numbers = [_COLUMN_NUMBER.match(cell.strip()) for cell in cells if cell.strip()]
    if len(numbers) < 3 or not all(numbers):
        return False
    values = [int(match.group(1)) for match in numbers]
    return values == list(range(values[0], values[0] + len(values)))


def is_footer(cells: list[str]) -> bool:
    """Totals ("Tổng cộng", "Cộng") or a signature block ("Người lập biểu", "Thái Nguyên, ngày
    … tháng … năm …"): the data has ended."""
    first = next((words(cell) for cell in cells if cell.strip()), "")
    if not first:
        return False
    if first in FOOTER_WORDS or first.startswith("tong cong"):
        return True
    return first.startswith(SIGNATURE_WORDS) or bool(_SIGNATURE_DATE.search(first))


def read_table(
    numbered: Iterator[tuple[int, list[str]]], *, header_row: int | None = None, extra: str = ""
) -> tuple[list[str], Iterator[tuple[int, dict]], Layout]:
    """The columns, the data rows as dicts and the layout of a table given as (row number, cell
    texts) pairs; empty rows are passed over, the data ends at totals or signatures. With
    `extra`, the values of a row beyond the header's columns are kept under that name."""
    head: list[tuple[int, list[str]]] = []
    for number, cells in numbered:
        if any(cell.strip() for cell in cells):
            head.append((number, cells))
            if len(head) >= HEAD_ROWS:
                break
    layout = find_layout(head, header_row)
    layout.columns = unique_names([name.strip() for name in layout.columns])
    skipped = {*layout.header_rows, *layout.skipped_rows}
    buffered = [(n, cells) for n, cells in head if n >= layout.first_data_row and n not in skipped]

    width = sum(1 for name in layout.columns if name)

    def rows() -> Iterator[tuple[int, dict]]:
        # A total or a signature line is passed over, said in the layout; after one, a line
        # that fills less than half the columns (a name under a signature) is too. The rows
        # after a subtotal are read on.
        after_footer = False
        for number, cells in chain(buffered, numbered):
            if not any(cell.strip() for cell in cells):
                continue
            if is_footer(cells) or (after_footer and _filled(cells) < width / 2):
                layout.footer_rows.append(number)
                after_footer = True
                continue
            yield number, _row(layout.columns, cells, extra)

    return layout.columns, rows(), layout


def _row(columns: list[str], cells: list[str], extra: str) -> dict:
    row = dict(zip(columns, cells, strict=False))
    if extra and len(cells) > len(columns) and any(v.strip() for v in cells[len(columns) :]):
        row[extra] = ", ".join(cells[len(columns) :])
    return row


def unique_names(header: list[str]) -> list[str]:
    """Column names as the file has them, a repeated one numbered ("Ghi chú (2)") so that
    every column of the file can be mapped."""
    seen: dict[str, int] = {}
    names = []
    for name in header:
        seen[name] = seen.get(name, 0) + 1
        names.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return names
