"""Features of a collection as OGC API – Features answers them: a page by bbox, datetime and
property filters, in the coordinate system asked for, with the cursor of the next page."""

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from smarttrees.errors import NotFound, ValidationFailed
from smarttrees.extensions import db
from smarttrees.inputs import is_whole
from smarttrees.labels import codes
from smarttrees.services.interop.collections import COLLECTIONS, CRS, CRS84, WHERE, Collection

MAX_LIMIT = 10_000
DEFAULT_LIMIT = 100
_OPEN = ("", "..")
DATES = "Use a date (2020-05-01) or an interval (2019-01-01/..)."


@dataclass(frozen=True)
class ItemsQuery:
    limit: int = DEFAULT_LIMIT
    after: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    bbox_crs: str = CRS84
    crs: str = CRS84
    dates: tuple[date | None, date | None] | None = None
    filters: dict[str, Any] = field(default_factory=dict)


class ParameterInvalid(ValidationFailed):
    """OGC API – Features answers a bad or unknown query parameter with 400."""

    status = 400
    code = "invalid_parameter"


def _invalid(name: str, message: str) -> ParameterInvalid:
    return ParameterInvalid("Some parameters are not valid.", details={name: message})


ITEM_PARAMETERS = ("limit", "cursor", "bbox", "bbox-crs", "crs", "datetime", "f")


def known_parameters(found: Collection) -> tuple[str, ...]:
    return (*ITEM_PARAMETERS, *found.queryables)


def collection(collection_id: str) -> Collection:
    if collection_id not in COLLECTIONS:
        raise NotFound("No such collection.", details={"collection": collection_id})
    return COLLECTIONS[collection_id]


def parse_items(found: Collection, args: Mapping[str, str]) -> ItemsQuery:
    """The items query from the request's parameters; a bad or unknown one is named."""
    if unknown := sorted(set(args) - set(known_parameters(found))):
        raise _invalid(unknown[0], "This parameter is not one the collection knows.")
    return ItemsQuery(
        # Over the maximum is no error: the maximum is used (OGC API – Features, Part 1).
        limit=min(_whole(args, "limit", DEFAULT_LIMIT, low=1, high=10**18), MAX_LIMIT),
        after=_whole(args, "cursor", None, low=0, high=2**62),
        bbox=_bbox(args.get("bbox")),
        bbox_crs=_crs(args, "bbox-crs"),
        crs=_crs(args, "crs"),
        dates=_dates(args.get("datetime")),
        filters=_filters(found, args),
    )


def _whole(args, name, default, *, low, high):
    value = (args.get(name) or "").strip()
    if not value:
        return default
    if not is_whole(value) or not low <= int(value) <= high:
        raise _invalid(name, "Enter a whole number in the allowed range.")
    return int(value)


def _crs(args, name) -> str:
    value = (args.get(name) or CRS84).strip()
    if value not in CRS:
        raise _invalid(name, "Use one of the coordinate systems the collection lists.")
    return value


def _bbox(value: str | None):
    if not value:
        return None
    try:
        numbers = [float(part) for part in value.split(",")]
    except ValueError:
        raise _invalid("bbox", "Use bbox=minx,miny,maxx,maxy.") from None
    if len(numbers) != 4 or numbers[0] > numbers[2] or numbers[1] > numbers[3]:
        raise _invalid("bbox", "Use bbox=minx,miny,maxx,maxy.")
    if not all(abs(n) < 1e8 for n in numbers):  # NaN and infinities fail this too
        raise _invalid("bbox", "Use bbox=minx,miny,maxx,maxy.")
    return tuple(numbers)


def _dates(value: str | None):
    """A day, or an interval of days, either end open (..)."""
    if not value:
        return None
    parts = value.split("/")
    try:
        days = [None if p in _OPEN else date.fromisoformat(p[:10]) for p in parts]
    except ValueError:
        raise _invalid(
            "datetime", "Use a date (2020-05-01) or an interval (2019-01-01/..)."
        ) from None
    if len(days) == 1 and days[0]:
        return days[0], days[0]
    if len(days) != 2 or days == [None, None] or (all(days) and days[0] > days[1]):
        raise _invalid("datetime", DATES)
    return days[0], days[1]


