"""The error report of an import as a workbook (the CSV report is written by the view)."""

from collections.abc import Iterable
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

REPORT_HEADER = ("row", "code", "severity", "columns", "value", "message")


def report_xlsx(out: BinaryIO, header: list[str], rows: Iterable[list]) -> None:
    """Stream rows into a one-sheet workbook (write-only mode: memory stays flat)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("errors")
    sheet.freeze_panes = "A2"
    for column, width in zip("ABCDEF", (8, 24, 10, 24, 30, 70), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.append([_bold(book, title) for title in header])
    for row in rows:
        sheet.append(row)
    book.save(out)


def _bold(book: Workbook, title: str):
    cell = WriteOnlyCell(book.worksheets[0], value=title)
    cell.font = Font(bold=True)
    return cell
