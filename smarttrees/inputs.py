"""Parse raw field values (form posts, JSON) into typed values, collecting errors per field.

Messages are untranslated msgids; the web and API layers translate them.
"""

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from shapely.geometry import Point

from smarttrees.measures import FIELD_RANGES
from smarttrees.vietnamese import nfc

CLOCK_SLACK = timedelta(minutes=10)
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
_THOUSANDS = re.compile(r"^[0-9]{1,3}(?:[. ][0-9]{3})+$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$", re.ASCII)


UNSTORABLE = "This text holds a character that cannot be stored."


def storable(text: str) -> bool:
    """No NUL byte and no half of a surrogate pair: what every database column can store."""
    return "\x00" not in text and not any(0xD800 <= ord(c) <= 0xDFFF for c in text)


def is_whole(text: str) -> bool:
    """ASCII digits, few enough for any id ("²" and "١" are digits to Python; int() of 4,300
    digits fails)."""
    return text.isascii() and text.isdigit() and len(text) <= 18


@dataclass
class Fields:
    """Values parsed so far and the errors met, keyed by field name."""

    raw: Mapping[str, Any]
    values: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)

    def present(self, name: str) -> bool:
        value = self.raw.get(name)
        return value is not None and str(value).strip() != ""

    def _absent(self, name: str, *, required: bool) -> bool:
        """True when the field is empty: an error if required, else None where it was sent."""
        if self.present(name):
            return False
        if required:
            self.errors[name] = "This field is required."
        elif name in self.raw:
            self.values[name] = None
        return True

    def text(self, name: str, *, max_length: int = 2000, required: bool = False) -> None:
        if required and self._absent(name, required=True):
            return
        if name in self.raw:
            value = nfc(str(self.raw[name])) if self.raw[name] is not None else None
            if value and len(value) > max_length:
                self.errors[name] = "This text is too long."
            elif value and not storable(value):
                self.errors[name] = UNSTORABLE
            self.values[name] = value

    def number(self, name: str, *, required: bool = False, places: int | None = None) -> None:
        """A finite decimal in its field's range; with `places`, rounded to what its column
        stores, and refused when that leaves nothing (0.0001 m³ is not a batch)."""
        if self._absent(name, required=required):
            return
        try:
            value = Decimal(str(self.raw[name]).strip().replace(",", "."))
        except InvalidOperation:
            self.errors[name] = "Enter a number."
            return
        if not value.is_finite():  # NaN and Infinity parse, and mean nothing here
            self.errors[name] = "Enter a number."
            return
        low, high, message = FIELD_RANGES.get(name, (None, None, None))
        if places is not None:
            try:
                value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
            except InvalidOperation:  # more digits than a decimal context holds: 1e30
                self.errors[name] = message or "The number is too large."
                return
        if low is not None and not (low < value <= high):
            self.errors[name] = message
            return
        self.values[name] = value

    def choice(self, name: str, enum_type: type[enum.Enum], *, required: bool = False) -> None:
        if self._absent(name, required=required):
            return
        try:
            self.values[name] = enum_type(str(self.raw[name]).strip().lower())
        except ValueError:
            self.errors[name] = "Choose one of the listed values."

    def integer(
        self, name: str, *, required: bool = False, low: int | None = None, high: int | None = None
    ) -> None:
        """A whole number in ASCII digits (int() also reads other scripts' digits), in range."""
        if self._absent(name, required=required):
            return
        text = str(self.raw[name]).strip()
        if _THOUSANDS.fullmatch(text):  # 12.000 or 12 000, as Vietnamese forms write it
            text = re.sub(r"[. ]", "", text)
        if not re.fullmatch(r"-?[0-9]{1,15}", text):
            self.errors[name] = "Enter a whole number."
            return
        value = int(text)
        if low is not None and value < low:
            self.errors[name] = "The number must be more than 0." if low == 1 else "Too small."
        elif high is not None and value > high:
            self.errors[name] = "The number is too large."
        else:
            self.values[name] = value

    def day(self, name: str, *, required: bool = False) -> None:
        if self._absent(name, required=required):
            return
        try:
            value = parse_day(str(self.raw[name]))
        except ValueError:
            self.errors[name] = "Enter a date as dd/mm/yyyy."
            return
        if value > date.today():
            self.errors[name] = "The date cannot be in the future."
            return
        if value < EARLIEST.date():
            self.errors[name] = "The date cannot be before 1900."
            return
        self.values[name] = value

    def moment(self, name: str) -> None:
        """An ISO 8601 time (UTC when it names no zone), not in the future (phone clocks drift:
        a few minutes ahead are accepted)."""
        if self._absent(name, required=False):
            return
        try:
            value = datetime.fromisoformat(str(self.raw[name]).strip().replace("Z", "+00:00"))
        except ValueError:
            self.errors[name] = "Use an ISO 8601 time."
            return
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        if value > datetime.now(UTC) + CLOCK_SLACK:
            self.errors[name] = "The time cannot be in the future."
            return
        if value < EARLIEST:  # a phone's clock reset to year 1 writes times nothing can show
            self.errors[name] = "The time cannot be before 1900."
            return
        self.values[name] = value

    def location(self, *, required: bool) -> None:
        """`lon` and `lat` as the point `geom`; an error names "location"."""
        if not (self.present("lon") or self.present("lat")):
            if required:
                self.errors["location"] = "Give the tree's longitude and latitude."
            return
        try:
            lon = float(str(self.raw.get("lon")).replace(",", "."))
            lat = float(str(self.raw.get("lat")).replace(",", "."))
        except ValueError:
            self.errors["location"] = "Longitude and latitude must be numbers."
            return
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):  # NaN is in no range
            self.errors["location"] = "Longitude must be within ±180 and latitude within ±90."
            return
        self.values["geom"] = Point(lon, lat)

    def flag(self, name: str) -> None:
        self.values[name] = str(self.raw.get(name, "")).lower() in ("1", "true", "on", "yes", "y")


def parse_day(text: str) -> date:
    """A day-first date (dd/mm/yyyy, dd.mm.yyyy) or ISO yyyy-mm-dd."""
    text = text.strip()
    if not text.isascii():  # strptime's \d reads other scripts' digits too
        raise ValueError(text)
    if match := _DAY_FIRST.match(text):
        day, month, year = (int(part) for part in match.groups())
        return date(year, month, day)
    return datetime.strptime(text[:10], "%Y-%m-%d").date()
