"""The species list for admins: search it, add a species, correct one, merge one into another
after a page that says what will move."""

from pathlib import Path

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal, gettext, ngettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from smarttrees.auth import role_required
from smarttrees.errors import ValidationFailed
from smarttrees.models import Role, Species
from smarttrees.services import admin, inventory
from smarttrees.web import bp
from smarttrees.web.custody import refusal_errors

# Where a species' wood density comes from, as the list says it.
BASES = {
    "species": _l("the species' mean"),
    "genus": _l("its genus' mean"),
    "default": _l("the regional default"),
}


def _reference_dir() -> Path:
    return Path(current_app.config["REFERENCE_DIR"])


@bp.route("/admin/species", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def admin_species():
    """Every species with what uses it, searched without diacritics; a new one added here."""
    errors = {}
    if request.method == "POST":
        try:
            added = admin.add_species(
                request.form, reference_dir=_reference_dir(), actor=current_user
            )
        except ValidationFailed as error:
            errors = refusal_errors(error)
        else:
            flash(gettext("%(species)s is on the list.", species=added.label))
            return redirect(url_for("pages.admin_species"))
    q = request.args.get("q", "")
    page = render_template(
        "admin/species.html",
        rows=admin.species_with_uses(q),
        q=q,
        bases=BASES,
        values=request.form if errors else {},
        errors=errors,
    )
    return page, 422 if errors else 200


@bp.route("/admin/species/<int:species_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def admin_species_edit(species_id: int):
    """Correct a species' names, family or wood density; choose one to merge it into."""
    species, errors = admin.get_species(species_id), {}
    if request.method == "POST":
        try:
            admin.edit_species(
                species_id, request.form, reference_dir=_reference_dir(), actor=current_user
            )
        except ValidationFailed as error:
            errors = refusal_errors(error)
        else:
            flash(gettext("%(species)s is saved.", species=species.label))
            return redirect(url_for("pages.admin_species"))
    page = render_template(
        "admin/species_edit.html",
        species=species,
        values=request.form if errors else _values(species),
        errors=errors,
        bases=BASES,
        others=[s for s in inventory.list_species() if s.id != species.id],
    )
    return page, 422 if errors else 200


def _values(species: Species) -> dict:
    names = ("scientific_name", "vi_name", "en_name", "family")
    values = {name: getattr(species, name) or "" for name in names}
    density = species.wood_density
    values["wood_density"] = "" if density is None else format_decimal(density, format="0.000")
    return values


@bp.route("/admin/species/<int:species_id>/merge", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def admin_species_merge(species_id: int):
    """GET: what would move, to confirm; POST: merge, then back to the list."""
    source, into = admin.get_species(species_id), request.values.get("into")
    try:
        if request.method == "GET":
            _, target, counts = admin.merge_preview(species_id, into)
            moving = _moving(counts)
            return render_template(
                "admin/species_merge.html", source=source, target=target, moving=moving
            )
        label = source.label  # the species is gone once merged
        target, moved = admin.merge_species(species_id, into, actor=current_user)
    except ValidationFailed as error:
        flash(" ".join(refusal_errors(error).values()), "error")
        return redirect(url_for("pages.admin_species_edit", species_id=species_id))
    done = gettext("%(source)s is merged into %(target)s.", source=label, target=target.label)
    if moved_rows := _moving(moved):
        done += " " + gettext("Moved: %(moved)s.", moved=moved_rows)
    flash(done)
    return redirect(url_for("pages.admin_species"))


def _moving(counts: dict[str, int]) -> str | None:
    """'47 trees, 2 stands and 1 seedling lot': what a merge would move (None: nothing)."""
    parts = _counted(counts)
    return _listed(parts) if parts else None


def _listed(parts: list[str]) -> str:
    if len(parts) == 1:
        return parts[0]
    return gettext("%(first)s and %(last)s", first=", ".join(parts[:-1]), last=parts[-1])


def _counted(counts: dict[str, int]) -> list[str]:
    return [COUNTED[name](number) for name, number in counts.items() if number]


# Each kind of row a merge moves, in words, numbers as the reader writes them ("1.234 cây").
COUNTED = {
    "trees": lambda n: ngettext("%(count)s tree", "%(count)s trees", n, count=format_decimal(n)),
    "stands": lambda n: ngettext("%(count)s stand", "%(count)s stands", n, count=format_decimal(n)),
    "seedling_lots": lambda n: ngettext(
        "%(count)s seedling lot", "%(count)s seedling lots", n, count=format_decimal(n)
    ),
    "product_batches": lambda n: ngettext(
        "%(count)s product batch", "%(count)s product batches", n, count=format_decimal(n)
    ),
    "import_batches": lambda n: ngettext(
        "the species chosen in %(count)s import",
        "the species chosen in %(count)s imports",
        n,
        count=format_decimal(n),
    ),
    "saved_mappings": lambda n: ngettext(
        "%(count)s saved mapping", "%(count)s saved mappings", n, count=format_decimal(n)
    ),
}
