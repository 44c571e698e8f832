"""Sign in and out."""

from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required, login_user, logout_user

from smarttrees.models import Role
from smarttrees.services import admin
from smarttrees.web import bp


def _safe_next(target: str | None) -> str:
    """Only follow a ?next= that stays on this site."""
    if target and not urlsplit(target).netloc and target.startswith("/"):
        return target
    return url_for("pages.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    error, status = None, 200
    if request.method == "POST":
        try:
            user = admin.sign_in(
                request.form.get("email", ""),
                request.form.get("password", ""),
                request.remote_addr or "",
            )
        except admin.TooManyAttempts as refused:
            error = gettext(
                "Too many failed sign-ins: try again in %(minutes)s minutes.",
                minutes=refused.wait_minutes,
            )
            return render_template("login.html", error=error), 429
        if user:
            login_user(user, remember=bool(request.form.get("remember")))
            return redirect(_safe_next(request.args.get("next")))
        error, status = gettext("Wrong email or password."), 401
    return render_template("login.html", error=error), status


@bp.post("/logout")
@login_required
def logout():
    admin.end_sessions(current_user)  # this cookie, any copy of it, and "remember me"
    logout_user()
    flash(gettext("You are signed out."))
    return redirect(url_for("pages.login"))


@bp.get("/account/tokens")
@login_required
def tokens():
    """The user's API tokens (an admin sees everyone's), each one revocable."""
    return render_template(
        "account/tokens.html",
        tokens=admin.list_tokens(current_user),
        everyone=current_user.role == Role.ADMIN,
        now=datetime.now(UTC),
    )


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def token_revoke(token_id: int):
    token = admin.revoke_token(token_id, by=current_user)
    flash(gettext("The token “%(name)s” no longer works.", name=token.name))
    return redirect(url_for("pages.tokens"))
