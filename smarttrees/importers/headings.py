"""Column headings as survey teams write them: case, diacritics and punctuation folded, and a
unit in parentheses or brackets read apart ("D1.3 (cm)", "Hvn (m)", "Chu vi [mm]", "X (m)")."""

import re
from dataclasses import dataclass

from smarttrees.vietnamese import fold

# A unit at the end of a heading, in parentheses or brackets: "(cm)", "[mm]", "( m )".
_UNIT = re.compile(r"\s*[\(\[]\s*([^\(\)\[\]]{1,12}?)\s*[\)\]]\s*$")
_PUNCTUATION = re.compile(r"[\s_\-./,:;#*'\"`()\[\]]+")
UNIT_WORDS = {
    "cm": "cm",
    "mm": "mm",
    "m": "m",
    "met": "m",
    "metre": "m",
    "meter": "m",
    "ft": "ft",
    "feet": "ft",
    "foot": "ft",
    "in": "in",
    "inch": "in",
    "inches": "in",
    "ha": "ha",
    "m2": "m2",
    "m²": "m2",
}


@dataclass(frozen=True)
class Heading:
    """A heading's words (folded, punctuation as single spaces) and the unit it names, if any."""

    key: str
    unit: str | None = None


def read_heading(text: str) -> Heading:
    """'D1.3 (cm)' → Heading('d1 3', 'cm'); 'Tọa độ X' → Heading('toa do x')."""
    folded = fold(text or "")
    unit = None
    if match := _UNIT.search(folded):
        word = UNIT_WORDS.get(match.group(1).strip())
        if word is not None:
            unit, folded = word, folded[: match.start()]
    return Heading(key=words(folded), unit=unit)


def words(text: str) -> str:
    """Folded text with its punctuation as single spaces: 'D1.3' and 'd1,3' read alike."""
    return _PUNCTUATION.sub(" ", fold(text)).strip()


def last_part(text: str) -> str:
    """The name inside a group path: Kobo/ODK `group/name`, `group-name`, a two-row heading
    joined as `parent/child`."""
    return text.replace("-", "/").split("/")[-1]
