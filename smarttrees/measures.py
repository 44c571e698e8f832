"""What a survey row's cells mean: plausible ranges, condition words and units (numbers and
dates are parsed in SQL, by the functions of migration 0008)."""

import math

RANGES = {"dbh": (0, 500), "height": (0, 120), "crown": (0, 80)}
CONDITIONS = {
    "good": "good",
    "tot": "good",
    "fair": "fair",
    "trung binh": "fair",
    "kha": "fair",
    "poor": "poor",
    "kem": "poor",
    "xau": "poor",
    "dead": "dead",
    "chet": "dead",
    "removed": "removed",
    "da chat": "removed",
}


UNITS = {
    "dbh": {
        "cm": 1.0,
        "mm": 0.1,
        "m": 100.0,
        "circumference_cm": 1 / math.pi,
        "circumference_m": 100 / math.pi,
    },
    "height": {"m": 1.0, "ft": 0.3048},
    "crown": {"m": 1.0, "ft": 0.3048},
}
