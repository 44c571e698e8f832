"""The SQL that parses survey values (migration 0008) against what a surveyor means, and the
SQL tree codes against labels.codes, which the printed labels use."""

import random
from datetime import date

import pytest
from sqlalchemy import text

from smarttrees.extensions import db
from smarttrees.importers.points import parse_number
from smarttrees.labels import codes


def _sql(expression: str, value):
    return db.session.scalar(text(f"SELECT {expression}"), {"value": value})


def test_sql_tree_codes_are_the_codes_labels_print(app):
    rng = random.Random(11)
    numbers = [0, 1, 30, 31, 961, 29_791, codes.BASE**6 - 1]
    numbers += [rng.randrange(codes.BASE**6) for _ in range(300)]
    made = db.session.execute(
        text("SELECT n, tree_code(n) FROM unnest(CAST(:numbers AS bigint[])) AS n"),
        {"numbers": numbers},
    )
    assert {n: code for n, code in made} == {n: codes.encode(n) for n in numbers}


@pytest.mark.parametrize(
    ("written", "number"),
    [
        ("12,5", 12.5),
        ("12.5", 12.5),
        ("1.234,5", 1234.5),
        ("1,234.5", 1234.5),
        ("1 234,5", 1234.5),
        ("1\u00a0234", 1234.0),
        ("-3", -3.0),
        ("2e3", 2000.0),
        (".5", 0.5),
        ("abc", None),
        ("12,5 cm", None),
        ("1e400", None),
        ("NaN", None),
        ("inf", None),
        ("", None),
    ],
)
def test_numbers_parse_in_sql_as_in_python(app, written, number):
    assert _sql("import_number(:value)", written) == number
    if number is not None:
        assert parse_number(written) == number


@pytest.mark.parametrize(
    ("written", "day"),
    [
        ("15/06/2015", date(2015, 6, 15)),
        ("5/6/15", date(2015, 6, 5)),
        ("15.06.2015", date(2015, 6, 15)),
        ("15-06-2015", date(2015, 6, 15)),
        ("2015-06-15", date(2015, 6, 15)),
        ("2015-06-15T08:30:00", date(2015, 6, 15)),
        ("2015-06-15 00:00:00", date(2015, 6, 15)),
        ("2015", date(2015, 1, 1)),
        ("42170", date(2015, 6, 15)),  # an Excel serial day
        ("42170.5", date(2015, 6, 15)),
        ("29/02/2016", date(2016, 2, 29)),
        ("29/02/2015", None),
        ("31/04/2015", None),
        ("15/13/2015", None),
        ("06/15/2015", None),  # month first is not a date here
        ("2015-13-01", None),
        ("hôm qua", None),
        ("123", None),
    ],
)
def test_dates_parse_day_first_iso_and_excel_without_errors(app, written, day):
    assert _sql("import_date(:value)", written) == day
