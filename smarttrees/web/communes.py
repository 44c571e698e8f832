"""The communes for admins: every commune and ward with its trees and field users, searched
without diacritics; a name corrected; the communes a field user is assigned to."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from smarttrees.auth import role_required
from smarttrees.errors import ValidationFailed
from smarttrees.models import Role
from smarttrees.services import admin, inventory
from smarttrees.web import bp
from smarttrees.web.custody import refusal_errors


@bp.get("/admin/communes")
@role_required(Role.ADMIN)
def admin_communes():
    """Every commune and ward: code, name, level, area, trees, field users assigned."""
    q = request.args.get("q", "")
    return render_template("admin/communes.html", rows=admin.communes_with_uses(q), q=q)


@bp.route("/admin/communes/<code>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def admin_commune_edit(code: str):
    """Correct a commune's name; the field users assigned to it."""
    unit, errors = inventory.get_commune(code), {}
    if request.method == "POST":
        try:
            admin.rename_commune(code, request.form, actor=current_user)
        except ValidationFailed as error:
            errors = refusal_errors(error)
        else:
            flash(gettext("%(commune)s is saved.", commune=unit.name))
            return redirect(url_for("pages.admin_communes", _anchor=f"commune-{unit.code}"))
    page = render_template(
        "admin/commune_edit.html",
        unit=unit,
        values=request.form if errors else {"name": unit.name},
        errors=errors,
        field_users=admin.field_users_of(unit),
    )
    return page, 422 if errors else 200


@bp.route("/admin/users/<int:user_id>/communes", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def admin_user_communes(user_id: int):
    """The communes a field user works in (none ticked: everywhere)."""
    user, errors = admin.get_account(user_id), {}
    if request.method == "POST":
        try:
            admin.assign_communes(user_id, request.form.getlist("commune"), by=current_user)
        except ValidationFailed as error:
            errors = refusal_errors(error)
        else:
            flash(gettext("The communes of %(user)s are saved.", user=user.name))
            return redirect(url_for("pages.admin_users", _anchor=f"user-{user_id}"))
    ticked = (
        set(request.form.getlist("commune"))
        if errors
        else {unit.code for unit in admin.communes_by_user().get(user_id, [])}
    )
    page = render_template(
        "admin/user_communes.html",
        user=user,
        communes=inventory.list_communes(),
        ticked=ticked,
        errors=errors,
    )
    return page, 422 if errors else 200
