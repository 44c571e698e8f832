"""The dashboard's figures, each summed from the tallies (trees) or read from small tables
(stands, inspections), under one filter. Each figure is a list of rows: a key the trees list
can filter by (None when it cannot), a label, and values."""

from sqlalchemy import text

from smarttrees.extensions import db
from smarttrees.services.reports.carbon import SUMS
from smarttrees.services.reports.filters import ReportFilter

TOP_SPECIES = 12
WORST_COMMUNES = 10
WORST_FROM_TREES = 20  # a commune with fewer trees says little about its share of poor trees
MONTHS_SHOWN = 36


DIMENSIONS = {
    "category": "t.category",
    "condition": "t.condition",
    "species": "t.species_id",
    "commune": "t.commune_id",
    "year": "extract(year FROM t.planted_month)",
    "month": "t.planted_month",
}
# Every tally figure in one pass over the tallies (a pass costs the same for one figure or all).
SETS_SQL = f"""
SELECT CASE WHEN grouping(t.category, t.condition) = 0 THEN 'category_condition'
            {" ".join(f"WHEN grouping({c}) = 0 THEN '{d}'" for d, c in DIMENSIONS.items())}
            ELSE 'total' END AS dimension,
       t.category::text AS category, t.condition::text AS condition, t.species_id,
       t.commune_id, extract(year FROM t.planted_month)::int AS year,
       to_char(t.planted_month, 'YYYY-MM') AS month, {SUMS},
       coalesce(sum(t.trees) FILTER (WHERE t.condition IN ('poor', 'dead')), 0) AS poor_or_dead,
       coalesce(sum(t.inspected), 0) AS inspected
  FROM tree_tallies AS t WHERE true {{where}}
 GROUP BY GROUPING SETS ({", ".join(f"({c})" for c in DIMENSIONS.values())},
                         (t.category, t.condition), ())"""
NAMES_SQL = """
SELECT 'commune' AS kind, id, name, code, area_ha::float AS area_ha, NULL AS basis
  FROM admin_units
 UNION ALL SELECT 'species', id, vi_name, scientific_name, NULL, wood_density_basis FROM species"""
KEYS = {"category": "category", "condition": "condition", "species": "species_id",
        "commune": "commune_id", "year": "year", "month": "month"}  # fmt: skip


def tally_figures(report: ReportFilter) -> dict[str, list[dict]]:
    """Rows by dimension (category, condition, species, commune, year, month, total), each with
    the sums of carbon.SUMS, its poor or dead trees and its inspected trees."""
    where, params = report.where("t.")
    db.session.execute(text("SET LOCAL jit = off"))  # compiling costs more than it saves here
    out: dict[str, list[dict]] = {name: [] for name in (*DIMENSIONS, "category_condition", "total")}
    for row in db.session.execute(text(SETS_SQL.format(where=where)), params).mappings():
        dimension = row["dimension"]
        key = row[KEYS[dimension]] if dimension in KEYS else None
        if dimension == "category_condition":
            key = (row["category"], row["condition"])
        figures = {k: row[k] for k in FIGURES}
        figures["living"] = int(row["all_trees"]) - int(row["not_living"])
        out[dimension].append({"key": key, **figures})
    return out


def densities_estimated(species_rows: list[dict], known: dict) -> int:
    """Estimates resting on a genus or default wood density (or on no species at all)."""
    return sum(
        int(row["with_dbh"])
        for row in species_rows
        if known.get(row["key"], {}).get("basis") != "species"
    )


FIGURES = ("all_trees", "not_living", "with_dbh", "heights_estimated", "agb_kg", "agb_var",
           "poor_or_dead", "inspected")  # fmt: skip
CONDITIONS = ("good", "fair", "poor", "dead", "removed", None)


def names() -> dict[str, dict]:
    """Communes and species by id: name, code (scientific name) and area."""
    found: dict[str, dict] = {"commune": {}, "species": {}}
    for row in db.session.execute(text(NAMES_SQL)).mappings():
        found[row["kind"]][row["id"]] = dict(row)
    return found


def counts(rows: list[dict]) -> list[dict]:
    """Rows as key and trees, most first."""
    ordered = sorted(rows, key=lambda r: r["all_trees"], reverse=True)
    return [{"key": r["key"], "trees": int(r["all_trees"])} for r in ordered]


def by_condition(rows: list[dict]) -> list[dict]:
    ordered = sorted(rows, key=lambda r: CONDITIONS.index(r["key"]))
    return [{"key": r["key"], "trees": int(r["all_trees"])} for r in ordered]


def condition_by_category(rows: list[dict]) -> list[dict]:
    """For each category, its trees by condition (a stacked chart)."""
    categories: dict[str, dict] = {}
    for row in rows:
        category, condition = row["key"]
        counts = categories.setdefault(category, {"key": category, "conditions": {}})
        counts["conditions"][condition] = int(row["all_trees"])
    return sorted(categories.values(), key=lambda c: -sum(c["conditions"].values()))


