"""Species names from a survey file matched to the list, once per distinct name.

Scientific names match exactly (case aside); Vietnamese names match without diacritics; a
name that fits two species ("Bồ đề") is ambiguous and never picked silently; a name that fits
none is imported as unidentified, the name kept. A mapping may settle names by hand.
"""

from collections import Counter, defaultdict

from sqlalchemy import select

from smarttrees.extensions import db
from smarttrees.models import Species
from smarttrees.vietnamese import fold


class SpeciesMatcher:
    def __init__(self, chosen: dict[str, int | None] | None = None) -> None:
        self.chosen = chosen or {}  # name → species id, or None: unidentified, name kept
        self.scientific: dict[str, int] = {}
        self.vietnamese: dict[str, list[int]] = defaultdict(list)
        for species in db.session.scalars(select(Species)):
            self.scientific[species.scientific_name.lower()] = species.id
            self.vietnamese[species.vi_name_folded].append(species.id)
        self.ids: dict[str, int] = {}
        self.verdicts: dict[str, str] = {}
        self.candidates: dict[str, list[int]] = {}
        self.counts: Counter = Counter()

    def _resolve(self, raw: str) -> str:
        if raw in self.chosen:
            if self.chosen[raw] is None:
                return "unidentified"
            self.ids[raw] = int(self.chosen[raw])
            return "chosen"
        latin = raw.split("::")[0].strip().lower()  # "Latin name :: Common name"
        if latin in self.scientific:
            self.ids[raw] = self.scientific[latin]
            return "exact"
        matches = self.vietnamese.get(fold(raw), [])
        if len(matches) == 1:
            self.ids[raw] = matches[0]
            return "folded"
        self.candidates[raw] = matches
        return "ambiguous" if matches else "unknown"

    def verdict(self, raw: str) -> str:
        if raw not in self.verdicts:
            self.verdicts[raw] = self._resolve(raw)
        return self.verdicts[raw]

    def code(self, raw: str | None) -> str | None:
        """The problem code of a name, if any (None for a name that matched or no name)."""
        if not raw:
            return None
        verdict = self.verdict(raw)
        if verdict in ("ambiguous", "unknown"):
            return "species_ambiguous" if verdict == "ambiguous" else "species_unknown"
        return None

    def count_rows(self, counts) -> None:
        """How many rows (placed on the map) hold each name: (name, rows) pairs."""
        self.counts = Counter({raw: rows for raw, rows in counts if raw})
        for raw in self.counts:
            self.verdict(raw)

    def names(self, limit: int = 500) -> list[dict]:
        """Each distinct name of the file once, most frequent first, with its match: what the
        mapping screen shows to be confirmed or settled."""
        return [
            {
                "name": raw,
                "rows": count,
                "verdict": self.verdicts[raw],
                "species_id": self.ids.get(raw),
                "candidates": self.candidates.get(raw, []),
            }
            for raw, count in self.counts.most_common(limit)
        ]
