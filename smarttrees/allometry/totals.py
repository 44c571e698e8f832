"""The biomass of a set of trees: living trees only, with a 95 % range for the sum.

The sum's range treats each tree's error as independent: the variances AGB² × (exp(σ²) − 1) are
added and the sum is given ± 1.96 × √(sum of variances), a normal approximation that holds for
many trees (the low end is never below zero). Independence understates a model's shared bias, so
for large sums the range is narrow; it is the published model error, not the whole uncertainty.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from smarttrees.allometry.chave import Z_95, Amount, HeightModel, TreeEstimate, estimate_tree

# The tree conditions (smarttrees.models.tree.Condition values) that take a tree out of the stock.
NOT_LIVING = frozenset({"dead", "removed"})


@dataclass(frozen=True)
class TreeRecord:
    """What an estimate needs of a tree: its condition, measurements and wood density."""

    condition: str | None
    dbh_cm: float | None
    height_m: float | None
    wood_density: float


@dataclass(frozen=True)
class Total:
    """The biomass of the living trees, and how many trees it rests on or leaves out."""

    living: int
    not_living: int
    without_dbh: int
    heights_estimated: int
    agb: Amount

    @property
    def estimated(self) -> int:
        """How many trees the biomass adds up."""
        return self.living - self.without_dbh


def counts_as_living(condition: str | Enum | None) -> bool:
    """Whether a tree counts in the stock: not dead, not removed; an unknown condition counts."""
    if condition is None:
        return True
    return str(getattr(condition, "value", condition)).lower() not in NOT_LIVING


def total(estimates: Iterable[TreeEstimate | None], *, not_living: int = 0) -> Total:
    """Add up living trees' estimates (None for a tree without DBH) with the sum's 95 % range."""
    estimates = list(estimates)
    made = [estimate for estimate in estimates if estimate is not None]
    agb_kg = sum(estimate.agb_kg for estimate in made)
    half_width = Z_95 * math.sqrt(sum(estimate.variance for estimate in made))
    return Total(
        living=len(estimates),
        not_living=not_living,
        without_dbh=len(estimates) - len(made),
        heights_estimated=sum(estimate.height_estimated for estimate in made),
        agb=Amount(agb_kg, max(0.0, agb_kg - half_width), agb_kg + half_width),
    )


def summarise(trees: Iterable[TreeRecord], *, height_model: HeightModel) -> Total:
    """Estimate each living tree and add them up; dead and removed trees are only counted."""
    estimates, not_living = [], 0
    for tree in trees:
        if not counts_as_living(tree.condition):
            not_living += 1
            continue
        estimates.append(
            estimate_tree(
                dbh_cm=tree.dbh_cm,
                height_m=tree.height_m,
                wood_density=tree.wood_density,
                height_model=height_model,
            )
        )
    return total(estimates, not_living=not_living)