def by_species(rows: list[dict], known: dict) -> list[dict]:
    """The most common species, then the rest in one row (key None)."""
    ranked = counts(rows)
    for row in ranked:
        row["label"] = known.get(row["key"], {}).get("name")
    rest = sum(r["trees"] for r in ranked[TOP_SPECIES:])
    return ranked[:TOP_SPECIES] + ([{"key": None, "label": None, "trees": rest}] if rest else [])


def by_commune(rows: list[dict], known: dict) -> list[dict]:
    """Every commune with its trees, its poor or dead ones, density and living biomass."""
    communes = []
    for row in sorted(rows, key=lambda r: r["all_trees"], reverse=True):
        unit = known.get(row["key"], {})
        trees = int(row["all_trees"])
        area = unit.get("area_ha")
        communes.append({
            "key": row["key"], "label": unit.get("name"), "code": unit.get("code"),
            "trees": trees, "poor_or_dead": int(row["poor_or_dead"]),
            "share_poor": round(100 * int(row["poor_or_dead"]) / trees, 1),
            "trees_per_ha": round(trees / area, 2) if area else None,
            "agb_t": round(row["agb_kg"] / 1000, 1),
        })  # fmt: skip
    return communes


def worst_communes(communes: list[dict]) -> list[dict]:
    """The communes with the largest share of poor or dead trees (of those with enough)."""
    counted = [c for c in communes if c["key"] and c["trees"] >= WORST_FROM_TREES]
    return sorted(counted, key=lambda c: c["share_poor"], reverse=True)[:WORST_COMMUNES]


def by_planting_year(rows: list[dict]) -> list[dict]:
    """Trees per year of planting, with survival: the living share and the inspected share."""
    years = []
    for row in sorted((r for r in rows if r["key"] is not None), key=lambda r: r["key"]):
        trees = int(row["all_trees"])
        years.append({
            "key": row["key"], "trees": trees, "living": int(row["living"]),
            "inspected": int(row["inspected"]),
            "survival": round(100 * int(row["living"]) / trees, 1),
            "inspected_share": round(100 * int(row["inspected"]) / trees, 1),
        })  # fmt: skip
    return years


def plantings_by_month(rows: list[dict], *, year: int | None) -> list[dict]:
    """Trees planted per month: the filter's year, else the last MONTHS_SHOWN months planted."""
    months = sorted((r for r in rows if r["key"]), key=lambda r: r["key"])
    months = months if year else months[-MONTHS_SHOWN:]
    return [{"key": r["key"], "trees": int(r["all_trees"])} for r in months]


def inspections_by_month(report: ReportFilter) -> list[dict]:
    """Inspections per month over the last MONTHS_SHOWN months, of the filter's trees."""
    where, params = report.where("t.", planted="t.planted_on")
    sql = f"""
    SELECT to_char(date_trunc('month', i.inspected_at), 'YYYY-MM') AS key, count(*)::int AS
           inspections
      FROM inspections AS i JOIN trees AS t ON t.id = i.tree_id
     WHERE i.inspected_at > now() - make_interval(months => {MONTHS_SHOWN}) {where}
     GROUP BY 1 ORDER BY 1"""
    return [dict(r) for r in db.session.execute(text(sql), params).mappings()]


STANDS_SQL = """
SELECT {key} AS key, {label} AS label, count(*)::int AS stands,
       round(sum(st.area_ha), 1)::float AS area_ha
  FROM stands AS st LEFT JOIN species AS s ON s.id = st.species_id
 WHERE true {where} GROUP BY 1, 2 ORDER BY {order}"""
AGE = "(extract(year FROM now())::int - st.planting_year) / 5 * 5"


def stands_by(report: ReportFilter, dimension: str) -> list[dict]:
    """Stands and their area by species or by age (5-year classes); stands are plantations."""
    if report.category and report.category.value != "plantation":
        return []
    clauses, params = [], {}
    for name, column in (("species_id", "st.species_id"), ("commune_id", "st.commune_id")):
        if getattr(report, name):
            clauses.append(f"{column} = :{name}")
            params[name] = getattr(report, name)
    if report.year:
        clauses.append("st.planting_year = :year")
        params["year"] = report.year
    key, label, order = {
        "species": ("st.species_id", "s.vi_name", "4 DESC NULLS LAST"),
        "age": (AGE, "NULL::text", "1"),
    }[dimension]
    where = "".join(f" AND {c}" for c in clauses)
    sql = STANDS_SQL.format(key=key, label=label, where=where, order=order)
    return [dict(r) for r in db.session.execute(text(sql), params).mappings()]


SHAPES_SQL = """
SELECT code, name, ST_AsGeoJSON(ST_Transform(ST_SimplifyPreserveTopology(geom, :tolerance), 3857),
                                1)::json AS geometry
  FROM admin_units WHERE level <> 'province' ORDER BY code"""


def commune_shapes(tolerance_deg: float = 0.002) -> list[dict]:
    """Each commune's outline, simplified, in web-mercator metres (for a printed map)."""
    rows = db.session.execute(text(SHAPES_SQL), {"tolerance": tolerance_deg}).mappings()
    return [dict(row) for row in rows]


def province_name() -> str:
    """The province's name, as the reference boundaries give it."""
    return db.session.scalar(text("SELECT name FROM admin_units WHERE level = 'province' LIMIT 1"))
