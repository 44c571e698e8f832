"""Every message the report prints, and the caller's translations of them.

Messages are English msgids, as everywhere in the app, except the fixed formulas of a
Vietnamese administrative document (the heading, the place and date, the signers): those are
written in Vietnamese, so a report is correct even before the catalogue holds them, and an
English catalogue may still translate them.
"""

import unicodedata
from collections.abc import Mapping


def N_(message: str) -> str:  # the name pybabel extract looks for
    """Mark a message for the catalogue: pybabel extracts it, the caller translates it."""
    return message


# The administrative formulas (Decree 30/2020/NĐ-CP), in Vietnamese.
AUTHORITY = N_("UBND TỈNH {province}")
DEPARTMENT = N_("SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG")
NATION = N_("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
MOTTO = N_("Độc lập - Tự do - Hạnh phúc")
PLACE_DATE = N_("{place}, ngày {day} tháng {month} năm {year}")
MAKER = N_("NGƯỜI LẬP BIỂU")
HEAD = N_("THỦ TRƯỞNG ĐƠN VỊ")
SIGN_NAME = N_("(Ký, ghi rõ họ tên)")
SIGN_SEAL = N_("(Ký tên, đóng dấu)")
FORMULAS = (AUTHORITY, DEPARTMENT, NATION, MOTTO, PLACE_DATE, MAKER, HEAD, SIGN_NAME, SIGN_SEAL)

# The method's equations and defaults by their stable key (smarttrees.allometry.METHOD).
# (The dashboard's page names them alike: smarttrees/web/report_charts.py.)
METHOD_NAMES = {
    "agb": N_("Above-ground biomass (Chave et al. 2014)"),
    "height": N_("Height of a tree whose height was not measured"),
    "wood_density": N_("Wood density"),
    "carbon": N_("Carbon"),
    "co2e": N_("CO₂ equivalent"),
    "uncertainty": N_("Uncertainty"),
    "huy_agb": N_("Huy et al. 2019, Vietnam's dry dipterocarp forests"),
    "wood_density_regions": N_("Regions of the wood-density records used first"),
    "height_region": N_("Region of the height model"),
    "carbon_fraction": N_("Carbon fraction of dry biomass"),
}

# Messages with %(name)s take their values by the % operator, as on the dashboard's page.
METHOD_INTRO = N_(
    "Living trees only: dead and removed trees are left out, a tree of unknown condition counts "
    "as living, and a tree without DBH has no estimate. The range is an interval of the sum "
    "holding it with a probability of %(p)s, from each equation's published error."
)
COMPARISON = N_(
    "Dipterocarps (%(n)s living trees): above-ground biomass %(chave)s t by Chave et al. 2014, "
    "%(huy)s t by Huy et al. 2019, Vietnam's own equations for dipterocarp forest. Shown for "
    "comparison; the total uses Chave."
)
YEARS = N_("%(low)s–%(high)s years")

# The app's own words that the figures hold as keys (categories, conditions).
WORDS = (
    N_("plantation"), N_("scattered"), N_("urban"),
    N_("good"), N_("fair"), N_("poor"), N_("dead"), N_("removed"), N_("unknown"),
)  # fmt: skip

MESSAGES = (
    N_("Report on trees and carbon"),
    N_("Figures from the database at {time} on {date}."),
    N_("Filters"),
    N_("none (every tree in the province)"),
    N_("Key figures"),
    N_("Trees recorded"),
    N_("Living trees"),
    N_("Dead or removed"),
    N_("Above-ground biomass (t)"),
    N_("Carbon (t)"),
    N_("CO₂ equivalent (t)"),
    N_("Range"),
    N_("Estimates with a modelled height"),
    N_("Estimates with a genus or default wood density"),
    N_("Living trees without DBH (no estimate)"),
    N_("{count} ({share} of the estimates)"),
    N_("Trees per hectare by commune"),
    N_("Coloured by trees per hectare under these filters."),
    N_("Trees per ha"),
    N_("No trees"),
    N_("Scale about 1:{scale}"),
    N_("Commune outlines simplified; Web Mercator projection."),
    N_("Trees by category"),
    N_("Trees by condition"),
    N_("Trees by species"),
    N_("Trees by year of planting"),
    N_("Survival (%)"),
    N_("Trees planted per month"),
    N_("Inspections per month"),
    N_("others"),
    N_("Nothing to show under these filters."),
    N_("Trees by commune"),
    N_("The communes with the largest share of poor or dead trees"),
    N_("No."),
    N_("Commune"),
    N_("Trees"),
    N_("Poor or dead"),
    N_("Poor or dead (%)"),
    N_("Total"),
    N_("Outside any commune"),
    N_("Stands by species"),
    N_("Stands by age"),
    N_("Species"),
    N_("Stands"),
    N_("Area (ha)"),
    N_("Age (years)"),
    YEARS,
    N_("Growth per year"),
    N_("Measure"),
    N_("Trees measured twice"),
    N_("DBH (cm)"),
    N_("Height (m)"),
    N_("No tree under these filters was measured twice at least half a year apart."),
    N_("How the carbon is estimated"),
    METHOD_INTRO,
    COMPARISON,
    N_("comparison, not in the total"),
    N_("Equations"),
    N_("Defaults"),
    N_("Page {page}/{pages}"),
)

TEXTS: tuple[str, ...] = (*FORMULAS, *MESSAGES, *METHOD_NAMES.values(), *WORDS)
KNOWN = frozenset(TEXTS)


class Words:
    """The caller's translations, looked up by message; a message without one prints as is."""

    def __init__(self, texts: Mapping[str, str]) -> None:
        self._texts = texts

    def __call__(self, message: str, **values: object) -> str:
        """The translation in NFC, its {placeholders} filled with `values`."""
        if message not in KNOWN:  # a message the caller could not have translated
            raise KeyError(f"{message!r} is not in TEXTS")
        text = self._texts.get(message) or message
        return unicodedata.normalize("NFC", text.format(**values) if values else text)

    def word(self, key: str | None) -> str:
        """A category or condition in the reader's language."""
        return self(key if key in WORDS else "unknown")
