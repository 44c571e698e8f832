"""Carbon and biomass of living trees, summed from the reports' tallies: per province, commune
or any filter, with the share of estimates resting on a modelled height or a genus or default
wood density, and a 95 % range. The per-tree figure is the database's tree_agb_kg()
(schema/reports.sql), which mirrors smarttrees.allometry."""

import dataclasses
import math

from sqlalchemy import text

from smarttrees import allometry
from smarttrees.extensions import db
from smarttrees.services.reports.filters import ReportFilter

LIVING = "(t.condition IS NULL OR t.condition NOT IN ('dead', 'removed'))"
# The tallies hold the measures and biomass of living trees only (schema/reports.sql).
SUMS = """
  coalesce(sum(t.trees), 0) AS all_trees,
  coalesce(sum(t.trees) FILTER (WHERE t.condition IN ('dead', 'removed')), 0) AS not_living,
  coalesce(sum(t.with_dbh), 0) AS with_dbh,
  coalesce(sum(t.height_estimated), 0) AS heights_estimated,
  coalesce(sum(t.agb_kg), 0) AS agb_kg,
  coalesce(sum(t.agb_var), 0) AS agb_var"""
COMPARISON_SUMS = """
  coalesce(sum(t.dipterocarps), 0) AS dipterocarps,
  coalesce(sum(t.dipterocarps_agb_kg), 0) AS dipterocarps_agb_kg,
  coalesce(sum(t.dipterocarps_huy_kg), 0) AS dipterocarps_huy_kg"""
DENSITIES_ESTIMATED = """
  coalesce(sum(t.with_dbh) FILTER (WHERE s.wood_density_basis IS DISTINCT FROM 'species'), 0)
  AS densities_estimated"""
TALLIES = "tree_tallies AS t LEFT JOIN species AS s ON s.id = t.species_id"


def carbon_summary(report: ReportFilter) -> dict:
    """The figures of `flask reports carbon` and /api/v1/reports/carbon for a filter."""
    where, params = report.where("t.")
    sql = (
        f"SELECT {SUMS}, {DENSITIES_ESTIMATED}, {COMPARISON_SUMS} FROM {TALLIES} WHERE true {where}"
    )
    row = db.session.execute(text(sql), params)
    return figures_of(row.mappings().one())


def carbon_by_commune(report: ReportFilter) -> list[dict]:
    """The same figures for each commune, biggest CO₂e first."""
    where, params = report.where("t.")
    sql = f"""
    SELECT t.commune_id, c.code, c.name, {SUMS}, {DENSITIES_ESTIMATED}, {COMPARISON_SUMS}
      FROM {TALLIES} LEFT JOIN admin_units AS c ON c.id = t.commune_id
     WHERE true {where} GROUP BY 1, 2, 3"""
    rows = db.session.execute(text(sql), params).mappings()
    figures = [
        {"commune_id": r["commune_id"], "code": r["code"], "name": r["name"], **figures_of(r)}
        for r in rows
    ]
    return sorted(figures, key=lambda f: f["co2e_t"], reverse=True)


DIPTEROCARP = f"{LIVING} AND s.family = 'Dipterocarpaceae'"
STAND_SQL = f"""
SELECT count(*) AS all_trees,
       count(*) FILTER (WHERE NOT {LIVING}) AS not_living,
       count(t.dbh_cm) FILTER (WHERE {LIVING}) AS with_dbh,
       count(t.dbh_cm) FILTER (WHERE {LIVING} AND t.height_m IS NULL) AS heights_estimated,
       count(t.dbh_cm) FILTER (
         WHERE {LIVING} AND s.wood_density_basis IS DISTINCT FROM 'species') AS densities_estimated,
       coalesce(sum(tree_agb_kg(t.dbh_cm, t.height_m, s.wood_density))
                FILTER (WHERE {LIVING}), 0) AS agb_kg,
       coalesce(sum(tree_agb_var(t.dbh_cm, t.height_m, s.wood_density))
                FILTER (WHERE {LIVING}), 0) AS agb_var,
       count(t.dbh_cm) FILTER (WHERE {DIPTEROCARP}) AS dipterocarps,
       coalesce(sum(tree_agb_kg(t.dbh_cm, t.height_m, s.wood_density))
                FILTER (WHERE {DIPTEROCARP}), 0) AS dipterocarps_agb_kg,
       coalesce(sum(huy_agb_kg(split_part(s.scientific_name, ' ', 1), t.dbh_cm, t.height_m,
                               s.wood_density)) FILTER (WHERE {DIPTEROCARP}), 0)
         AS dipterocarps_huy_kg
  FROM trees AS t LEFT JOIN species AS s ON s.id = t.species_id
 WHERE t.stand_id = :stand"""


def carbon_of_stand(stand_id: int) -> dict:
    """A stand's figures, from its own trees (a stand is small: no tally needed)."""
    return figures_of(db.session.execute(text(STAND_SQL), {"stand": stand_id}).mappings().one())


def figures_of(row) -> dict:
    """Counts as they are; masses in tonnes, with the 95 % range of CO₂e (and of AGB)."""
    agb_t = row["agb_kg"] / 1000
    half = allometry.Z_95 * math.sqrt(max(row["agb_var"], 0.0)) / 1000
    to_co2e = allometry.CARBON_FRACTION * allometry.CO2_PER_CARBON
    with_dbh, living = int(row["with_dbh"]), int(row["all_trees"]) - int(row["not_living"])
    return {
        "trees": living,
        "not_living": int(row["not_living"]),
        "trees_with_dbh": with_dbh,
        "trees_without_dbh": living - with_dbh,
        "trees_with_height": with_dbh - int(row["heights_estimated"]),
        "heights_estimated": int(row["heights_estimated"]),
        "densities_estimated": int(row["densities_estimated"]),
        "agb_t": round(agb_t, 3),
        "agb_low_t": round(max(agb_t - half, 0.0), 3),
        "agb_high_t": round(agb_t + half, 3),
        "carbon_t": round(agb_t * allometry.CARBON_FRACTION, 3),
        "co2e_t": round(agb_t * to_co2e, 3),
        "low": round(max(agb_t - half, 0.0) * to_co2e, 3),
        "high": round((agb_t + half) * to_co2e, 3),
        "comparison": _comparison(row) if "dipterocarps" in row else None,
    }


def comparison(report: ReportFilter) -> dict:
    """The dipterocarps' figures under a filter, from the few tallies that hold any."""
    where, params = report.where("t.")
    sql = f"SELECT {COMPARISON_SUMS} FROM tree_tallies AS t WHERE t.dipterocarps <> 0 {where}"
    return _comparison(db.session.execute(text(sql), params).mappings().one())


def _comparison(row) -> dict:
    """Huy et al. 2019 beside Chave for the living dipterocarps: not part of the total."""
    return {
        "method": "huy_agb",
        "trees": int(row["dipterocarps"]),
        "chave_agb_t": round(row["dipterocarps_agb_kg"] / 1000, 3),
        "huy_agb_t": round(row["dipterocarps_huy_kg"] / 1000, 3),
    }


def carbon_report(report: ReportFilter) -> dict:
    """One object for another system: the figures, the filter they answer and the method."""
    return {**carbon_summary(report), "filter": report.as_args(), "method": method()}


def method() -> dict:
    """The method as data: equations with their sources, and each default."""
    return dataclasses.asdict(allometry.METHOD) | {"range": "co2e_t, 95 %"}
