"""Values from survey files: numbers with a decimal comma, dates day first, coordinates."""

import re
from datetime import date, timedelta

from pyproj import CRS, Transformer

_EXCEL_EPOCH = date(1899, 12, 30)
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})")


def parse_number(text: str) -> float:
    """'12,5', '1.234,5', '1 234.5', '12.5' → float; ValueError otherwise."""
    value = text.strip().replace("\u00a0", "").replace(" ", "")
    if "," in value and "." in value:
        # The last separator is the decimal one.
        if value.rfind(",") > value.rfind("."):
            value = value.replace(".", "").replace(",", ".")
        else:
            value = value.replace(",", "")
    elif "," in value:
        value = value.replace(",", ".")
    number = float(value)
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError(text)
    return number


def parse_date(text: str) -> date:
    """dd/mm/yyyy (day first), yyyy-mm-dd, a bare year, or an Excel serial day number."""
    value = text.strip()
    if match := _DAY_FIRST.match(value):
        day, month, year = (int(part) for part in match.groups())
        return date(year + 2000 if year < 100 else year, month, day)
    if match := _ISO.match(value):
        return date(*(int(part) for part in match.groups()))
    if re.fullmatch(r"\d{4}", value):
        return date(int(value), 1, 1)
    if re.fullmatch(r"\d{4,5}(\.\d+)?", value) and 20000 < float(value) < 80000:
        return _EXCEL_EPOCH + timedelta(days=int(float(value)))
    raise ValueError(text)


class Coordinates:
    """Turn a file's coordinates into WGS 84 longitude and latitude."""

    def __init__(self, crs: str) -> None:
        self.crs = CRS.from_user_input(crs)
        self.geographic = self.crs.is_geographic
        self.transformer = Transformer.from_crs(self.crs, 4326, always_xy=True)
        self.identity = self.crs == CRS.from_epsg(4326)  # GPS files: nothing to transform

    def to_lonlat(self, first: float, second: float) -> tuple[float, float]:
        """From (lon, lat) or (easting, northing). Vietnamese surveyors write X for the
        northing and Y for the easting: a pair in that order is recognised and turned."""
        if not self.geographic and first > 1_000_000 > second:
            first, second = second, first
        lon, lat = (first, second) if self.identity else self.transformer.transform(first, second)
        if not (-180 <= lon <= 180 and -90 <= lat <= 90) or lon != lon:
            raise ValueError("out of range")
        return lon, lat
