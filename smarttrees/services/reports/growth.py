"""Growth in DBH and height per species and age, from trees inspected at least twice half a year
apart (growth_tallies, a materialised view: growth moves slowly, and pairing a province's
inspections costs seconds, so it is refreshed each night and on demand, and says when)."""

from datetime import UTC, datetime

from sqlalchemy import text

from smarttrees.extensions import db
from smarttrees.services.reports.filters import ReportFilter

FEWEST_TREES = 3  # an average of fewer trees is not shown
GROWTH_SQL = """
SELECT t.measure, t.species_id, s.vi_name AS species, t.age_class,
       sum(t.trees)::int AS trees, round((sum(t.yearly_sum) / sum(t.trees))::numeric, 2)::float
         AS per_year
  FROM growth_tallies AS t LEFT JOIN species AS s ON s.id = t.species_id
 WHERE true {where}
 GROUP BY 1, 2, 3, 4 HAVING sum(t.trees) >= :fewest
 ORDER BY 3, 4, 1"""


def growth(report: ReportFilter) -> dict:
    """Yearly DBH (cm) and height (m) growth per species and 5-year age class, and when the
    figures were last computed."""
    where, params = report.where("t.", planted="make_date(t.planted_year, 1, 1)")
    sql = GROWTH_SQL.format(where=where)
    rows = db.session.execute(text(sql), params | {"fewest": FEWEST_TREES}).mappings()
    return {"rows": [dict(row) for row in rows], "computed_at": computed_at()}


def computed_at() -> datetime | None:
    """When the figures were computed (the view's comment), None before the first time."""
    said = db.session.scalar(text("SELECT obj_description('growth_tallies'::regclass)"))
    return datetime.fromisoformat(said) if said else None


def refresh_growth() -> str:
    """Pair the inspections again; the view's comment keeps when (ISO time, UTC)."""
    db.session.execute(text("REFRESH MATERIALIZED VIEW growth_tallies"))
    now = datetime.now(UTC).isoformat(timespec="seconds")
    db.session.execute(text(f"COMMENT ON MATERIALIZED VIEW growth_tallies IS '{now}'"))
    db.session.commit()
    return now
