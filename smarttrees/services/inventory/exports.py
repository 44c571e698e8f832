"""The trees a filter selects, handed over as files GIS staff open at once: CSV (UTF-8 with a
BOM, so Excel keeps the Vietnamese) and GeoJSON. Both are streamed a thousand trees at a time,
so a province's export never sits in memory; their columns are the ones SmartTrees' own import
recognises, so an export comes back in with nothing changed."""

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import replace

from sqlalchemy import func
from sqlalchemy.orm import joinedload

from smarttrees.extensions import db
from smarttrees.models import Tree
from smarttrees.services.inventory.trees import TreeQuery, filtered_trees

BATCH = 1000
COLUMNS = (
    "code",
    "longitude",
    "latitude",
    "species",
    "species_vi",
    "category",
    "dbh_cm",
    "height_m",
    "crown_m",
    "condition",
    "planted_on",
    "commune",
    "notes",
)


def _trees(query: TreeQuery) -> Iterator[tuple[Tree, float, float]]:
    """Every tree the query selects, newest first, with its longitude and latitude."""
    after = None
    while True:
        stmt = (
            filtered_trees(replace(query, after=None))
            .add_columns(func.ST_X(Tree.geom), func.ST_Y(Tree.geom))
            .options(joinedload(Tree.species), joinedload(Tree.commune))
            .order_by(Tree.id.desc())
            .limit(BATCH)
        )
        if after is not None:
            stmt = stmt.where(Tree.id < after)
        rows = db.session.execute(stmt).all()
        yield from rows
        if len(rows) < BATCH:
            return
        after = rows[-1][0].id
        db.session.expunge_all()  # the trees written out are not kept


def _values(tree: Tree, lon: float, lat: float) -> dict:
    return {
        "code": tree.code,
        "longitude": round(lon, 7),
        "latitude": round(lat, 7),
        "species": tree.species.scientific_name if tree.species else tree.species_raw,
        "species_vi": tree.species.vi_name if tree.species else None,
        "category": tree.category.value,
        "dbh_cm": float(tree.dbh_cm) if tree.dbh_cm is not None else None,
        "height_m": float(tree.height_m) if tree.height_m is not None else None,
        "crown_m": float(tree.crown_m) if tree.crown_m is not None else None,
        "condition": tree.condition.value if tree.condition else None,
        "planted_on": tree.planted_on.isoformat() if tree.planted_on else None,
        "commune": tree.commune.name if tree.commune else None,
        "notes": tree.notes,
    }


def trees_csv(query: TreeQuery) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writeheader()
    for tree, lon, lat in _trees(query):
        writer.writerow(_values(tree, lon, lat))
        if buffer.tell() > 65536:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def trees_geojson(query: TreeQuery) -> Iterator[str]:
    yield '{"type": "FeatureCollection", "features": ['
    first = True
    for tree, lon, lat in _trees(query):
        values = _values(tree, lon, lat)
        point = {"type": "Point", "coordinates": [values.pop("longitude"), values.pop("latitude")]}
        feature = {"type": "Feature", "id": tree.code, "geometry": point, "properties": values}
        yield ("" if first else ",\n") + json.dumps(feature, ensure_ascii=False)
        first = False
    yield "]}\n"
