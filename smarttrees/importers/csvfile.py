"""CSV files as survey teams have them: any delimiter, quoted newlines, a BOM, UTF-8, UTF-16,
Windows-1258, or the older TCVN3 and VNI (guessed, then confirmed by the user from a preview).
Rows are streamed, never held in memory."""

import codecs
import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from smarttrees.importers import encodings
from smarttrees.importers.layout import Layout, NoHeader, read_table

SAMPLE = 64 * 1024
DELIMITERS = ",;\t|"
FALLBACK_ENCODINGS = ("cp1258", "cp1252")
EXTRA = "__extra"  # the values of a row beyond the header's columns (a decimal comma unquoted?)


class NotATable(ValueError):
    """The file is empty or cannot be read as a table."""


def detect_encoding(head: bytes) -> str:
    """UTF-16 or UTF-8 (with or without BOM) when the bytes say so; else TCVN3 or VNI when the
    bytes look like them (a guess to confirm), else Windows-1258."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        head.decode("utf-8")
        return "utf-8-sig"
    except UnicodeDecodeError as error:
        if error.start > len(head) - 4:  # a character cut at the end of the sample
            return "utf-8-sig"
    return encodings.guess(head) or FALLBACK_ENCODINGS[0]


def head_of(path: Path) -> bytes:
    with path.open("rb") as raw:
        return raw.read(SAMPLE)


ONE_BYTE_ENCODINGS = ("cp1258", *encodings.LEGACY)


def preview(path: Path, lines: int = 4) -> dict[str, list[str]]:
    """The first lines of a file that is not UTF read in each one-byte Vietnamese encoding,
    for the user to see which one shows the names right."""
    first = head_of(path).split(b"\n")[: lines + 1]
    return {
        name: [line.decode(name, errors="replace").strip() for line in first]
        for name in ONE_BYTE_ENCODINGS
    }


@dataclass(frozen=True)
class PlainCsv:
    """A CSV file whose header is its first line and whose data follows at once: PostgreSQL's
    COPY can read it as it is (the rows are still checked to be as plain as that)."""

    path: Path
    encoding: str
    delimiter: str


def read_csv(
    path: Path, encoding: str | None = None, header_row: int | None = None
) -> tuple[list[str], Iterator[tuple[int, dict]], Layout, PlainCsv | None]:
    """The header, an iterator of (line number of the row's start, row as a dict), where the
    header was found (a file exported from an office sheet may have titles above it), and the
    file as COPY may read it when its header is its first line."""
    head = head_of(path)
    if not head.strip():
        raise NotATable("The file is empty.")
    encoding = encoding or detect_encoding(head)
    delimiter = _delimiter(head.decode(encoding, errors="replace"))
    handle = open(path, encoding=encoding, newline="")  # noqa: SIM115  (closed by rows())
    reader = csv.reader(handle, delimiter=delimiter)

    def numbered() -> Iterator[tuple[int, list[str]]]:
        with handle:
            line = reader.line_num
            for values in reader:
                start, line = line + 1, reader.line_num
                yield start, values

    try:
        columns, rows, layout = read_table(numbered(), header_row=header_row, extra=EXTRA)
    except NoHeader as error:
        handle.close()
        raise NotATable(str(error)) from None
    plain = layout.header_rows == [1] and layout.first_data_row == 2
    return columns, rows, layout, PlainCsv(path, encoding, delimiter) if plain else None


def _delimiter(sample: str) -> str:
    try:
        return (
            csv.Sniffer().sniff(sample.split("\n", 20)[0] + "\n", delimiters=DELIMITERS).delimiter
        )
    except csv.Error:
        return ","
