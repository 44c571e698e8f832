"""Sign in and out."""

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import login_required, login_user, logout_user

from smarttrees.services import admin
from smarttrees.web import bp


def _safe_next(target: str | None) -> str:
    """Only follow a ?next= that stays on this site."""
    if target and not urlsplit(target).netloc and target.startswith("/"):
        return target
    return url_for("pages.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    error = None
    if request.method == "POST":
        user = admin.authenticate(request.form.get("email", ""), request.form.get("password", ""))
        if user:
            login_user(user, remember=bool(request.form.get("remember")))
            return redirect(_safe_next(request.args.get("next")))
        error = gettext("Wrong email or password.")
    return render_template("login.html", error=error), 401 if error else 200


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash(gettext("You are signed out."))
    return redirect(url_for("pages.login"))
