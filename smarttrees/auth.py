"""Sign-in: sessions for browsers (Flask-Login), bearer tokens for other clients, roles; a
session signed in with a temporary password reaches only the page that replaces it."""

from collections.abc import Callable
from functools import wraps

from flask import Flask, Request, abort, current_app, g, redirect, request, url_for
from flask_login import current_user

from smarttrees.errors import Forbidden
from smarttrees.extensions import login
from smarttrees.models import Role
from smarttrees.services import admin

# What a session with a temporary password may still reach: the page that replaces it, signing
# out, and the files those pages load.
OPEN_BEFORE_PASSWORD = {"pages.password", "pages.logout", "static", "vendor.asset"}


def init_login(app: Flask) -> None:
    login.login_view = "pages.login"
    login.login_message = None
    login.user_loader(_user_of_session)
    login.request_loader(_user_from_bearer)
    app.before_request(_own_password_first)


def _user_of_session(session_id: str):
    """The user a session or "remember me" cookie names, unless they signed out since: the
    cookie carries the session version of its sign-in ("12.3": user 12, version 3)."""
    user_id, _, version = session_id.partition(".")
    if not (user_id.isascii() and user_id.isdigit() and version.isascii() and version.isdigit()):
        return None
    user = admin.get_user(int(user_id))
    return user if user is not None and user.session_version == int(version) else None


def _user_from_bearer(request: Request):
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        user = admin.user_for_token(header.removeprefix("Bearer ").strip())
        g.signed_in_by_token = user is not None
        return user
    return None


def _own_password_first():
    """Send a session whose user holds a temporary password to the page that replaces it (the
    API answers 403); a bearer token's client goes on (tokens are issued by hand, to devices)."""
    if request.endpoint in OPEN_BEFORE_PASSWORD or not current_user.is_authenticated:
        return None
    if g.get("signed_in_by_token") or not current_user.must_change_password:
        return None
    if request.blueprint in ("api", "tiles", "ogc"):
        raise Forbidden("Choose your own password first.", code="password_change_required")
    return redirect(url_for("pages.password"))


def public_or_viewer(view: Callable) -> Callable:
    """Open to everyone when the public map is on; otherwise to viewers and up."""

    @wraps(view)
    def guarded(*args, **kwargs):
        if current_app.config["PUBLIC_MAP"]:
            return view(*args, **kwargs)
        return role_required(Role.VIEWER)(view)(*args, **kwargs)

    guarded.role = Role.VIEWER  # what the API's description says it needs
    guarded.public = True
    return guarded


def role_required(role: Role) -> Callable:
    """Let the view run only for a signed-in user whose role is at least `role`."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args, **kwargs):
            if not current_user.is_authenticated:
                if request.blueprint in ("api", "tiles", "ogc"):
                    abort(401)
                return login.unauthorized()
            if not current_user.can(role):
                abort(403)
            return view(*args, **kwargs)

        guarded.role = role  # what the API's description says it needs
        return guarded

    return decorate
