"""Print options parsed once for the print buttons and the CLI: layout, Code 128, margins."""

import pytest

from smarttrees.errors import ValidationFailed
from smarttrees.labels.options import PrintOptions, print_options


def _options(margins=None, layout=None):
    return print_options(layout=layout, default_layout="a4-3x8", code128=False, margins=margins)


@pytest.mark.parametrize(
    ("text", "moved"),
    [
        (None, None),
        ("", None),
        ("4.5,6", (4.5, 6.0)),
        ("4,5;6", (4.5, 6.0)),
        ("-2;", (-2.0, 0.0)),
        (";3,5", (0.0, 3.5)),
    ],
)
def test_margins_are_read_with_a_dot_or_a_decimal_comma(text, moved):
    assert _options(text) == PrintOptions(layout="a4-3x8", margins=moved)


@pytest.mark.parametrize("text", ["abc", "4.5,6,7", "4,5,6", "31;0", "0;-40"])
def test_a_margin_that_cannot_be_read_or_is_too_large_names_the_field(text):
    with pytest.raises(ValidationFailed) as raised:
        _options(text)
    assert set(raised.value.details) == {"margins"}


def test_an_unknown_layout_names_the_field_and_an_empty_one_takes_the_default():
    with pytest.raises(ValidationFailed) as raised:
        _options(layout="a3-giant")
    assert set(raised.value.details) == {"layout"}
    assert _options(layout=" ").layout == "a4-3x8"
