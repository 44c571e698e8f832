"""The EUDR due-diligence file of a shipment of batches: the geolocation of every stand the wood
came from (checked against the EU Information System's rules before anything is written) and
the statement's other facts per batch: HS heading, names, net mass, volume, harvest dates."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from geoalchemy2.shape import to_shape

from smarttrees import products
from smarttrees.geo import eudr
from smarttrees.models import ProductBatch, Stand
from smarttrees.services.custody.deforestation import Evidence, evidence_for
from smarttrees.services.custody.harvests import get_batches
from smarttrees.services.custody.stands import stand_label
from smarttrees.services.custody.trace import harvests_behind


@dataclass(frozen=True)
class Statement:
    geolocation: eudr.Geolocation
    facts: list[dict]
    stands: list[Stand]
    evidence: dict[int, Evidence]
    unplaced: list[str] = field(default_factory=list)  # batches traced to no stand

    @property
    def flagged(self) -> list[Evidence]:
        return [e for e in self.evidence.values() if e.verdict == "flagged"]

    @property
    def ok(self) -> bool:
        """Nothing refuses the file: every batch has its stands, their geolocation holds and
        none is flagged."""
        return self.geolocation.ok and not self.flagged and not self.unplaced


def _plot(stand: Stand, owner: str | None) -> eudr.Plot:
    place = ", ".join(
        part for part in (stand.commune.name if stand.commune else None, "Thái Nguyên",
                          f"tiểu khu {stand.tieu_khu}" if stand.tieu_khu else None,
                          f"khoảnh {stand.khoanh}" if stand.khoanh else None,
                          f"lô {stand.lo}" if stand.lo else None)
        if part
    )  # fmt: skip
    return eudr.Plot(
        stand_id=stand.id,
        label=stand_label(stand),
        producer=owner or stand.owner,
        production_place=place,
        geometry=to_shape(stand.geom),
        area_ha=float(stand.area_ha),
    )


def statement(
    codes: Sequence[str], *, repair: bool = False, points_up_to_ha: float | None = None
) -> Statement:
    """The geolocation and facts of the batches named by their codes (each traced back)."""
    batches = get_batches(list(codes))
    behind = harvests_behind([batch.id for batch in batches])
    plots, facts, stands = {}, [], {}
    for batch in batches:
        for harvest in behind[batch.id]:
            stands[harvest.stand_id] = harvest.stand
            plots[harvest.stand_id] = _plot(harvest.stand, harvest.owner)
        facts.append(_facts(batch, behind[batch.id]))
    geolocation = eudr.build(plots.values(), repair=repair, points_up_to_ha=points_up_to_ha)
    found = list(stands.values())
    unplaced = [batch.code for batch in batches if not behind[batch.id]]
    return Statement(geolocation, facts, found, evidence_for(found), unplaced)


def _facts(batch: ProductBatch, harvests) -> dict:
    days = sorted(h.harvested_on for h in harvests)
    species = batch.species
    return {
        "batch": batch.code,
        "hs_heading": products.PRODUCTS[batch.kind.value].hs_code,
        "product": products.PRODUCTS[batch.kind.value].name_vi,
        "kind": batch.kind.value,
        "scientific_name": species.scientific_name if species else None,
        "common_name": species.vi_name if species else None,
        "net_mass_kg": round(float(Decimal(batch.remaining_m3) / Decimal(batch.volume_m3)
                                   * Decimal(batch.mass_kg)), 1) if batch.mass_kg else None,
        "mass_estimated": batch.mass_factor_kg_m3 is not None,
        "mass_factor_kg_m3": float(batch.mass_factor_kg_m3) if batch.mass_factor_kg_m3 else None,
        "volume_m3": float(batch.remaining_m3),
        "harvested_from": days[0].isoformat() if days else None,
        "harvested_to": days[-1].isoformat() if days else None,
        "stands": sorted({h.stand_id for h in harvests}),
    }  # fmt: skip


def violations_json(geolocation: eudr.Geolocation) -> list[dict]:
    """Each violation with the stand it is about and what to do."""
    return [
        {"code": v.code, "severity": v.severity, "stand_id": v.stand_id, "stand": v.label,
         "message": v.message, "fix": v.fix, "details": v.details}
        for v in geolocation.violations
    ]  # fmt: skip


def repairs_json(geolocation: eudr.Geolocation) -> list[dict]:
    """Each repair with the change it made to the boundary, so none goes unseen."""
    return [
        {"code": r.code, "message": eudr.CATALOGUE[r.code].message, "stand_id": r.stand_id,
         "stand": r.label,
         "area_before_ha": round(r.area_before_ha, 4), "area_after_ha": round(r.area_after_ha, 4),
         "moved_m": round(r.moved_m, 2)}
        for r in geolocation.repairs
    ]  # fmt: skip


def evidence_json(statement: Statement) -> list[dict]:
    """Each stand's deforestation-free evidence, with the reason for its verdict."""
    labels = {stand.id: stand_label(stand) for stand in statement.stands}
    return [
        {"stand_id": e.stand_id, "stand": labels[e.stand_id], "verdict": e.verdict,
         "reason": e.reason, "planted_before_cut_off": e.planted_before_cut_off,
         "earlier_land_use": e.earlier_land_use,
         "natural_forest_share_2020": e.natural_forest_share}
        for e in statement.evidence.values()
    ]  # fmt: skip


def batch_verdict(batch: ProductBatch) -> str | None:
    """The batch's deforestation-free verdict (the worst of its stands'); None without stands."""
    stands = [harvest.stand for harvest in harvests_behind([batch.id])[batch.id]]
    if not stands:
        return None
    verdicts = {evidence.verdict for evidence in evidence_for(stands).values()}
    return next(v for v in ("flagged", "unknown", "deforestation_free") if v in verdicts)
