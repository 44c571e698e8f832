"""A deterministic demo inventory inside the real commune polygons.

Urban trees stand in wards (phường), scattered trees across every commune, plantation trees on
planting grids inside generated stands; a few nurseries and seedling lots with their ledgers.
Everything is drawn from one seeded generator, so the same N gives the same inventory.
"""

import io
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from geoalchemy2.shape import from_shape, to_shape
from shapely.geometry import MultiPolygon, Point
from sqlalchemy import func, select, text

from smarttrees.extensions import db
from smarttrees.geo.sampling import planting_grid, points_inside, square_around
from smarttrees.labels import codes
from smarttrees.models import AdminLevel, AdminUnit, ForestFunction, Species, Stand, Tree
from smarttrees.services.admin import demo_nursery
from smarttrees.services.inventory.trees import reserve_tree_codes

SOURCE = "demo"
SHARES = {"urban": 0.2, "scattered": 0.2}  # the rest are plantation trees
DENSITY_PER_HA = 1600  # acacia and eucalyptus are planted at about 1,600 trees a hectare
TREES_PER_STAND = 6000
CHUNK = 50_000
CLUSTER_FROM = 100_000  # a load this large also reorders the table spatially
COLUMNS = (
    "code",
    "category",
    "species_id",
    "dbh_cm",
    "height_m",
    "crown_m",
    "condition",
    "planted_on",
    "commune_id",
    "stand_id",
    "source",
    "external_id",
    "geom",
)


@dataclass
class Batch:
    """Trees to write: one category, species, commune and stand for all of them."""

    category: str
    points: np.ndarray
    species_ids: list[int]
    commune_id: int
    stand_id: int | None = None
    planted_year: int | None = None


def demo_tree_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Tree).where(Tree.source == SOURCE))


def load_demo(*, trees: int, seed: int = 20250701) -> dict:
    """Bring the demo inventory up to `trees` trees; at that size already, change nothing.

    A first load also creates the demo nurseries and lots. A larger N later adds the missing
    trees (and their stands) from a generator seeded with both numbers, so `make demo-full`
    after `make run` tops the small demo up to full scale.
    """
    existing = demo_tree_count()
    if existing >= trees:
        return {"created": 0, "existing": existing}
    rng = np.random.default_rng([seed, existing])
    units = list(
        db.session.scalars(
            select(AdminUnit).where(AdminUnit.level != AdminLevel.PROVINCE).order_by(AdminUnit.code)
        )
    )
    species = _species_by_use()
    wanted = trees - existing
    shares = demo_shares(wanted, units=len(units), first_load=not existing)
    batches = _urban_and_scattered(units, species, shares, rng)
    batches += _plantations(units, species, shares["plantation"], rng)
    written = _copy_trees(batches, rng)
    if written != wanted:  # a generator that drew too few or too many is a bug, not a demo
        raise RuntimeError(f"demo: drew {written:,} trees where {wanted:,} were asked for")
    if not existing:
        demo_nursery.load(species=species, rng=rng)
    db.session.commit()
    if written >= CLUSTER_FROM:
        # Neighbours on the map become neighbours on disk: tiles read far fewer pages.
        db.session.execute(text("CLUSTER trees USING idx_trees_geom"))
    db.session.execute(text("ANALYZE trees"))
    db.session.commit()
    return {"created": written, "existing": existing}


def _species_by_use() -> dict[str, list[int]]:
    rows = db.session.execute(select(Species.common_use, Species.id).order_by(Species.id))
    grouped: dict[str, list[int]] = {}
    for use, species_id in rows:
        grouped.setdefault(use, []).append(species_id)
    return grouped


def _spread(total: int, parts: int) -> list[int]:
    """`total` split into `parts` near-equal whole numbers."""
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def demo_shares(wanted: int, *, units: int, first_load: bool) -> dict[str, int]:
    """How many of `wanted` new trees are urban, scattered and planted; they add up to `wanted`.

    A first load puts at least one scattered tree in every commune (when `wanted` allows), so
    every commune card and the choropleth have something to show.
    """
    urban = int(wanted * SHARES["urban"])
    scattered = int(wanted * SHARES["scattered"])
    if first_load:
        scattered = max(scattered, units)
    scattered = min(scattered, wanted - urban)
    return {"urban": urban, "scattered": scattered, "plantation": wanted - urban - scattered}


def _urban_and_scattered(units, species, shares, rng) -> list[Batch]:
    wards = [u for u in units if u.level == AdminLevel.WARD]
    batches = []
    for unit, count in zip(wards, _spread(shares["urban"], len(wards)), strict=True):
        if count:
            points = points_inside(to_shape(unit.geom), count, rng)
            batches.append(Batch("urban", points, species["urban"], unit.id))
    scattered_species = species["fruit"] + species["native"] + species["plantation"]
    for unit, count in zip(units, _spread(shares["scattered"], len(units)), strict=True):
        if count:
            points = points_inside(to_shape(unit.geom), count, rng)
            batches.append(Batch("scattered", points, scattered_species, unit.id))
    return batches


