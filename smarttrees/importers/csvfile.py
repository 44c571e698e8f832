"""CSV files as survey teams have them: any delimiter, quoted newlines, a BOM, UTF-8, UTF-16,
Windows-1258, or the older TCVN3 and VNI (guessed, then confirmed by the user from a preview).
Rows are streamed, never held in memory."""

import codecs
import csv
from collections.abc import Iterator
from pathlib import Path

from smarttrees.importers import encodings

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


def unique_names(header: list[str]) -> list[str]:
    """Column names as the file has them, a repeated one numbered ("Ghi chú (2)") so that
    every column of the file can be mapped."""
    seen: dict[str, int] = {}
    names = []
    for name in header:
        seen[name] = seen.get(name, 0) + 1
        names.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return names


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


def read_csv(
    path: Path, encoding: str | None = None
) -> tuple[list[str], Iterator[tuple[int, dict]]]:
    """The header and an iterator of (line number of the row's start, row as a dict)."""
    head = head_of(path)
    if not head.strip():
        raise NotATable("The file is empty.")
    encoding = encoding or detect_encoding(head)
    sample = head.decode(encoding, errors="replace")
    try:
        dialect = csv.Sniffer().sniff(sample.split("\n", 20)[0] + "\n", delimiters=DELIMITERS)
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    handle = open(path, encoding=encoding, newline="")  # noqa: SIM115  (closed by rows())
    reader = csv.reader(handle, delimiter=delimiter)
    try:
        header = unique_names([column.strip() for column in next(reader)])
    except StopIteration:
        raise NotATable("The file is empty.") from None
    if len(header) < 2:
        raise NotATable("The file has fewer than two columns: is it a CSV file?")

    def rows() -> Iterator[tuple[int, dict]]:
        with handle:
            line = reader.line_num
            for values in reader:
                start, line = line + 1, reader.line_num
                if any(value.strip() for value in values):
                    row = dict(zip(header, values, strict=False))
                    if len(values) > len(header) and any(v.strip() for v in values[len(header) :]):
                        row[EXTRA] = ", ".join(values[len(header) :])
                    yield start, row

    return header, rows()
