"""Survival of the trees of a stand or of a seedling lot, from their inspections: how many live,
died or are missing (removed), and how many were inspected at all (a survival rate resting on
trees nobody has seen says little, so the inspected share is stated with it)."""

from sqlalchemy import text

from smarttrees.extensions import db
from smarttrees.services.reports.carbon import LIVING

SURVIVAL_SQL = f"""
SELECT count(*) AS trees,
       count(*) FILTER (WHERE {LIVING}) AS living,
       count(*) FILTER (WHERE condition = 'dead') AS dead,
       count(*) FILTER (WHERE condition = 'removed') AS missing,
       count(last_inspected_at) AS inspected
  FROM trees AS t WHERE {{column}} = :id"""
COLUMNS = {"stand": "stand_id", "lot": "seedling_lot_id"}


def survival(of: str, record_id: int) -> dict:
    """The survival of a stand's or a lot's trees ("stand" or "lot"); shares in percent, None
    when there is no tree to count."""
    sql = SURVIVAL_SQL.format(column=COLUMNS[of])
    row = dict(db.session.execute(text(sql), {"id": record_id}).mappings().one())
    trees = row["trees"]
    row["survival"] = round(100 * row["living"] / trees, 1) if trees else None
    row["inspected_share"] = round(100 * row["inspected"] / trees, 1) if trees else None
    return row
