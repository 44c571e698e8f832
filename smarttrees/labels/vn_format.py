"""Numbers and dates as Vietnamese administrative documents write them."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

DOTS = "……………………"  # a blank to fill in by hand, as paper forms leave it


def vn_number(value: Decimal | int | None, places: int) -> str:
    """Write a number with a decimal comma and a thousands dot: 12345.6 → '12.345,600'."""
    rounded = Decimal(value or 0).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    return "" if value is None else f"{rounded:,.{places}f}".translate(str.maketrans(",.", ".,"))


def short_date(day: datetime.date | None) -> str:
    """Write a date as 26/11/2026, or dots to fill in by hand."""
    return day.strftime("%d/%m/%Y") if day else DOTS


def long_date(day: datetime.date) -> str:
    """Write a date the administrative way: 'ngày 05 tháng 02 năm 2026'."""
    # Decree 30/2020/NĐ-CP: days below 10 and months 1 and 2 take a leading zero.
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"
