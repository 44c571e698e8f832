"""A signed-in user's own account: their password (a temporary one must be replaced first) and
their two-step sign-in (turned on with a QR code and a first code, off with the password)."""

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_login import current_user, login_required, login_user
from markupsafe import Markup

from smarttrees.error_handlers import translate_details
from smarttrees.errors import ValidationFailed
from smarttrees.labels.qr_svg import qr_svg
from smarttrees.services import admin
from smarttrees.web import bp


@bp.get("/account")
@login_required
def account(errors: dict | None = None):
    """What the user may change of their own account."""
    return render_template(
        "account/index.html",
        recovery_left=admin.recovery_codes_left(current_user),
        errors=errors or {},
    )


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password():
    """Change one's own password (the current one, the new one twice); every other session of
    the user ends, this one goes on."""
    if request.method == "GET":
        return render_template("account/password.html", errors={})
    try:
        admin.change_password(
            current_user,
            current=request.form.get("current_password", ""),
            new=request.form.get("new_password", ""),
            again=request.form.get("new_password_again", ""),
        )
    except ValidationFailed as error:
        return render_template("account/password.html", errors=_errors(error)), error.status
    remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    user = current_user._get_current_object()
    login_user(user, remember=remembered in request.cookies)  # under the new session version
    flash(gettext("Your password is changed; your other sessions are signed out."))
    return redirect(url_for("pages.account"))


@bp.route("/account/two-step", methods=["GET", "POST"])
@login_required
def two_step():
    """Turn two-step sign-in on: a secret shown as a QR code and as text, kept in this session
    until a first code from the app matches it; then the recovery codes, shown once."""
    if current_user.two_step:
        return redirect(url_for("pages.account"))
    secret = session.get("two_step_secret") or admin.new_two_step_secret()
    session["two_step_secret"] = secret
    errors, status = {}, 200
    if request.method == "POST":
        try:
            codes = admin.turn_on_two_step(
                current_user, secret=secret, code=request.form.get("code", "")
            )
        except ValidationFailed as error:
            errors, status = _errors(error), error.status
        else:
            session.pop("two_step_secret", None)
            return render_template("account/recovery_codes.html", codes=codes)
    uri = admin.two_step_uri(current_user, secret)
    qr = Markup(qr_svg(uri, title=gettext("QR code of your two-step sign-in key")))
    key = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return render_template("account/two_step.html", qr=qr, key=key, errors=errors), status


@bp.post("/account/two-step/off")
@login_required
def two_step_off():
    """Turn one's own two-step sign-in off, with one's password."""
    try:
        admin.turn_off_two_step(current_user, password=request.form.get("password", ""))
    except ValidationFailed as error:
        return account(errors=_errors(error)), error.status
    flash(gettext("Two-step sign-in is off."))
    return redirect(url_for("pages.account"))


def _errors(error: ValidationFailed) -> dict:
    errors = translate_details(error.details) or {}
    errors.setdefault("form", gettext(error.message))
    return errors
