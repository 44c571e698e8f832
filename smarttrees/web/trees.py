"""Tree pages: list with filters, detail with history, create, edit, record an inspection."""

import uuid
from collections.abc import Callable
from pathlib import Path

from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user
from geoalchemy2.shape import to_shape

from smarttrees.auth import role_required
from smarttrees.error_handlers import translate_details
from smarttrees.errors import OutsideAssignedCommunes, ValidationFailed
from smarttrees.inputs import Fields, is_whole
from smarttrees.labels.sheets import LAYOUTS
from smarttrees.models import Condition, Role, TreeCategory
from smarttrees.schemas import BoundingBox
from smarttrees.services import custody, inventory, labels
from smarttrees.services.inventory import TreeQuery
from smarttrees.web import bp
from smarttrees.web.printing import ROLL_LIMIT, label_pdf, roll_pdf

FILTERS = (
    "species_id", "category", "condition", "commune_id", "q", "year", "bbox", "batch",
    "stand", "lot",
)  # fmt: skip
HIDDEN_FILTERS = ("bbox", "batch", "stand", "lot")  # set by the map, an import, a stand, a trace


def _choices() -> dict:
    """Options for the select boxes, as (value, translated label) pairs."""
    return {
        "species_options": [(s.id, s.label) for s in inventory.list_species()],
        "commune_options": [(c.id, c.name) for c in inventory.list_communes()],
        "category_options": [(c.value, gettext(c.value)) for c in TreeCategory],
        "condition_options": [(c.value, gettext(c.value)) for c in Condition],
    }


def _bbox(text: str) -> tuple[float, float, float, float] | None:
    """west,south,east,north from the map's view; anything else is no bounding box."""
    fields = Fields({"bbox": text})
    BoundingBox().read(fields)
    return fields.values.get("bbox")


def _ids(text: str) -> tuple[int, ...] | None:
    """1,2,3 (a stand's or a trace's); anything else is no filter."""
    parts = text.split(",") if text else []
    return tuple(int(part) for part in parts) if parts and all(map(is_whole, parts)) else None


def list_query() -> tuple[TreeQuery, dict]:
    """Filters from the query string; a bad value is ignored and shown as not applied."""
    args = {name: request.args.get(name, "").strip() for name in FILTERS}

    def as_int(name):
        return int(args[name]) if is_whole(args[name]) else None

    def as_enum(name, enum_type):
        return next((m for m in enum_type if m.value == args[name]), None)

    query = TreeQuery(
        species_id=as_int("species_id"),
        category=as_enum("category", TreeCategory),
        condition=as_enum("condition", Condition),
        commune_id=as_int("commune_id"),
        q=args["q"] or None,
        planted_year=as_int("year"),
        import_batch_id=as_int("batch"),
        bbox=_bbox(args["bbox"]),
        stand_ids=_ids(args["stand"]),
        lot_ids=_ids(args["lot"]),
        after=int(request.args["after"]) if is_whole(request.args.get("after", "")) else None,
    )
    return query, args


@bp.get("/trees")
@role_required(Role.VIEWER)
def tree_list():
    query, args = list_query()
    rows, next_cursor = inventory.list_trees(query)
    active = {name: value for name, value in args.items() if value}
    next_url = url_for("pages.tree_list", after=next_cursor, **active) if next_cursor else None
    return render_template(
        "trees/list.html",
        trees=rows,
        args=args,
        active=active,
        next_url=next_url,
        first=query.after is None,
        layouts=sorted(LAYOUTS),
        hidden={name: args[name] for name in HIDDEN_FILTERS if args[name]},
        scope=_scope(query),
        **_choices(),
    )


def _scope(query: TreeQuery) -> dict | None:
    """What a stand's or a trace's list is narrowed to, named for the page."""
    if query.stand_ids is None and query.lot_ids is None:
        return None
    return custody.scope_names(query.stand_ids or (), query.lot_ids or ())


@bp.get("/trees/<code>")
@role_required(Role.VIEWER)
def tree_detail(code: str):
    tree = inventory.get_tree(code)
    return render_template("trees/detail.html", tree=tree, point=to_shape(tree.geom))


def _form_page(
    template: str, *, values: dict, errors: dict | None = None, tree=None, status: int = 422
):
    status = status if errors else 200
    page = render_template(template, values=values, errors=errors or {}, tree=tree, **_choices())
    return page, status


