"""A plain CSV file staged by PostgreSQL's own COPY, without a row passing through Python: a
province's million rows are read in a second or two instead of fifteen.

A file takes this path when its header is its first line and the staging SQL reads its points
(plain numbers). COPY then must find every line as plain as the header promised: the same
number of values on each, no value spread over two lines, no total or signature line among the
data. When it does not, the COPY is taken back and the caller reads the file row by row, as
any other table, with the same outcome.
"""

import io
import re
import unicodedata
from collections.abc import Callable
from functools import cache

import psycopg2
from sqlalchemy import text

from smarttrees.extensions import db
from smarttrees.importers.csvfile import PlainCsv
from smarttrees.importers.layout import FOOTER_WORDS, SIGNATURE_WORDS, is_footer
from smarttrees.services.imports import column_values

PROGRESS_EVERY = 8 * 2**20  # characters between two reports of the rows read


class _Lines(io.TextIOBase):
    """The file's text as COPY reads it, counting its lines and reporting progress."""

    def __init__(self, plain: PlainCsv, progress: Callable[..., None] | None) -> None:
        self.handle = plain.path.open(encoding=plain.encoding, newline="")
        self.progress, self.lines, self.ends_open, self.since = progress, 0, False, 0

    def read(self, size: int = -1) -> str:
        chunk = self.handle.read(size if size and size > 0 else 2**16)
        if chunk:
            self.lines += chunk.count("\n")
            self.ends_open = not chunk.endswith("\n")
            self.since += len(chunk)
            if self.progress and self.since >= PROGRESS_EVERY:
                self.since = 0
                self.progress(self.lines)
        return chunk

    def readline(self, size: int = -1) -> str:  # psycopg2 asks for read() only
        raise io.UnsupportedOperation

    def close(self) -> None:
        self.handle.close()

    @property
    def data_lines(self) -> int:
        return self.lines + (1 if self.ends_open else 0) - 1  # the header is not data


def copy_plain_csv(
    plain: PlainCsv, columns: list[str], progress: Callable[..., None] | None = None
) -> int | None:
    """COPY the file into import_raw (made by the caller, empty); how many rows it holds, or
    None (and import_raw left empty) when the file is not as plain as its header promised."""
    raw = column_values.raw_names(columns)
    names = ", ".join(raw.values())
    savepoint = db.session.begin_nested()
    cursor = db.session.connection().connection.cursor()
    lines = _Lines(plain, progress)
    try:
        cursor.copy_expert(
            f"COPY import_raw ({names}) FROM STDIN "
            f"(FORMAT csv, HEADER true, DELIMITER {_literal(plain.delimiter)})",
            lines,
        )
    except (psycopg2.DataError, UnicodeError, ValueError):
        savepoint.rollback()  # a short or long line, a quote left open, a NUL byte
        return None
    finally:
        lines.close()
    copied = cursor.rowcount
    # A value spread over two lines makes the line numbers wrong: read the file row by row.
    if copied != lines.data_lines or _has_footer(list(raw.values())):
        savepoint.rollback()
        return None
    savepoint.commit()
    return copied - _drop_empty_rows(list(raw.values()))


def _literal(delimiter: str) -> str:
    return "E'\\t'" if delimiter == "\t" else f"'{delimiter}'"


def _first_filled(cells: list[str]) -> str:
    return "coalesce(" + ", ".join(f"nullif(btrim({c}, E' \\t\\r\\n'), '')" for c in cells) + ")"


def _has_footer(cells: list[str]) -> bool:
    """A total or a signature among the data? The few rows whose first value begins with one
    of their words (or holds "ngày") are fetched and judged as the row by row reader judges
    them."""
    candidates = db.session.scalars(
        text(
            f"SELECT first FROM (SELECT {_first_filled(cells)} AS first FROM import_raw) AS r "
            "WHERE first ~ :words"
        ),
        {"words": _footer_pattern()},
    )
    return any(is_footer([value]) for value in candidates)


@cache
def _footer_pattern() -> str:
    """A regular expression for the start of a total or a signature, each letter standing for
    itself with any mark and in either case ("tong" finds "Tổng"), as `vietnamese.fold` reads."""
    variants: dict[str, set[str]] = {"d": {"đ", "Đ"}}
    for code in (*range(0x41, 0x5B), *range(0x61, 0x7B), *range(0xC0, 0x1F00)):
        letter = chr(code)
        base = unicodedata.normalize("NFD", letter)[0].lower()
        if base.isascii() and base.isalpha():
            variants.setdefault(base, set()).add(letter)

    def loose(word: str) -> str:
        return "".join(
            "[" + "".join(sorted(variants[c])) + "]" if c in variants else re.escape(c)
            for c in word
        )

    starts = sorted({word.split()[0] for word in (*FOOTER_WORDS, *SIGNATURE_WORDS)})
    return f"^\\W*({'|'.join(map(loose, starts))})|{loose('ngay')}"


def _drop_empty_rows(cells: list[str]) -> int:
    """Rows with no value at all are passed over (the row by row reader does the same)."""
    empty = f"{_first_filled(cells)} IS NULL"
    return db.session.execute(text(f"DELETE FROM import_raw WHERE {empty}")).rowcount
