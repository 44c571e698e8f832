"""Small factories for test data, going through the same services as the product."""

from itertools import count

from sqlalchemy import func, select

from smarttrees.extensions import db
from smarttrees.models import AdminUnit, Role, Species, User
from smarttrees.services import admin, inventory

PASSWORD = "correct horse battery"
_serial = count(1)


def make_user(role: Role = Role.VIEWER, **fields) -> User:
    number = next(_serial)
    return admin.create_user(
        email=fields.get("email", f"user{number}@example.vn"),
        name=fields.get("name", f"Người dùng {number}"),
        password=fields.get("password", PASSWORD),
        role=role,
    )


def species_named(scientific_name: str) -> Species:
    return db.session.scalar(select(Species).where(Species.scientific_name == scientific_name))


def commune_named(name: str) -> AdminUnit:
    return db.session.scalar(select(AdminUnit).where(AdminUnit.name == name))


def point_in(unit: AdminUnit) -> tuple[float, float]:
    """A (lon, lat) inside the unit's polygon."""
    point = db.session.execute(
        select(
            func.ST_X(func.ST_PointOnSurface(unit.geom)),
            func.ST_Y(func.ST_PointOnSurface(unit.geom)),
        )
    ).one()
    return float(point[0]), float(point[1])


def tree_fields(**overrides) -> dict:
    """Raw fields of a valid urban tree in ward Phan Đình Phùng."""
    lon, lat = point_in(commune_named(overrides.pop("commune", "Phan Đình Phùng")))
    fields = {
        "lon": lon,
        "lat": lat,
        "species_id": species_named("Lagerstroemia speciosa").id,
        "category": "urban",
        "dbh_cm": "32,5",
        "height_m": "11",
        "condition": "good",
        "planted_on": "15/03/2012",
    }
    fields.update(overrides)
    return fields


def make_tree(actor: User | None = None, **overrides):
    return inventory.plant_tree(tree_fields(**overrides), actor=actor)


def make_stand(commune: str = "Gia Sàng", *, size: float = 0.002, **fields):
    """A square stand of Acacia in a commune (about 4.4 ha for the default size)."""
    from geoalchemy2.shape import from_shape
    from shapely.geometry import MultiPolygon, Point

    from smarttrees.models import Stand

    centre = Point(point_in(commune_named(commune)))
    values = {"name": "Lô keo thử", "owner": "Hộ ông Nguyễn Văn Đức", "tieu_khu": "123",
              "khoanh": "4", "lo": str(next(_serial)), "planting_year": 2019} | fields  # fmt: skip
    stand = Stand(
        species_id=species_named("Acacia mangium").id,
        geom=from_shape(MultiPolygon([centre.buffer(size, cap_style="square")]), srid=4326),
        **values,
    )
    db.session.add(stand)
    db.session.commit()
    return stand
