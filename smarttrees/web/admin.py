"""Administration pages: accounts (invite, role, disable, reset) and the audit log."""

from datetime import date

from flask import Response, render_template, request, stream_with_context, url_for
from flask_babel import gettext
from flask_login import current_user

from smarttrees import field_names
from smarttrees.auth import role_required
from smarttrees.error_handlers import translate_details
from smarttrees.errors import DomainError, ValidationFailed
from smarttrees.models import Role
from smarttrees.models.audit import AUDITED_TABLES
from smarttrees.services import admin, custody, inventory
from smarttrees.web import bp


def _users_page(**shown):
    shown.setdefault("errors", {})
    shown.setdefault("values", {})
    return render_template(
        "admin/users.html",
        users=admin.list_accounts(),
        roles=list(Role),
        nurseries=custody.all_nurseries(),
        assigned=admin.communes_by_user(),
        **shown,
    )


@bp.route("/admin/users", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def admin_users():
    """Every account; a new one is invited with a temporary password shown once, here."""
    if request.method == "GET":
        return _users_page()
    try:
        user, password = admin.invite(
            email=request.form.get("email", ""),
            name=request.form.get("name", ""),
            role=request.form.get("role", ""),
            by=current_user,
            nursery=request.form.get("nursery"),
        )
    except DomainError as error:  # back to the form, as typed, the problem beside its field
        errors = translate_details(error.details) or {}
        errors.setdefault("form", gettext(error.message))
        return _users_page(errors=errors, values=request.form), error.status
    return _users_page(handed=(user, password))


@bp.post("/admin/users/<int:user_id>")
@role_required(Role.ADMIN)
def admin_user_change(user_id: int):
    """Change a role, disable or enable, or reset a password (the new one shown once)."""
    password = admin.change_account(
        user_id,
        action=request.form.get("action", ""),
        role=request.form.get("role"),
        by=current_user,
        nursery=request.form.get("nursery"),
    )
    handed = (next(u for u in admin.list_accounts() if u.id == user_id), password)
    return _users_page(handed=handed if password else None, changed=user_id)


def _audit_query(before: int | None = None) -> admin.AuditQuery:
    args = request.args

    def day(name):
        try:
            return date.fromisoformat(args.get(name, ""))
        except ValueError:
            return None

    actor = args.get("actor", "")
    return admin.AuditQuery(
        entity=args.get("entity") or None,
        entity_id=args.get("entity_id", "").strip()[:40] or None,
        action=args.get("action") or None,
        actor_id=int(actor) if actor.isascii() and actor.isdigit() else None,
        since=day("since"),
        until=day("until"),
        before=before,
    )


@bp.get("/admin/audit")
@role_required(Role.ADMIN)
def admin_audit():
    """Every change: who, when, what, before and after; filtered, a page at a time."""
    before = request.args.get("before", "")
    entries, more = admin.audit_page(
        _audit_query(int(before) if before.isascii() and before.isdigit() else None)
    )
    more_url = url_for("pages.admin_audit", **{**request.args.to_dict(), "before": more})
    return render_template(
        "admin/audit.html",
        entries=entries,
        more_url=more_url if more else None,
        entities=sorted(AUDITED_TABLES | {"import_batches"}),
        labels=field_names,
        users=admin.list_accounts(),
        args=request.args,
    )


@bp.get("/admin/audit.csv")
@role_required(Role.ADMIN)
def admin_audit_csv():
    """The entries the filters select, all of them, as CSV (streamed)."""
    lines = stream_with_context(admin.audit_csv(_audit_query()))
    headers = {"Content-Disposition": 'attachment; filename="audit.csv"'}
    return Response(lines, mimetype="text/csv; charset=utf-8", headers=headers)


@bp.route("/admin/nurseries", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def admin_nurseries():
    """The nurseries whose operators record their own lots."""
    errors = {}
    if request.method == "POST":
        try:
            custody.new_nursery(request.form, actor=current_user)
        except ValidationFailed as error:
            errors = translate_details(error.details)
    page = render_template(
        "admin/nurseries.html",
        nurseries=custody.all_nurseries(),
        communes=inventory.list_communes(),
        values=request.form if errors else {},
        errors=errors,
    )
    return page, 422 if errors else 200
