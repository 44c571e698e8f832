"""The reports' filters (the map's: category, species, commune, planting year) as SQL on the
tallies, checked at the boundary: a bad value is refused naming its field."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from smarttrees.errors import NotFound, ValidationFailed
from smarttrees.models import TreeCategory
from smarttrees.schemas import Choice, Schema, Text, Whole
from smarttrees.services import inventory

FIRST_YEAR = 1900
MAX_ID = 2**31 - 1
FILTER_FIELDS = ("category", "species_id", "commune_id", "commune", "year")
CODE = re.compile(r"[0-9]{5}")  # a commune's statistics code


@dataclass(frozen=True)
class ReportFilter:
    category: TreeCategory | None = None
    species_id: int | None = None
    commune_id: int | None = None
    year: int | None = None  # of planting

    def where(self, prefix: str = "", *, planted: str | None = None) -> tuple[str, dict]:
        """SQL conditions on a tally (or on trees, whose `planted` column is planted_on) and
        their values."""
        planted = planted or f"{prefix}planted_month"
        clauses, params = [], {}
        if self.category:
            clauses.append(f"{prefix}category = CAST(:category AS tree_category)")
            params["category"] = self.category.value
        if self.species_id:
            clauses.append(f"{prefix}species_id = :species_id")
            params["species_id"] = self.species_id
        if self.commune_id:
            clauses.append(f"{prefix}commune_id = :commune_id")
            params["commune_id"] = self.commune_id
        if self.year:
            clauses.append(f"{planted} >= make_date(:year, 1, 1)")
            clauses.append(f"{planted} < make_date(:year + 1, 1, 1)")
            params["year"] = self.year
        return "".join(f" AND {c}" for c in clauses), params

    def as_args(self) -> dict[str, str]:
        """The filter as query-string arguments (links to the trees behind a figure)."""
        values = {
            "category": self.category.value if self.category else None,
            "species_id": self.species_id,
            "commune_id": self.commune_id,
            "year": self.year,
        }
        return {name: str(value) for name, value in values.items() if value}


FILTER = Schema(
    "Report filter",
    (
        Choice("category", choices=TreeCategory),
        Whole("species_id", low=1, high=MAX_ID),
        Whole("commune_id", low=1, high=MAX_ID),
        Text("commune", max_length=5, about="A commune's five-digit statistics code."),
        Whole("year", low=FIRST_YEAR, about="Of planting."),
    ),
    message="Some filters are not valid.",
)


def parse_filter(raw: Mapping[str, str]) -> ReportFilter:
    """A filter from query-string values; ValidationFailed names every wrong field."""
    fields = FILTER.read({name: value for name, value in raw.items() if name in FILTER_FIELDS})
    if (year := fields.values.get("year")) and year > date.today().year + 1:
        fields.errors["year"] = "The number is too large."
    commune = fields.values.pop("commune", None) or ""
    if commune and not CODE.fullmatch(commune):
        fields.errors["commune"] = "Give the commune's five-digit statistics code."
    if fields.errors:
        raise ValidationFailed(FILTER.message, details=fields.errors)
    values = {name: value for name, value in fields.values.items() if value}
    if commune:
        try:
            values["commune_id"] = inventory.get_commune(commune).id
        except NotFound as unknown:  # named as the filter calls it
            raise NotFound(unknown.message, details={"commune": commune}) from None
    return ReportFilter(**values)
