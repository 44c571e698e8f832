"""Properties of the pure parsers that FAIL on today's code (issue 13): each names a bug found by
tests/unit/test_input_properties.py's strategies widened. Drop into tests/unit/ once fixed."""

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from smarttrees.errors import ValidationFailed
from smarttrees.geo.tiles import parse_tile
from smarttrees.importers.points import parse_number, point_texts
from smarttrees.inputs import Fields, parse_day
from smarttrees.labels import codes
from smarttrees.services.custody.event_rules import parse_event
from smarttrees.services.interop.collections import COLLECTIONS
from smarttrees.services.interop.features import ParameterInvalid, parse_items
from tests.unit.test_input_properties import NON_ASCII_DIGITS, nasty_text, raw_value

HUNT = settings(max_examples=300, deadline=None, database=None)


@HUNT
@given(value=raw_value, name=st.sampled_from(["area_ha", "volume_m3", "mass_kg", "yield_ratio"]),
       places=st.integers(0, 4))  # fmt: skip
def test_a_number_rounded_to_its_column_never_raises(value, name, places):
    """Bug 1: Fields.number(places=…) raises decimal.InvalidOperation for '1e30'."""
    fields = Fields({name: value})
    fields.number(name, places=places)  # refused or accepted, never raised


@HUNT
@given(value=st.text(st.characters(categories=["Cs", "Ll"]), min_size=1, max_size=5))
def test_accepted_text_can_be_stored(value):
    """Bug 2: Fields.text accepts a lone surrogate ('\\ud800'), which UTF-8 cannot store."""
    fields = Fields({"notes": value})
    fields.text("notes")
    if "notes" not in fields.errors and fields.values["notes"]:
        assert fields.values["notes"].encode("utf-8")  # raises on a lone surrogate


@HUNT
@given(z=nasty_text, x=nasty_text, y=nasty_text)
def test_a_tile_address_is_read_from_ascii_digits_or_refused_naming_its_part(z, x, y):
    """Bug 3: parse_tile reads '١' as zoom 1 and refuses '²' or 4,400 digits with int()'s own
    message instead of the part's name."""
    try:
        parse_tile(z, x, y)
    except ValueError as error:
        assert str(error) in ("z", "x", "y"), str(error)[:80]
        return
    assert all(part.isascii() for part in (z, x, y)), (z, x, y)


@HUNT
@given(limit=st.sampled_from(["9" * 4301, "1" * 5000]), name=st.sampled_from(["limit", "cursor"]))
def test_ogc_whole_numbers_of_any_length_are_refused_as_parameters(limit, name):
    """Bug 4: parse_items lets int()'s ValueError escape for more than 4,300 digits (500)."""
    try:
        parse_items(COLLECTIONS["trees"], {name: limit})
    except ParameterInvalid as error:
        assert set(error.details) == {name}


@HUNT
@given(code=st.text(min_size=1, max_size=8).map(lambda t: t + "\x00"))
def test_a_planting_names_only_tree_codes_that_can_be_looked_up(code):
    """Bug 5: parse_event passes a tree code with NUL to the database (a 500 at the door)."""
    try:
        values = parse_event({"kind": "planted", "trees": code})
    except ValidationFailed as error:
        assert "trees" in error.details
        return
    assert all(set(c) <= set(codes.ALPHABET) for c in values["trees"]), values["trees"]


@HUNT
@given(a=st.floats(), b=st.floats())
def test_a_wkt_point_read_without_problem_is_finite(a, b):
    """Finding 6 (minor): point_texts('wkt', 'POINT (nan inf)') reports no problem."""
    x, y, problem, _ = point_texts("wkt", f"POINT ({a} {b})")
    if problem is None:
        assert math.isfinite(float(x)) and math.isfinite(float(y))


@HUNT
@given(d=st.text(NON_ASCII_DIGITS, min_size=1, max_size=2),
       m=st.text(NON_ASCII_DIGITS, min_size=1, max_size=2),
       y=st.text(NON_ASCII_DIGITS, min_size=4, max_size=4))  # fmt: skip
def test_a_day_is_read_only_from_ascii_digits(d, m, y):
    """Finding 7 (minor): parse_day reads '١/١/٢٠٢٠' as 1 January 2020."""
    try:
        parse_day(f"{d}/{m}/{y}")
    except ValueError:
        return
    raise AssertionError(f"read {d}/{m}/{y!r}")


@HUNT
@given(text=st.text(NON_ASCII_DIGITS, min_size=1, max_size=4))
def test_a_survey_number_is_read_only_from_ascii_digits(text):
    """Finding 8 (minor): parse_number reads '١٢' as 12 and '1_000' as 1000; its SQL twin
    import_number (which it says it matches) reads neither."""
    try:
        parse_number(text)
    except ValueError:
        return
    raise AssertionError(f"read {text!r}")