def _submit(template: str, save: Callable, *, done: Callable, tree=None):
    """Run a form's service call: back to the form with field errors, or on to the tree."""
    try:
        saved = save()
    except (ValidationFailed, OutsideAssignedCommunes) as error:
        errors = translate_details(error.details)
        if isinstance(error, OutsideAssignedCommunes):  # the commune, said at the top
            errors["form"] = gettext(error.message, **error.params)
        return _form_page(
            template, values=request.form, tree=tree, errors=errors, status=error.status
        )
    message, code = done(saved)
    flash(message)
    return redirect(url_for("pages.tree_detail", code=code))


def _fresh_form(values=None) -> dict:
    """Form values with a new client id, which makes a double submission harmless."""
    return {**(values or {}), "client_id": uuid.uuid4().hex}


def _already_saved(tree_code: str):
    flash(gettext("This form had already been saved; nothing was added twice."))
    return redirect(url_for("pages.tree_detail", code=tree_code))


@bp.route("/trees/new", methods=["GET", "POST"])
@role_required(Role.FIELD)
def tree_new():
    if request.method == "GET":
        return _form_page("trees/form.html", values=_fresh_form(request.args))
    if earlier := inventory.tree_from_client(request.form.get("client_id")):
        return _already_saved(earlier.code)
    return _submit(
        "trees/form.html",
        lambda: inventory.plant_tree(request.form, actor=current_user),
        done=lambda tree: (gettext("Tree %(code)s was added.", code=tree.code), tree.code),
    )


def _tree_values(tree) -> dict:
    point = to_shape(tree.geom)
    return {
        "lon": point.x,
        "lat": point.y,
        "species_id": tree.species_id,
        "category": tree.category.value,
        "dbh_cm": tree.dbh_cm,
        "height_m": tree.height_m,
        "crown_m": tree.crown_m,
        "condition": tree.condition.value if tree.condition else "",
        "planted_on": tree.planted_on.strftime("%d/%m/%Y") if tree.planted_on else "",
        "notes": tree.notes or "",
    }


@bp.route("/trees/<code>/edit", methods=["GET", "POST"])
@role_required(Role.MANAGER)
def tree_edit(code: str):
    tree = inventory.get_tree(code)
    if request.method == "GET":
        return _form_page("trees/form.html", values=_tree_values(tree), tree=tree)
    return _submit(
        "trees/form.html",
        lambda: inventory.edit_tree(code, request.form, actor=current_user),
        tree=tree,
        done=lambda tree: (gettext("Changes saved."), tree.code),
    )


@bp.route("/trees/<code>/inspect", methods=["GET", "POST"])
@role_required(Role.FIELD)
def tree_inspect(code: str):
    tree = inventory.get_tree(code)
    if request.method == "GET":
        return _form_page("trees/inspect.html", values=_fresh_form(), tree=tree)
    photo = request.files.get("photo")
    return _submit(
        "trees/inspect.html",
        lambda: inventory.record_inspection(
            code,
            request.form,
            actor=current_user,
            photo=photo.stream if photo and photo.filename else None,
            photo_dir=Path(current_app.config["PHOTO_DIR"]),
        ),
        tree=tree,
        done=_inspection_done,
    )


def _inspection_done(recorded) -> tuple[str, str]:
    """A form sent twice (a double tap, a reload) adds nothing and says so."""
    if not recorded.created:
        message = gettext("This form had already been saved; nothing was added twice.")
    else:
        message = gettext("Inspection recorded.")
    return message, recorded.inspection.tree.code


@bp.get("/trees/labels.pdf")
@role_required(Role.FIELD)
def tree_labels():
    """Labels for the trees the list shows (its filters), as a PDF to print."""
    query, _ = list_query()
    return label_pdf(labels.Selection(query=query), default_layout="a4-3x8", filename="labels.pdf")


@bp.route("/labels/roll", methods=["GET", "POST"])
@role_required(Role.FIELD)
def label_roll():
    """A roll of fresh tags: codes reserved now, printed, assigned in the field later."""
    if request.method == "POST":
        return roll_pdf(request.form)
    return render_template("trees/roll.html", layouts=sorted(LAYOUTS), limit=ROLL_LIMIT)


@bp.get("/photos/<path:name>")
@role_required(Role.VIEWER)
def photo(name: str):
    """An inspection photo (only names the app stored: send_from_directory refuses others)."""
    return send_from_directory(current_app.config["PHOTO_DIR"], name, max_age=86400)