def _filters(found: Collection, args) -> dict[str, Any]:
    chosen = {}
    for name, queryable in found.queryables.items():
        value = (args.get(name) or "").strip()
        if not value:
            continue
        if queryable.kind == "integer":
            if not (value.isascii() and value.isdigit()) or len(value) > 9:
                raise _invalid(name, "Enter a whole number.")
            chosen[name] = int(value)
        elif queryable.kind == "code":
            chosen[name] = codes.normalize(value)
        else:
            chosen[name] = value[:120]
    return chosen


def _geometry(found: Collection, crs: str) -> str:
    srid, lat_first = CRS[crs]
    geom = found.geometry if srid == 4326 else f"ST_Transform({found.geometry}, {srid})"
    digits = 6 if srid == 4326 else 3  # 10 cm in degrees, a millimetre in metres
    return f"ST_AsGeoJSON({'ST_FlipCoordinates(' + geom + ')' if lat_first else geom}, {digits})"


def _conditions(found: Collection, query: ItemsQuery) -> tuple[list[str], dict]:
    where, params = [WHERE[found.id]] if found.id in WHERE else [], {}
    if query.bbox:
        srid, lat_first = CRS[query.bbox_crs]
        x1, y1, x2, y2 = query.bbox
        if lat_first:
            x1, y1, x2, y2 = y1, x1, y2, x2
        params |= {"x1": x1, "y1": y1, "x2": x2, "y2": y2}
        box = f"ST_MakeEnvelope(:x1, :y1, :x2, :y2, {srid})"
        where.append(f"ST_Intersects({found.geometry}, ST_Transform({box}, 4326))")
    if query.dates and found.datetime:
        start, end = query.dates
        if start:
            where.append(f"{found.datetime} >= :start")
            params["start"] = start
        if end:
            where.append(f"{found.datetime} <= :end")
            params["end"] = end
    for index, (name, value) in enumerate(query.filters.items()):
        where.append(f"{found.queryables[name].column} = :f{index}")
        params[f"f{index}"] = value
    return where, params


def _select(found: Collection, crs: str, staff: bool) -> str:
    shown = found.public | (found.staff if staff else {})
    props = ", ".join(f"'{name}', {expr}" for name, expr in shown.items())
    return (
        f"SELECT {found.key} AS key, {found.feature_id} AS fid, {_geometry(found, crs)} AS geom, "
        f"json_build_object({props}) AS props FROM {found.table} t {found.joins}"
    )


def _feature(row) -> dict:
    geometry = None if row.geom is None else json.loads(row.geom)
    return {"type": "Feature", "id": row.fid, "geometry": geometry, "properties": row.props}


def items(found: Collection, query: ItemsQuery, *, staff: bool) -> tuple[list[dict], int | None]:
    """One page of features in key order, and the cursor of the next page (None at the end)."""
    where, params = _conditions(found, query)
    if query.after is not None:
        where.append(f"{found.key} > :after")
        params["after"] = query.after
    sql = _select(found, query.crs, staff)
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += f" ORDER BY {found.key} LIMIT :limit"
    try:
        rows = db.session.execute(text(sql), params | {"limit": query.limit + 1}).all()
    except DBAPIError:  # a box PostGIS cannot project (outside the system's area of use)
        db.session.rollback()
        raise _invalid("bbox", "This box lies outside what its coordinate system covers.") from None
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    return [_feature(row) for row in rows], (rows[-1].key if more else None)


def item(found: Collection, feature_id: str, *, crs: str, staff: bool) -> dict:
    """One feature by its id (a label code is read as a person types it)."""
    wanted = codes.normalize(feature_id) if found.id == "trees" else feature_id
    where = [*([WHERE[found.id]] if found.id in WHERE else []), f"{found.feature_id} = :fid"]
    sql = _select(found, crs, staff) + " WHERE " + " AND ".join(where)
    row = db.session.execute(text(sql), {"fid": wanted}).first()
    if row is None:
        raise NotFound("No such feature.", details={"feature": feature_id})
    return _feature(row)


def extent(found: Collection) -> list[float] | None:
    """The collection's bounding box in CRS84, from PostGIS's statistics (no table scan);
    none for a collection drawn from another table's shapes."""
    if found.geometry != "t.geom":
        return None
    try:
        box = db.session.execute(
            text("SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) "
                 "FROM ST_EstimatedExtent(:table, 'geom') AS e"), {"table": found.table}
        ).first()  # fmt: skip
    except DBAPIError:  # no statistics yet (a table never analysed): no extent given
        db.session.rollback()
        return None
    return [round(v, 6) for v in box] if box and box[0] is not None else None