def stand_sizes(planted: int) -> list[int]:
    """Trees per new demo stand: about TREES_PER_STAND each, a couple of dozen for small demos;
    never an empty stand."""
    if planted <= 0:
        return []
    stand_count = max(1, -(-planted // TREES_PER_STAND), min(24, planted // 120))
    return _spread(planted, stand_count)


def _plantations(units, species, planted, rng) -> list[Batch]:
    communes = [u for u in units if u.level == AdminLevel.COMMUNE]
    batches = []
    first = db.session.scalar(select(func.count()).select_from(Stand))
    for number, count in enumerate(stand_sizes(planted), start=first):
        unit = communes[number * 7 % len(communes)]
        stand = _make_stand(unit, count, species["plantation"], number, rng)
        points = planting_grid(to_shape(stand.geom).geoms[0], count, rng)
        batches.append(
            Batch("plantation", points, [stand.species_id], unit.id, stand.id, stand.planting_year)
        )
    return batches


def _make_stand(unit: AdminUnit, trees: int, species_ids, number: int, rng) -> Stand:
    boundary = to_shape(unit.geom)
    area_m2 = trees / DENSITY_PER_HA * 10_000 * 1.08
    for _ in range(50):  # find a spot where the whole square lies inside the commune
        center = points_inside(boundary, 1, rng)[0]
        square = square_around(Point(*center), area_m2=area_m2, angle_deg=rng.uniform(0, 90))
        if boundary.contains(square):
            break
    stand = Stand(
        name=f"Lô demo {number + 1}",
        species_id=int(rng.choice(species_ids[:6])),
        planting_year=int(rng.integers(2014, 2024)),
        density_per_ha=DENSITY_PER_HA,
        tieu_khu=str(100 + number // 20),
        khoanh=str(1 + number // 5 % 4),
        lo=f"{number + 1}",
        owner="Công ty Lâm nghiệp Thái Nguyên (demo)",
        forest_function=ForestFunction.PRODUCTION,
        geom=from_shape(MultiPolygon([square]), srid=4326),
    )
    db.session.add(stand)
    db.session.flush()
    return stand


def _measures(category: str, size: int, planted_year, rng) -> dict[str, np.ndarray]:
    if category == "plantation":
        age = np.full(size, max(1, 2025 - planted_year))
        dbh = np.clip(rng.normal(2.2 * age, 1.5), 2, 60)
    else:
        dbh = np.clip(rng.lognormal(3.2, 0.5, size), 5, 250)
        age = np.clip(dbh / 1.2, 2, 120)
    height = np.clip(1.3 + 27 * (1 - np.exp(-0.045 * dbh)) + rng.normal(0, 1.2, size), 1.5, 45)
    crown = np.clip(0.22 * dbh + rng.normal(0, 0.6, size), 0.5, 30)
    return {"dbh": dbh, "height": height, "crown": crown, "age": age}


CONDITIONS = np.array(["good", "fair", "poor", "dead"])
CONDITION_WEIGHTS = np.array([0.72, 0.2, 0.06, 0.02])


def _rows(batch: Batch, codes_from: int, rng) -> io.StringIO:
    size = len(batch.points)
    m = _measures(batch.category, size, batch.planted_year, rng)
    species = rng.choice(batch.species_ids, size)
    condition = rng.choice(CONDITIONS, size, p=CONDITION_WEIGHTS)
    stand = batch.stand_id or "\\N"
    out = io.StringIO()
    for i in range(size):
        if batch.planted_year:
            planted = date(batch.planted_year, 6, 15)
        else:
            planted = date(2025, 1, 1) - timedelta(days=int(m["age"][i] * 365))
        lon, lat = batch.points[i]
        number = codes_from + i
        out.write(
            f"{codes.encode(number)}\t{batch.category}\t{species[i]}\t{m['dbh'][i]:.1f}\t"
            f"{m['height'][i]:.1f}\t{m['crown'][i]:.1f}\t{condition[i]}\t{planted.isoformat()}\t"
            f"{batch.commune_id}\t{stand}\t{SOURCE}\tdemo-{number}\t"
            f"SRID=4326;POINT({lon:.7f} {lat:.7f})\n"
        )
    out.seek(0)
    return out


def _copy_trees(batches: list[Batch], rng) -> int:
    """Write every batch with COPY; places are known, so the per-row place trigger is skipped."""
    total = sum(len(b.points) for b in batches)
    next_number = reserve_tree_codes(total)
    db.session.execute(text("SET LOCAL smarttrees.bulk_places = 'on'"))
    cursor = db.session.connection().connection.cursor()
    sql = f"COPY trees ({', '.join(COLUMNS)}) FROM STDIN"
    for batch in batches:
        for start in range(0, len(batch.points), CHUNK):
            part = Batch(**{**batch.__dict__, "points": batch.points[start : start + CHUNK]})
            cursor.copy_expert(sql, _rows(part, next_number, rng))
            next_number += len(part.points)
    return total
