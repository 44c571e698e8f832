"""Excel workbooks (XLSX): the header and an iterator of (row number as the user sees it, row as
a dict of text), like the CSV reader. Workbooks are read in openpyxl's read-only mode, row by row.
"""

import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from smarttrees.importers.csvfile import NotATable, unique_names


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_xlsx(path: Path, sheet: str | None = None) -> tuple[list[str], Iterator[tuple[int, dict]]]:
    """The sheet asked for (else the first) of a workbook: its first non-empty row is the header."""
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as error:
        raise NotATable("This file is not a readable Excel workbook (.xlsx).") from error
    if sheet and sheet not in book.sheetnames:
        book.close()
        raise NotATable(
            f"No sheet {sheet!r} in this workbook; it has: {', '.join(book.sheetnames)}."
        )
    values = book[sheet or book.sheetnames[0]].iter_rows(values_only=True)
    header, header_row = None, 0
    for header_row, cells in enumerate(values, start=1):  # noqa: B007  (the row number is kept)
        if any(cell not in (None, "") for cell in cells):
            header = unique_names([_cell_text(cell) for cell in cells])
            break
    if header is None:
        book.close()
        raise NotATable("The workbook's first sheet is empty.")

    def rows() -> Iterator[tuple[int, dict]]:
        try:
            for number, cells in enumerate(values, start=header_row + 1):
                texts = [_cell_text(cell) for cell in cells]
                if any(texts):
                    yield number, dict(zip(header, texts, strict=False))
        finally:
            book.close()

    return header, rows()
