"""Sign in (a password, then a code for those with two-step sign-in) and out; API tokens."""

import time
from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_login import current_user, login_required, login_user, logout_user

from smarttrees.error_handlers import translate_details
from smarttrees.errors import ValidationFailed
from smarttrees.models import Role
from smarttrees.services import admin
from smarttrees.web import bp


def _safe_next(target: str | None) -> str:
    """Only follow a ?next= that stays on this site."""
    if target and not urlsplit(target).netloc and target.startswith("/"):
        return target
    return url_for("pages.home")


def _too_many(template: str, refused: admin.TooManyAttempts, **shown):
    error = gettext(
        "Too many failed sign-ins: try again in %(minutes)s minutes.",
        minutes=refused.wait_minutes,
    )
    return render_template(template, error=error, **shown), 429


@bp.route("/login", methods=["GET", "POST"])
def login():
    error, status = None, 200
    if request.method == "POST":
        session.pop("second_step", None)
        try:
            user = admin.sign_in(
                request.form.get("email", ""),
                request.form.get("password", ""),
                request.remote_addr or "",
            )
        except admin.TooManyAttempts as refused:
            return _too_many("login.html", refused)
        remember, target = bool(request.form.get("remember")), request.args.get("next")
        if user and user.two_step:  # the password was right; the code comes next
            session["second_step"] = {
                "user": user.id,
                "version": user.session_version,
                "remember": remember,
                "next": target,
                "at": time.time(),
            }
            return redirect(url_for("pages.login_code"))
        if user:
            login_user(user, remember=remember)
            return redirect(_safe_next(target))
        error, status = gettext("Wrong email or password."), 401
    return render_template("login.html", error=error), status


@bp.route("/login/code", methods=["GET", "POST"])
def login_code():
    """The second step of signing in: the six digits of the user's app, or a recovery code."""
    pending = session.get("second_step")
    if not pending or time.time() - pending["at"] > admin.SECOND_STEP.total_seconds():
        session.pop("second_step", None)
        return render_template("login_code.html", expired=True)
    if request.method == "GET":
        return render_template("login_code.html")
    try:
        user = admin.sign_in_code(
            pending["user"],
            version=pending["version"],
            code=request.form.get("code", ""),
            address=request.remote_addr or "",
        )
    except admin.TooManyAttempts as refused:
        session.pop("second_step", None)
        return _too_many("login_code.html", refused, expired=True)
    if user is None:
        return render_template("login_code.html", error=gettext("This code is not right.")), 401
    session.pop("second_step", None)
    login_user(user, remember=pending["remember"])
    return redirect(_safe_next(pending["next"]))


@bp.post("/logout")
@login_required
def logout():
    admin.end_sessions(current_user)  # this cookie, any copy of it, and "remember me"
    logout_user()
    flash(gettext("You are signed out."))
    return redirect(url_for("pages.login"))


@bp.get("/account/tokens")
@login_required
def tokens(**shown):
    """The user's API tokens (an admin sees everyone's), each one revocable."""
    return render_template(
        "account/tokens.html",
        tokens=admin.list_tokens(current_user),
        everyone=current_user.role == Role.ADMIN,
        now=datetime.now(UTC),
        **shown,
    )


@bp.post("/account/tokens/new")
@login_required
def token_issue():
    """A token for a program or a device, shown once here (only its digest is kept)."""
    try:
        device = admin.DEVICE.parse(request.form).get("device")
    except ValidationFailed as error:
        return tokens(errors=translate_details(error.details)), error.status
    return tokens(issued=admin.issue_token(current_user, name=device or gettext("API token")))


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def token_revoke(token_id: int):
    token = admin.revoke_token(token_id, by=current_user)
    flash(gettext("The token “%(name)s” no longer works.", name=token.name))
    return redirect(url_for("pages.tokens"))
