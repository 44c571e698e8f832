"""Trees: plant (create), edit, inspect, find and list with keyset pagination."""

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from geoalchemy2.shape import from_shape
from sqlalchemy import Select, func, or_, select, text

from smarttrees.errors import NotFound, ValidationFailed
from smarttrees.extensions import db
from smarttrees.inputs import Fields
from smarttrees.labels import codes
from smarttrees.measures import MEASURES
from smarttrees.models import Condition, Species, Tree, TreeCategory, User
from smarttrees.schemas import (
    INVALID_PARAMETERS,
    BoundingBox,
    Choice,
    Day,
    Location,
    Number,
    Schema,
    Text,
    Whole,
)
from smarttrees.services.inventory.assigned_communes import ensure_may_work_at, ensure_may_work_in
from smarttrees.services.saving import commit_changes
from smarttrees.vietnamese import fold

CLIENT_SOURCE = "app"  # trees created through the forms and the field app
EDITABLE = (
    "species_id",
    "category",
    "dbh_cm",
    "height_m",
    "crown_m",
    "condition",
    "planted_on",
    "notes",
)
MAX_PAGE = 1000


def service_area_enabled() -> bool:
    """Trees must lie inside a commune of the province unless SMARTTREES_SERVICE_AREA=none."""
    return os.environ.get("SMARTTREES_SERVICE_AREA", "province").lower() != "none"


def _tree_schema(*, creating: bool) -> Schema:
    measured = tuple(
        Number(name, about=f"In {MEASURES[key].unit}.")
        for key, name in (("dbh", "dbh_cm"), ("height", "height_m"), ("crown", "crown_m"))
    )
    return Schema(
        "New tree" if creating else "Tree changes",
        (
            Location(required=creating),
            Whole("species_id", required=creating, low=1, about="An id from /species."),
            Choice("category", required=creating, choices=TreeCategory),
            *measured,
            Choice("condition", choices=Condition),
            Day("planted_on"),
            Text("notes"),
            *(
                (Text("code", max_length=20, about="A pre-printed label's code, if any."),)
                if creating
                else ()
            ),
        ),
        about="A tree's values; only those sent are changed." if not creating else "",
    )


NEW_TREE = _tree_schema(creating=True)
TREE_CHANGES = _tree_schema(creating=False)


def _check_rules(fields: Fields) -> None:
    """Rules that need the database: species exists, point inside the province, code free."""
    values, errors = fields.values, fields.errors
    if values.get("species_id") and db.session.get(Species, values["species_id"]) is None:
        errors["species_id"] = "Unknown species."
    if "geom" in values and service_area_enabled():
        point = func.ST_SetSRID(func.ST_MakePoint(values["geom"].x, values["geom"].y), 4326)
        if db.session.scalar(select(func.commune_at(point))) is None:
            errors["location"] = "The point is outside Thái Nguyên province."
    if values.get("code"):
        code = codes.normalize(values["code"])
        if len(code) != codes.PAYLOAD_LENGTH + 1 or not codes.is_valid(code):
            errors["code"] = "This code is not valid: check its last character."
        elif db.session.scalar(select(Tree.id).where(Tree.code == code)):
            errors["code"] = "This code belongs to another tree."
        values["code"] = code
    if errors:
        raise ValidationFailed("Some fields are not valid.", details=errors)


def next_tree_code() -> str:
    """A fresh code from the tree sequence (also used to reserve blocks for printing)."""
    return codes.encode(db.session.scalar(text("SELECT nextval('tree_code_seq')")))


def reserve_tree_codes(count: int) -> int:
    """Reserve `count` consecutive code numbers (for bulk loads and pre-printed rolls).

    Returns the first number. Concurrent callers may interleave with the sequence; then the
    numbers are not consecutive and the reservation is retried.
    """
    sql = text(
        "SELECT min(n), max(n) FROM (SELECT nextval('tree_code_seq') AS n "
        "FROM generate_series(1, :count)) AS taken"
    )
    while True:
        first, last = db.session.execute(sql, {"count": count}).one()
        if last - first + 1 == count:
            return first


def _apply(tree: Tree, values: dict) -> None:
    for name in EDITABLE:
        if name in values:
            setattr(tree, name, values[name])
    if "geom" in values:
        tree.geom = from_shape(values["geom"], srid=4326)


def save(tree: Tree, *, actor: User | None) -> Tree:
    commit_changes(actor=actor)
    db.session.refresh(tree)  # commune and stand are set by the database
    return tree


def tree_from_client(client_id: str | None) -> Tree | None:
    """The tree a form or device already created under this client-generated id, if any."""
    if not client_id:
        return None
    return db.session.scalar(
        select(Tree).where(Tree.source == CLIENT_SOURCE, Tree.external_id == str(client_id))
    )


def plant_tree(raw: Mapping[str, Any], *, actor: User | None) -> Tree:
    """Create a tree from raw field values; its commune and stand are found spatially.

    A `client_id` (made by the form or device) makes the call idempotent: sending the same
    form twice returns the tree the first one created.
    """
    client_id = raw.get("client_id") or None
    if existing := tree_from_client(client_id):
        return existing
    fields = NEW_TREE.read(raw)
    _check_rules(fields)
    ensure_may_work_at(actor, fields.values["geom"], field="location")
    tree = Tree(code=fields.values.get("code") or next_tree_code())
    _apply(tree, fields.values)
    if client_id:
        tree.source, tree.external_id = CLIENT_SOURCE, str(client_id)[:120]
    tree.created_by_id = tree.updated_by_id = actor.id if actor else None
    db.session.add(tree)
    try:
        return save(tree, actor=actor)
    except ValidationFailed:
        # A simultaneous twin of this request won the unique (source, external_id) race.
        if existing := tree_from_client(client_id):
            return existing
        raise


