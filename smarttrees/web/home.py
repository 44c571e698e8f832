"""The start page: what the inventory holds."""

from flask import redirect, render_template, url_for
from flask_login import current_user

from smarttrees.auth import role_required
from smarttrees.models import Role
from smarttrees.services import inventory
from smarttrees.web import bp


@bp.get("/")
@role_required(Role.VIEWER)
def home():
    if current_user.role == Role.NURSERY:  # a nursery's operator starts at their lots
        return redirect(url_for("pages.lot_list"))
    return render_template("home.html", summary=inventory.summary())
