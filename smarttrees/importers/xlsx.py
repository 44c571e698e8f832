"""Excel workbooks (XLSX): the header and an iterator of (row number as the user sees it, row as
a dict of text), like the CSV reader. Workbooks are read in openpyxl's read-only mode, row by row.
"""

import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from smarttrees.importers.csvfile import NotATable
from smarttrees.importers.layout import Layout, NoHeader, read_table


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


def read_xlsx(
    path: Path, sheet: str | None = None, header_row: int | None = None
) -> tuple[list[str], Iterator[tuple[int, dict]], Layout]:
    """The sheet asked for (else the first) of a workbook: its columns, its data rows and where
    the header was found, below any letterhead and title rows."""
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

    def numbered() -> Iterator[tuple[int, list[str]]]:
        try:
            for number, cells in enumerate(values, start=1):
                yield number, [_cell_text(cell) for cell in cells]
        finally:
            book.close()

    try:
        return read_table(numbered(), header_row=header_row)
    except NoHeader as error:
        book.close()
        raise NotATable(str(error)) from None