def edit_tree(code: str, raw: Mapping[str, Any], *, actor: User | None) -> Tree:
    """Change a tree's recorded values; measurements normally come through inspections."""
    tree = get_tree(code)
    ensure_may_work_in(actor, tree.commune_id, field="code")
    fields = TREE_CHANGES.read(raw)
    _check_rules(fields)
    if "geom" in fields.values:
        ensure_may_work_at(actor, fields.values["geom"], field="location")
    _apply(tree, fields.values)
    tree.updated_by_id = actor.id if actor else None
    return save(tree, actor=actor)


def get_tree(code: str) -> Tree:
    tree = db.session.scalar(select(Tree).where(Tree.code == codes.normalize(code)))
    if tree is None:
        raise NotFound("No tree has this code.", details={"code": code})
    return tree


@dataclass(frozen=True)
class TreeQuery:
    """Filters for listing trees. `after` is the keyset cursor: the last id already seen."""

    species_id: int | None = None
    category: TreeCategory | None = None
    condition: Condition | None = None
    commune_id: int | None = None
    q: str | None = None
    bbox: tuple[float, float, float, float] | None = None
    planted_year: int | None = None
    import_batch_id: int | None = None
    # The trees a stand or a trace reaches: in these stands, or planted from these lots.
    stand_ids: tuple[int, ...] | None = None
    lot_ids: tuple[int, ...] | None = None
    after: int | None = None
    limit: int = 50


PAGE_SIZE = f"Trees per page: 100 unless given; more than {MAX_PAGE} reads as {MAX_PAGE}."
TREE_LIST = Schema(
    "Tree list",
    (
        Whole("species_id", low=1),
        Choice("category", choices=TreeCategory),
        Choice("condition", choices=Condition),
        Whole("commune_id", low=1),
        Text(
            "q",
            max_length=200,
            about="Species names (any language, diacritics ignored) or the start of a label code.",
        ),
        BoundingBox(),
        Whole("cursor", low=1, about="The next_cursor of the page before."),
        Whole(
            "limit",
            low=1,
            about=f"Trees per page: 100 unless given; more than {MAX_PAGE} reads as {MAX_PAGE}.",
        ),
    ),
    message=INVALID_PARAMETERS,
)


def tree_query(raw: Mapping[str, Any]) -> TreeQuery:
    """The list's filters from a query string, or ValidationFailed naming the parameter."""
    values = TREE_LIST.parse(raw)
    return TreeQuery(
        **{name: values.get(name) for name in ("species_id", "category", "condition", "q")},
        commune_id=values.get("commune_id"),
        bbox=values.get("bbox"),
        after=values.get("cursor"),
        limit=values.get("limit") or 100,
    )


def _text_filter(q: str):
    """Species names (Vietnamese, scientific, English; diacritics ignored) or a code prefix.

    Never both at once: an OR of the two defeats the indexes. Text with a digit, or matching
    no species, is read as the start of a label code.
    """
    pattern = f"%{fold(q)}%"
    species_ids = list(
        db.session.scalars(
            select(Species.id).where(
                or_(
                    Species.vi_name_folded.like(pattern),
                    func.lower(Species.scientific_name).like(pattern),
                    func.lower(Species.en_name).like(pattern),
                )
            )
        )
    )
    code = codes.normalize(q)
    if species_ids and not any(ch.isdigit() for ch in q):
        return Tree.species_id.in_(species_ids)
    return Tree.code.like(code.replace("%", "").replace("_", "") + "%")


def filtered_trees(query: TreeQuery) -> Select:
    """Trees matching the query's filters (its cursor and limit aside)."""
    stmt = select(Tree)
    for column, value in (
        (Tree.species_id, query.species_id),
        (Tree.category, query.category),
        (Tree.condition, query.condition),
        (Tree.commune_id, query.commune_id),
        (Tree.import_batch_id, query.import_batch_id),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    if query.q and query.q.strip():
        stmt = stmt.where(_text_filter(query.q))
    if query.bbox:
        stmt = stmt.where(Tree.geom.intersects(func.ST_MakeEnvelope(*query.bbox, 4326)))
    if query.planted_year:
        stmt = stmt.where(func.extract("year", Tree.planted_on) == query.planted_year)
    if query.stand_ids is not None or query.lot_ids is not None:  # () reaches no tree
        stmt = stmt.where(
            or_(
                Tree.stand_id.in_(query.stand_ids or ()),
                Tree.seedling_lot_id.in_(query.lot_ids or ()),
            )
        )
    return stmt


def list_trees(query: TreeQuery) -> tuple[list[Tree], int | None]:
    """One page of trees, newest first, and the cursor of the next page (None at the end)."""
    limit = max(1, min(query.limit, MAX_PAGE))
    stmt = filtered_trees(query)
    if query.after is not None:
        stmt = stmt.where(Tree.id < query.after)
    rows = list(db.session.scalars(stmt.order_by(Tree.id.desc()).limit(limit + 1)))
    next_cursor = rows[limit - 1].id if len(rows) > limit else None
    return rows[:limit], next_cursor
