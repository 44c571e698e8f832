"""Trees as an Excel workbook, in openpyxl's write-only mode: each row goes to a temporary file
as it comes, so a province's export never sits in memory. A sheet holds at most 1,048,576 rows;
more trees go on to a second sheet ("trees 2"), each with its header."""

from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook

from smarttrees.exporters.columns import COLUMNS, xml_safe

SHEET_ROWS = 1_048_576  # Excel's limit, header included
HEADER = ("code", "longitude", "latitude", *(c.name for c in COLUMNS[1:]))
DATE_FORMAT = "yyyy-mm-dd"


class XlsxWriter:
    """Rows of (longitude, latitude, *COLUMNS values) as sheets of the importer's columns."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.book = Workbook(write_only=True)
        self.sheet = None
        self.sheets = 0
        self.rows_in_sheet = SHEET_ROWS

    def _next_sheet(self) -> None:
        self.sheets += 1
        self.sheet = self.book.create_sheet("trees" if self.sheets == 1 else f"trees {self.sheets}")
        self.sheet.append(HEADER)
        self.rows_in_sheet = 1

    def add(self, rows: Sequence[tuple]) -> None:
        for x, y, code, *values in rows:
            if self.rows_in_sheet >= SHEET_ROWS:
                self._next_sheet()
            self.sheet.append((code, x, y, *map(xml_safe, values)))
            self.rows_in_sheet += 1

    def finish(self) -> Path:
        if self.sheet is None:
            self._next_sheet()  # no tree: the header alone
        self.book.save(self.path)
        return self.path
