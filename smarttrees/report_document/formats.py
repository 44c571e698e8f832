"""Numbers, shares, months and the date line as the report writes them (Vietnamese style:
1.107.444 trees, 641.128,0 t)."""

import datetime

from smarttrees.labels.vn_format import vn_number

TONNES = 1  # decimal places of a mass in tonnes
SHARE = 1  # of a percentage


def count(value: int | float | None) -> str:
    """A whole number with thousands dots: 1107444 → '1.107.444'."""
    return vn_number(value, 0)


def tonnes(value: float | None) -> str:
    """A mass in tonnes to one decimal: 641127.998 → '641.128,0'."""
    return vn_number(value, TONNES)


def decimal(value: float | None, places: int) -> str:
    return vn_number(value, places)


def share(part: int | float, whole: int | float) -> str:
    """`part` as a percentage of `whole`, '0,0' when there is no whole."""
    return vn_number(100 * part / whole if whole else 0, SHARE)


def month(key: str) -> str:
    """A month key 'YYYY-MM' as '06/2024'."""
    year, number = key.split("-")
    return f"{number}/{year}"


def date_parts(day: datetime.date) -> dict[str, str]:
    """Day, month and year of the date line; Decree 30/2020/NĐ-CP gives days below 10 and the
    months 1 and 2 a leading zero."""
    month_text = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return {"day": f"{day.day:02d}", "month": month_text, "year": str(day.year)}
