"""A tree's measurements, in one place: their plausible ranges (the database's check
constraints, the forms and API, and the survey import all read them from here), the units a
survey may give them in, and the words surveys use for a tree's condition."""

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Measure:
    """A measurement of a tree: more than `low` and at most `high`, in `unit`."""

    column: str  # of trees and inspections
    unit: str
    low: float
    high: float
    message: str  # an untranslated msgid

    def check_sql(self) -> str:
        """The check constraint the database holds the column to."""
        return f"{self.column} > {self.low:g} AND {self.column} <= {self.high:g}"

    def holds(self, value) -> bool:
        return self.low < value <= self.high


MEASURES = {
    "dbh": Measure("dbh_cm", "cm", 0, 500, "DBH must be more than 0 and at most 500 cm."),
    "height": Measure("height_m", "m", 0, 120, "Height must be more than 0 and at most 120 m."),
    "crown": Measure("crown_m", "m", 0, 80, "Crown width must be more than 0 and at most 80 m."),
}
# Fields of the forms and the API that are not stored measurements but have a range too.
FIELD_RANGES = {
    **{m.column: (m.low, m.high, m.message) for m in MEASURES.values()},
    "accuracy_m": (0, 100000, "GPS accuracy must be a positive number of metres."),
    "circumference_cm": (0, 1600, "The circumference must be more than 0 and at most 1,600 cm."),
    # Custody: harvests and batches of forest products.
    "area_ha": (0, 100000, "The area must be more than 0 and at most 100,000 ha."),
    "planned_volume_m3": (0, 1000000, "The volume must be more than 0 and at most 1,000,000 m³."),
    "volume_m3": (0, 1000000, "The volume must be more than 0 and at most 1,000,000 m³."),
    "mass_kg": (0, 1000000000, "The mass must be more than 0 kg."),
    "yield_ratio": (0, 1, "The yield must be more than 0 and at most 1."),
}
# The survey import's ranges, by mapping target.
RANGES = {name: (m.low, m.high) for name, m in MEASURES.items()}
# Condition words of Vietnamese field sheets and of city inventories (folded, lower case).
# The words of a file's category column, folded → the tree's category.
CATEGORIES = {
    "urban": "urban",
    "street": "urban",
    "do thi": "urban",
    "cay do thi": "urban",
    "scattered": "scattered",
    "phan tan": "scattered",
    "cay phan tan": "scattered",
    "plantation": "plantation",
    "rung trong": "plantation",
    "rung trong tap trung": "plantation",
    "tap trung": "plantation",
}

CONDITIONS = {
    "good": "good",
    "very good": "good",
    "excellent": "good",
    "tot": "good",
    "rat tot": "good",
    "binh thuong": "good",
    "fair": "fair",
    "average": "fair",
    "trung binh": "fair",
    "kha": "fair",
    "poor": "poor",
    "critical": "poor",
    "dying": "poor",
    "declining": "poor",
    "kem": "poor",
    "xau": "poor",
    "sau benh": "poor",
    "dead": "dead",
    "chet": "dead",
    "kho": "dead",
    "removed": "removed",
    "stump": "removed",
    "da chat": "removed",
}


UNITS = {
    "dbh": {
        "cm": 1.0,
        "mm": 0.1,
        "m": 100.0,
        "in": 2.54,
        "circumference_cm": 1 / math.pi,
        "circumference_mm": 0.1 / math.pi,
        "circumference_m": 100 / math.pi,
    },
    "height": {"m": 1.0, "ft": 0.3048},
    "crown": {"m": 1.0, "ft": 0.3048},
}
